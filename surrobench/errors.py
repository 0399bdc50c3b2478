"""Errors meant for the person at the keyboard.

Every error that bad input can cause is a :class:`SurrobenchError` whose message
is one line naming the bad value and the valid choices; the command line prints
that line and exits with status 2 instead of showing a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np


class SurrobenchError(ValueError):
    """Bad input: the message names the value and what would have been valid."""


def unknown_name(kind: str, name: object, choices: Iterable[str]) -> SurrobenchError:
    """Build the error for an unknown ``kind`` (benchmark, predictor, ...) ``name``.

    Example:
        >>> error = unknown_name("benchmark", "nb210", ["nb201-cifar10", "cora"])
        >>> str(error).split(" (valid")[0]
        "unknown benchmark 'nb210'; did you mean 'nb201-cifar10'?"
    """
    choices = sorted(choices)
    close = difflib.get_close_matches(str(name), choices, n=3, cutoff=0.4)
    message = f"unknown {kind} {name!r}"
    if close:
        message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    shown = ", ".join(choices[:24]) + (", ..." if len(choices) > 24 else "")
    return SurrobenchError(f"{message} (valid: {shown})")


MAX_SEED = 2**31 - 1  # LightGBM and others keep seeds in a signed 32-bit int


def check_int(
    what: str, value: object, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an int if it is an integer within the bounds, else raise.

    Booleans are refused: ``True`` is not a count or a seed.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise SurrobenchError(f"{what} must be an integer, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (
        maximum is not None and value > maximum
    ):
        low = "" if minimum is None else minimum
        high = "" if maximum is None else maximum
        raise SurrobenchError(f"{what} must be in {low}..{high}, got {value}")
    return value


def check_seed(seed: object) -> int:
    """A seed in ``0..2³¹ − 1``, the range every model here accepts."""
    return check_int("seed", seed, 0, MAX_SEED)


def check_values(what: str, values: object) -> np.ndarray:
    """``values`` as a float array, refusing strings, booleans and complex numbers."""
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise SurrobenchError(
            f"{what} must be a sequence of numbers, got {type(values).__name__}"
        )
    try:
        array = np.asarray(values)
    except ValueError:
        raise SurrobenchError(f"{what} must be a flat sequence of numbers") from None
    if array.dtype.kind not in "iuf":
        raise SurrobenchError(
            f"{what} must be real numbers, got values of type {array.dtype}"
        )
    return array.astype(float)
