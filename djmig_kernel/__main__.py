"""``python -m djmig_kernel check [PATH] [--app APP] [--json]``: the four pieces' agreement as an exit code, for CI."""

import argparse
import json
import sys

from .exceptions import DjmigError
from .sandbox import Sandbox

AGREE, DISAGREE, ERROR = 0, 1, 2


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m djmig_kernel",
        description="Check that models.py, the migration files, the django_migrations ledger and the "
                    "database schema agree. Exit 0 when they agree, 1 when they disagree, 2 on an error.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="list where the four pieces disagree, with the fix of each")
    check.add_argument("path", nargs="?", default=".", help="the project folder (the one holding manage.py)")
    check.add_argument("--app", help="check this app only")
    check.add_argument("--json", action="store_true", help="print a JSON list of {kind, app, subject, detail, fix}")
    check.add_argument("--timeout", type=float, default=120, help="seconds Django may take (default 120)")
    return parser


def main(argv=None):
    """Run the command line ARGV (default: sys.argv[1:]) and return its exit code."""
    args = _parser().parse_args(argv)
    try:
        found = Sandbox.open(args.path).check(args.app, timeout=args.timeout)
    except DjmigError as error:
        print(f"djmig: {error}", file=sys.stderr)
        return ERROR
    if args.json:
        print(json.dumps(found.to_dict(orient="records"), indent=2))
    else:
        print(repr(found))
    return DISAGREE if len(found) else AGREE


if __name__ == "__main__":
    sys.exit(main())
