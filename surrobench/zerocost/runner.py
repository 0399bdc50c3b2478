"""Score many architectures, one network at a time, cached in a results store.

Each architecture's network is built, scored by every requested proxy and
freed before the next, so memory does not grow with the number of
architectures. Scores are committed to the results store architecture by
architecture, keyed by (architecture, proxy, data, network size, seed): an
interrupted run keeps what it finished, and running it again computes only
what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

import pandas as pd
import torch

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError, check_int, check_seed
from surrobench.eval.store import ResultStore
from surrobench.workers import in_processes
from surrobench.zerocost.data import DataSpec, load_minibatch
from surrobench.zerocost.networks import NetworkSize, check_nb201, network_size
from surrobench.zerocost.proxies import (
    Proxy,
    ProxyContext,
    get_proxies,
    score_architecture,
)

logger = logging.getLogger(__name__)

# Bump when the runner's keys or every proxy change; each proxy also carries
# its own version.
PROXY_VERSION = 1
# Architectures handed to each worker ahead of time: enough to keep it busy,
# few enough that the queue stays small for any number of architectures.
QUEUED_PER_WORKER = 4


def proxy_config(
    arch: Architecture, proxy: Proxy, data: DataSpec, size: NetworkSize, seed: int
) -> dict:
    """Everything a stored score depends on: its key in the results store."""
    return {
        "kind": "zero_cost",
        "arch": arch.to_string(),
        "proxy": proxy.name,
        "data": proxy.data_key(data),
        "network": size.as_config(),
        "seed": seed,
        "version": PROXY_VERSION,
        # Absent at version 1, so that scores stored before proxies carried
        # versions stay valid.
        **({"proxy_version": proxy.version} if proxy.version > 1 else {}),
    }


def compute_proxies(
    archs: Sequence[Architecture],
    proxies: Sequence[str] | None = None,
    data: DataSpec | None = None,
    size: str | NetworkSize = "small",
    seed: int = 0,
    store: ResultStore | None = None,
    workers: int = 1,
    on_result: Callable[[int, int, Architecture, bool], None] | None = None,
) -> pd.DataFrame:
    """Proxy scores of every architecture, computing only what the store lacks.

    Args:
        archs: NB201 cells; repeats are scored once.
        proxies: proxy names (all thirteen when None).
        data: the minibatch source (digits when None).
        size: ``small`` or ``standard`` network.
        seed: seeds the minibatch, each network's weights and any noise.
        store: where scores are kept between runs (in memory when None).
        workers: processes scoring architectures side by side, each on one
            thread; the scores do not depend on it (beyond the rounding of
            sums that threads split differently).
        on_result: called as ``on_result(done, total, arch, reused)`` after each
            architecture, ``done`` counting from 0 in the order they finish.

    Returns:
        One row per architecture in ``archs`` order: ``arch`` (canonical
        string) and one float column per proxy.

    Example:
        >>> from surrobench.spaces import get_space
        >>> archs = [get_space("nb201").from_tuple((2, 2, 0, 2, 3, 2))]
        >>> table = compute_proxies(archs, ["params", "synflow"])
        >>> list(table.columns)
        ['arch', 'params', 'synflow']
    """
    if isinstance(archs, str | bytes) or not hasattr(archs, "__len__"):
        raise SurrobenchError(
            f"expected a sequence of architectures, got {type(archs).__name__}"
        )
    archs = [check_nb201(arch) for arch in archs]
    chosen = get_proxies(proxies)
    data = data or DataSpec()
    size = network_size(size)
    seed = check_seed(seed)
    workers = check_int("workers", workers, 1)
    store = store if store is not None else ResultStore()

    unique = list(dict.fromkeys(archs))
    scores: dict[Architecture, dict[str, float]] = {}
    pending: list[tuple[Architecture, list[Proxy]]] = []
    finished = 0
    for arch in unique:
        stored, missing = {}, []
        for proxy in chosen:
            result = store.get(proxy_config(arch, proxy, data, size, seed))
            if result is None:
                missing.append(proxy)
            else:
                stored[proxy.name] = result["value"]
        scores[arch] = stored
        if missing:
            pending.append((arch, missing))
        else:
            if on_result is not None:
                on_result(finished, len(unique), arch, True)
            finished += 1
    if pending:
        logger.info(
            "scoring %d of %d architectures (%s network, %s)",
            len(pending),
            len(unique),
            size.name,
            data.identity(),
        )

    by_name = {proxy.name: proxy for proxy in chosen}
    for arch, values in _score_pending(pending, data, size, seed, workers):
        store.put_many(
            (proxy_config(arch, by_name[name], data, size, seed), {"value": value})
            for name, value in values.items()
        )
        scores[arch].update(values)
        logger.debug("%s: %s", arch, values)
        if on_result is not None:
            on_result(finished, len(unique), arch, False)
        finished += 1

    names = [proxy.name for proxy in chosen]
    return pd.DataFrame(
        [[arch.to_string(), *(scores[arch][name] for name in names)] for arch in archs],
        columns=["arch", *names],
    )


def _score_pending(
    pending: list[tuple[Architecture, list[Proxy]]],
    data: DataSpec,
    size: NetworkSize,
    seed: int,
    workers: int,
) -> Iterator[tuple[Architecture, dict[str, float]]]:
    """Yield ``(arch, {proxy: score})`` as each pending architecture finishes."""
    if not pending:
        return
    if workers == 1 or len(pending) == 1:
        images, labels = load_minibatch(data, size.resolution, seed)
        for arch, proxies in pending:
            yield arch, _score_one(arch, proxies, images, labels, size, seed)
        return

    # Each worker reads the minibatch once; a few architectures wait in the
    # queue so that short scorings keep the workers busy.
    calls = (
        (arch, (arch, [proxy.name for proxy in proxies])) for arch, proxies in pending
    )
    yield from in_processes(
        _score_in_worker,
        calls,
        min(workers, len(pending)),
        _start_worker,
        (data, size, seed),
        queued=workers * QUEUED_PER_WORKER,
        what="architectures",
    )


def _score_one(
    arch: Architecture,
    proxies: list[Proxy],
    images: torch.Tensor,
    labels: torch.Tensor,
    size: NetworkSize,
    seed: int,
) -> dict[str, float]:
    context = ProxyContext(arch, images, labels, size, seed)
    return score_architecture(context, proxies)


_worker_state: tuple | None = None


def _start_worker(data: DataSpec, size: NetworkSize, seed: int) -> None:
    global _worker_state
    # Processes share the cores; one thread each avoids oversubscription.
    torch.set_num_threads(1)
    images, labels = load_minibatch(data, size.resolution, seed)
    _worker_state = (images, labels, size, seed)


def _score_in_worker(arch: Architecture, names: list[str]) -> dict[str, float]:
    images, labels, size, seed = _worker_state
    return _score_one(arch, get_proxies(names), images, labels, size, seed)
