"""Time sb.check() against ``makemigrations --check --dry-run`` on a migrated Wagtail project, side by side.

    python benchmarks/check.py [ROUNDS]

Both start Django once in a subprocess; the rounds alternate so that both see the same machine.
Prints each median and the ratio kit / Django (the target is about 1).
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from projects import build_wagtail  # noqa: E402  (the test suite's own real project)


def _time(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(rounds=5):
    with tempfile.TemporaryDirectory() as root:
        sb = build_wagtail(Path(root))
        tables = len(sb.tables())
        migrations = len(sb.ledger())
        kit, django = [], []
        for _ in range(rounds):
            kit.append(_time(lambda: sb.check()))
            django.append(_time(lambda: sb.manage("makemigrations", "--check", "--dry-run", timeout=300)))
        k, d = statistics.median(kit), statistics.median(django)
        print(f"Wagtail project: {migrations} applied migrations, {tables} tables")
        print(f"sb.check()                             {k:6.2f} s")
        print(f"makemigrations --check --dry-run       {d:6.2f} s")
        print(f"ratio                                  {k / d:6.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
