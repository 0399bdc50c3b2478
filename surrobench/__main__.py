"""The ``surrobench`` command and ``python -m surrobench``.

The command line's libraries load inside :func:`main`, so that Ctrl-C while
they load ends the command quietly too.
"""

import sys


def main() -> int:
    try:
        from surrobench.cli import main as run_command_line
    except KeyboardInterrupt:
        print("surrobench: interrupted", file=sys.stderr)
        return 130
    return run_command_line()


if __name__ == "__main__":
    sys.exit(main())
