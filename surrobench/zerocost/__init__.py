"""Zero-cost proxies: NB201 networks, real minibatches, thirteen proxies.

- :mod:`~surrobench.zerocost.networks`: the PyTorch network of an NB201 cell.
- :mod:`~surrobench.zerocost.data`: the minibatch (digits, or CIFAR-10 files).
- :mod:`~surrobench.zerocost.proxies`: the proxies, each with its formula.
- :mod:`~surrobench.zerocost.runner`: many architectures, stored and resumable.
- :mod:`~surrobench.zerocost.values`: where encodings and predictors read scores.

This module imports nothing heavy, so that registries can list the proxies
without loading torch.
"""

# The proxies' fixed names, in NAS-Bench-Suite-Zero's order.
PROXY_NAMES = (
    "synflow",
    "snip",
    "grasp",
    "fisher",
    "grad_norm",
    "jacov",
    "nwot",
    "epe_nas",
    "l2_norm",
    "plain",
    "params",
    "flops",
    "zen",
)
