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

# Below this magnitude log_scale() is linear; above it, a signed logarithm.
LOG_SCALE_KNEE = 1e-6


def log_scale(values: np.ndarray) -> np.ndarray:
    """``asinh(x / 10⁻⁶)``: ``sign(x)·(log|x| + log 2·10⁶)`` for |x| ≫ 10⁻⁶.

    Monotone and odd, so it keeps every ranking and every sign, and maps
    scores spread over many orders of magnitude onto a few units.

    Example:
        >>> np.round(log_scale(np.array([-1.0, 0.0, 1e-3, 1e3])), 2)
        array([-14.51,   0.  ,   7.6 ,  21.42])
    """
    return np.arcsinh(np.asarray(values, dtype=float) / LOG_SCALE_KNEE)


class ZeroCostEncoding(Encoding):
    """``x = [t_p(score_p) for each proxy p]``, ``t_p = log_scale`` for proxies
    that span orders of magnitude (snip, grasp, fisher, grad_norm, plain,
    params, flops) and the identity for the rest (already logarithms or sums
    of logarithms).

    Args:
        values: where scores come from; None reads the default source when
            encoding (see :mod:`surrobench.zerocost.values`).

    Example:
        >>> from surrobench.spaces import get_space
        >>> from surrobench.zerocost.values import ComputedValues
        >>> arch = get_space("nb201").from_tuple((2, 2, 0, 2, 3, 2))
        >>> encoding = ZeroCostEncoding(ComputedValues(["params", "flops"]))
        >>> encoding.feature_names(get_space("nb201"))
        ['zc:params', 'zc:flops']
        >>> encoding.encode([arch]).shape
        (1, 2)
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
        from surrobench.zerocost.proxies import PROXIES

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
        for column, proxy in enumerate(source.proxies):
            if PROXIES[proxy].log_scale:
                scores[:, column] = log_scale(scores[:, column])
        return scores
