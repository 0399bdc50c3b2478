"""Errors meant for the person at the keyboard.

Every error that bad input can cause is a :class:`SurrobenchError` whose message
is one line naming the bad value and the valid choices; the command line prints
that line and exits with status 2 instead of showing a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class SurrobenchError(ValueError):
    """Bad input: the message names the value and what would have been valid."""


def unknown_name(kind: str, name: object, choices: Iterable[str]) -> SurrobenchError:
    """Build the error for an unknown ``kind`` (benchmark, predictor, ...) ``name``.

    Example:
        >>> str(unknown_name("benchmark", "nb210", ["nb201-cifar10", "nbgraph-cora"]))
        "unknown benchmark 'nb210'; did you mean 'nb201-cifar10'? (valid: ...)"
    """
    choices = sorted(choices)
    close = difflib.get_close_matches(str(name), choices, n=3, cutoff=0.4)
    message = f"unknown {kind} {name!r}"
    if close:
        message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    shown = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    return SurrobenchError(f"{message} (valid: {shown})")


def check_choice(kind: str, name: str, choices: Iterable[str]) -> str:
    """Return ``name`` if it is one of ``choices``; raise :func:`unknown_name` else."""
    choices = list(choices)
    if name not in choices:
        raise unknown_name(kind, name, choices)
    return name
