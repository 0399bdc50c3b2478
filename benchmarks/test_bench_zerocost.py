"""Zero-cost proxies: time per architecture, and memory over a long run.

Each proxy is timed alone on a fresh context (so it pays for every pass it
needs, shared ones included) for the cell ``(2, 2, 0, 2, 3, 2)`` (four 3×3 and
one 1×1 convolution, one skip), on the digits minibatch of 64, on one thread.

The memory tests run ``surrobench zerocost`` on the small network with two
worker processes and record the peak of the summed resident memory of the
whole process tree, and its level at each quarter of the run (flat if memory
does not grow with the count): 2,000 cells with the four data-free proxies
that need no gradient of the loss (a few minutes), and 100 cells with all
thirteen (the heaviest per network: grasp's second-order pass).
``SURROBENCH_BENCH_ZC_PROXIES`` and ``SURROBENCH_BENCH_ZC_CELLS`` override the
first run's proxies and count.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from surrobench.zerocost import PROXY_NAMES
from surrobench.zerocost.data import DataSpec, load_minibatch
from surrobench.zerocost.networks import network_size
from surrobench.zerocost.proxies import PROXIES, ProxyContext, get_proxies

CELL = (2, 2, 0, 2, 3, 2)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _timed(benchmark, nb201, size, function):
    arch = nb201.space.from_tuple(CELL)
    images, labels = load_minibatch(DataSpec(), network_size(size).resolution)

    def score():
        return function(ProxyContext(arch, images, labels, size))

    rounds = 5 if size == "small" else 2
    return benchmark.pedantic(score, rounds=rounds, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("size", ["small", "standard"])
@pytest.mark.parametrize("name", PROXY_NAMES)
def test_time_per_architecture(benchmark, nb201, size, name):
    benchmark.group = f"zero-cost proxy, {size} network"
    assert isinstance(_timed(benchmark, nb201, size, PROXIES[name]), float)


@pytest.mark.parametrize("size", ["small", "standard"])
def test_time_per_architecture_all_thirteen(benchmark, nb201, size):
    benchmark.group = f"zero-cost proxy, {size} network"
    proxies = get_proxies()

    def every_proxy(context):
        return [proxy(context) for proxy in proxies]

    assert len(_timed(benchmark, nb201, size, every_proxy)) == 13


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


LONG_RUN = (
    int(os.environ.get("SURROBENCH_BENCH_ZC_CELLS", "2000")),
    os.environ.get("SURROBENCH_BENCH_ZC_PROXIES", "synflow,params,flops,l2_norm"),
)


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
@pytest.mark.parametrize(("cells", "proxies"), [LONG_RUN, (100, ",".join(PROXY_NAMES))])
def test_peak_memory(benchmark, tmp_path, cells, proxies):
    benchmark.group = "zero-cost run, small network, 2 workers"
    command = [sys.executable, "-m", "surrobench", "zerocost"]
    command += ["--benchmark", "nb201-cifar10", "--proxies", proxies]
    command += ["--n-archs", str(cells), "--workers", "2"]
    command += ["--out", str(tmp_path / "zc.csv")]
    samples: list[tuple[float, int]] = []

    def run() -> float:
        start = time.perf_counter()
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            samples.append((time.perf_counter() - start, _tree_rss(process.pid)))
            time.sleep(0.5)
        assert process.returncode == 0
        return time.perf_counter() - start

    seconds = benchmark.pedantic(run, rounds=1, iterations=1)
    peak = max(rss for _, rss in samples)
    quarters = [
        max(rss for at, rss in samples if at <= seconds * q / 4) for q in (1, 2, 3, 4)
    ]
    benchmark.extra_info.update(
        cells=cells,
        proxies=proxies,
        peak_mib=round(peak / 2**20),
        peak_mib_by_quarter=[round(rss / 2**20) for rss in quarters],
        seconds_per_cell=round(seconds / cells, 3),
    )
    print(f"\npeak {peak / 2**20:.0f} MiB; by quarter {benchmark.extra_info}")
    # Memory must not grow with the count: the second half adds little.
    assert quarters[3] < 1.2 * quarters[1]
