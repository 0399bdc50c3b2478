"""The ``surrobench`` command and ``python -m surrobench``.

The command line's libraries load inside :func:`main`, so that Ctrl-C while
they load ends the command quietly too.
"""

import os
import sys


def main() -> int:
    try:
        from surrobench.cli import main as run_command_line
    except KeyboardInterrupt:
        print("surrobench: interrupted", file=sys.stderr)
        return 130
    try:
        return run_command_line()
    except BrokenPipeError:
        # The reader went away (``surrobench predictors | head``): not an error
        # worth a traceback. Point stdout at /dev/null so the exit flush is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
