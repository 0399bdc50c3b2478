"""Helpers for tests that run the command line."""

from surrobench.cli import main


def exit_code(args: list[str]) -> int:
    """What the command exits with, whether argparse or surrobench refuses."""
    try:
        return main(args)
    except SystemExit as stop:
        return stop.code
