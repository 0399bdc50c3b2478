"""Worker processes: results as they finish, Ctrl-C keeps started calls."""

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from surrobench import workers
from surrobench.workers import in_processes


def _nothing() -> None:
    pass


def _square_after(seconds: float, x: int) -> int:
    time.sleep(seconds)
    return x * x


@pytest.fixture
def forked(monkeypatch):
    """Forked workers: spawned ones take seconds to import the test module."""
    fork = multiprocessing.get_context("fork")
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda name=None: fork)


@pytest.fixture
def ctrl_c_every():
    """``ctrl_c_every(seconds, times)``: raise KeyboardInterrupt in the main
    thread that often, as a Ctrl-C would; returns the list of their times."""
    previous = signal.getsignal(signal.SIGALRM)
    interrupts: list[float] = []

    def start(seconds: float, times: int) -> list[float]:
        def ctrl_c(signum, frame):
            interrupts.append(time.perf_counter())
            if len(interrupts) == times:
                signal.setitimer(signal.ITIMER_REAL, 0)
            raise KeyboardInterrupt

        signal.signal(signal.SIGALRM, ctrl_c)
        signal.setitimer(signal.ITIMER_REAL, seconds, seconds)
        return interrupts

    yield start
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_every_call_comes_back_with_its_key(forked):
    calls = [(f"k{x}", (0.0, x)) for x in range(7)]
    results = dict(in_processes(_square_after, calls, 2, _nothing, queued=1))
    assert results == {f"k{x}": x * x for x in range(7)}


def test_ctrl_c_lets_started_calls_finish_and_hands_out_no_more(
    forked, ctrl_c_every, caplog
):
    calls = [(x, (1.0, x)) for x in range(6)]
    kept = []
    ctrl_c_every(0.3, times=1)
    with caplog.at_level(logging.WARNING), pytest.raises(KeyboardInterrupt):
        for key, result in in_processes(_square_after, calls, 2, _nothing):
            kept.append((key, result))
    # Both started calls are kept; the four waiting were never handed out
    # (they used to be counted as running and run to the end).
    assert sorted(kept) == [(0, 0), (1, 1)]
    assert "letting the 2 jobs handed to the 2 workers finish" in caplog.text


def test_ctrl_c_again_stops_the_running_calls_at_once(forked, ctrl_c_every):
    calls = [(x, (30.0, x)) for x in range(2)]
    interrupts = ctrl_c_every(0.5, times=2)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        list(in_processes(_square_after, calls, 2, _nothing))
    assert len(interrupts) == 2
    assert time.perf_counter() - start < 5  # not the 30 s of the calls


def test_a_worker_is_born_with_ctrl_c_held_and_none_is_lost():
    # A Ctrl-C while a spawned worker imported, before its initializer ran,
    # printed the worker's traceback: workers now start with SIGINT blocked.
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    with workers._ctrl_c_held():
        child = subprocess.run(
            [sys.executable, "-c", BLOCKED], capture_output=True, text=True
        )
    assert child.stdout.strip() == "True", child.stderr
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before

    # A Ctrl-C in the meantime does not break into the spawn (a worker the
    # pool never registered was left running), and is delivered after it.
    finished = []
    with pytest.raises(KeyboardInterrupt), workers._ctrl_c_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        finished.append(True)
    assert finished


BLOCKED = "import signal as s; print(s.SIGINT in s.pthread_sigmask(s.SIG_BLOCK, []))"
