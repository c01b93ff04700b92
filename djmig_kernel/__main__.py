"""``python -m djmig_kernel check|plan ...``: the four pieces' agreement, or a plan's hazards, as an exit code."""

import argparse
import json
import sys

from .exceptions import DjmigError, UnknownHazardError
from .plans.preview import HAZARDS, hazards, preview_json, preview_text
from .sandbox import Sandbox

AGREE, DISAGREE, ERROR = 0, 1, 2


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m djmig_kernel",
        description="Check that models.py, the migration files, the django_migrations ledger and the "
                    "database schema agree, or preview what a migrate does to the live database. Exit 0 when "
                    "all is well, 1 when the pieces disagree or a named hazard is present, 2 on an error.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="list where the four pieces disagree, with the fix of each")
    check.add_argument("path", nargs="?", default=".", help="the project folder (the one holding manage.py)")
    check.add_argument("--app", help="check this app only")
    check.add_argument("--json", action="store_true", help="print a JSON list of {kind, app, subject, detail, fix}")
    check.add_argument("--timeout", type=float, default=120, help="seconds Django may take (default 120)")
    plan = commands.add_parser("plan", help="preview migrate APP TARGET: plan, SQL, data lost, locks, old code")
    plan.add_argument("path", help="the project folder (the one holding manage.py)")
    plan.add_argument("app", help="the app label, as for migrate")
    plan.add_argument("target", help='the migration to migrate to (a unique prefix will do), or "zero"')
    plan.add_argument("--json", action="store_true", help="print the preview as one JSON object")
    plan.add_argument("--fail-on", default="", metavar="HAZARDS",
                      help=f"exit 1 when any of these comma-separated hazards is present: {', '.join(HAZARDS)}")
    plan.add_argument("--timeout", type=float, default=120, help="seconds Django may take (default 120)")
    return parser


def _check(args):
    found = Sandbox.open(args.path).check(args.app, timeout=args.timeout)
    print(json.dumps(found.to_dict(orient="records"), indent=2) if args.json else repr(found))
    return DISAGREE if len(found) else AGREE


def _fail_on(text):
    """Return the hazards named in TEXT ("data-loss,blocking"); raise UnknownHazardError at one that is not one."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    for name in names:
        if name not in HAZARDS:
            raise UnknownHazardError(f"--fail-on names no hazard {name!r}; choose from {', '.join(HAZARDS)} "
                                     "(comma-separated)")
    return names


def _plan(args):
    fail_on = _fail_on(args.fail_on)
    sb = Sandbox.open(args.path)
    plan = sb.migration_plan(args.app, args.target, timeout=args.timeout)
    old_code = plan.old_code()  # first: its answer brings the locks too
    losses, locks = plan.data_loss(sb.row_counts), plan.locks()
    found = hazards(losses, locks, old_code)
    show = preview_json if args.json else preview_text
    print(show(args.app, plan, losses, locks, old_code, found))
    return DISAGREE if any(name in found for name in fail_on) else AGREE


def main(argv=None):
    """Run the command line ARGV (default: sys.argv[1:]) and return its exit code."""
    args = _parser().parse_args(argv)
    try:
        return (_check if args.command == "check" else _plan)(args)
    except DjmigError as error:
        print(f"djmig: {error}", file=sys.stderr)
        return ERROR


if __name__ == "__main__":
    sys.exit(main())
