"""The ``zc`` encoding: an architecture's zero-cost proxy scores as features.

Scores come from a :class:`~surrobench.zerocost.values.ProxyValues`: the one
passed in, or :func:`~surrobench.zerocost.values.default_values` (a file named
by ``--zc-values`` / ``SURROBENCH_ZC_VALUES``, else scores computed on the
small NB201 network and kept in a results store). Proxies need no training,
so test architectures' scores are fair features; their targets never enter.
``--encoding onehot+zc`` puts them next to any other encoding.
"""

from __future__ import annotations

import numpy as np

from surrobench.encodings.base import Encoding
from surrobench.errors import SurrobenchError
from surrobench.spaces import SearchSpace


def log_scale(values: np.ndarray, knee: float = 1.0) -> np.ndarray:
    """``asinh(x / knee)``: about ``x / knee`` for |x| ≪ knee and
    ``sign(x)·log(2|x| / knee)`` for |x| ≫ knee.

    Monotone and odd, so it keeps every ranking and every sign, and maps
    scores spread over many orders of magnitude onto a few units.

    Example:
        >>> np.round(log_scale(np.array([-1.0, 0.0, 1e-3, 1e3]), knee=1.0), 2)
        array([-0.88,  0.  ,  0.  ,  7.6 ])
    """
    return np.arcsinh(np.asarray(values, dtype=float) / knee)


class ZeroCostEncoding(Encoding):
    """``x_p = clip((t_p(score_p) − m_p) / s_p, −6, 6)`` for each proxy p.

    ``t_p = log_scale`` with the median |score| as knee for proxies that span
    orders of magnitude (snip, grasp, fisher, grad_norm, jacov, plain,
    params, flops) and the identity for the rest (already logarithms or sums
    of them); the knee, m_p and s_p (the median and the interquartile range
    / 1.349, the std of a normal) come from the source's reference
    architectures: every row of a file of scores, or 64 fixed NB201 cells for
    computed scores. Features then have
    comparable spreads next to 0/1 encodings, whatever the model; the clip
    keeps networks that ignore their input (scores floored far below any real
    one) from dominating distances, and ties only such extreme tails.

    Args:
        values: where scores come from; None reads the default source when
            encoding (see :mod:`surrobench.zerocost.values`).

    Example:
        >>> from surrobench.spaces import get_space
        >>> from surrobench.zerocost.runner import compute_proxies
        >>> from surrobench.zerocost.values import TableValues
        >>> archs = get_space("nb201").sample(4, seed=0)
        >>> table = compute_proxies(archs, ["params", "l2_norm"])
        >>> encoding = ZeroCostEncoding(TableValues(archs, table.iloc[:, 1:], "4"))
        >>> encoding.feature_names(get_space("nb201"))
        ['zc:params', 'zc:l2_norm']
        >>> encoding.encode(archs).shape
        (4, 2)
    """

    name = "zc"

    def __init__(self, values=None) -> None:
        self.values = values

    def source(self):
        from surrobench.zerocost.values import default_values

        return self.values if self.values is not None else default_values()

    def feature_names(self, space: SearchSpace) -> list[str]:
        return [f"zc:{proxy}" for proxy in self.source().proxies]

    def _encode(self, archs, space) -> np.ndarray:
        source = self.source()
        scores = source.lookup(archs)
        missing = ~np.isfinite(scores)
        if missing.any():
            row, column = np.argwhere(missing)[0]
            raise SurrobenchError(
                f"{source.source} has no finite {source.proxies[column]!r} score for "
                f"{archs[row]} ({int(missing.sum())} missing in all); drop those "
                "architectures or those proxies"
            )
        knees, centre, spread = reference_statistics(source)
        transformed = transform(scores, source.proxies, knees)
        return np.clip((transformed - centre) / spread, -CLIP, CLIP)


CLIP = 6.0
_statistics: dict[str, tuple[np.ndarray, ...]] = {}


def transform(
    scores: np.ndarray, proxies: tuple[str, ...], knees: np.ndarray
) -> np.ndarray:
    """``t_p`` of each column: :func:`log_scale` with the column's knee where
    the proxy spans orders of magnitude; shape of ``scores``."""
    from surrobench.zerocost.proxies import PROXIES

    transformed = np.array(scores, dtype=float)
    for column, proxy in enumerate(proxies):
        if PROXIES[proxy].log_scale:
            transformed[:, column] = log_scale(transformed[:, column], knees[column])
    return transformed


def typical_magnitude(scores: np.ndarray) -> np.ndarray:
    """Median |score| of each column, 1 where that is 0; shape (columns,)."""
    magnitude = np.nanmedian(np.abs(scores), axis=0)
    return np.where(magnitude > 0, magnitude, 1.0)


def reference_statistics(source) -> tuple[np.ndarray, ...]:
    """Knee, median and robust spread of each proxy over the source's
    reference architectures; each of shape (len(proxies),)."""
    key = f"{source.identity}|{','.join(source.proxies)}"
    if key not in _statistics:
        raw = source.reference()
        knees = typical_magnitude(raw)
        reference = transform(raw, source.proxies, knees)
        centre = np.nanmedian(reference, axis=0)
        low, high = np.nanpercentile(reference, [25, 75], axis=0)
        spread = (high - low) / 1.349
        fallback = np.nanstd(reference, axis=0)
        spread = np.where(spread > 0, spread, np.where(fallback > 0, fallback, 1.0))
        _statistics[key] = (knees, centre, spread)
    return _statistics[key]
