"""Run many calls in spawned worker processes, keeping what finishes.

The evaluation harness, the zero-cost scorer and the search runner share one
way of using processes: spawned workers (no inherited torch or BLAS thread
state) that ignore Ctrl-C from birth, a bounded number of calls handed out at
a time, and results yielded as they finish, so that the caller stores each
one at once. A first Ctrl-C hands out nothing more and lets the started calls
finish, yielding them before it is raised again; a second Ctrl-C (or any
other error, or the caller closing the generator) stops the workers at once.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    as_completed,
    wait,
)
from multiprocessing import resource_tracker

logger = logging.getLogger(__name__)


def in_processes(
    function: Callable,
    calls: Iterable[tuple[Hashable, tuple]],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple = (),
    queued: int = 0,
    what: str = "jobs",
) -> Iterator[tuple[Hashable, object]]:
    """Yield ``(key, function(*args))`` for each ``(key, args)`` of ``calls``
    as it finishes in one of ``workers`` processes.

    Each worker runs ``initializer(*initargs)`` once. At most ``workers +
    queued`` calls are handed out at a time: with ``queued=0`` a Ctrl-C finds
    only calls that have started, which it lets finish; queued calls keep
    workers busy when calls are short. ``what`` names the calls in the
    message a Ctrl-C prints.
    """
    pending = iter(calls)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(initializer, initargs),
    )
    running: dict[Future, Hashable] = {}

    def hand_out() -> None:
        for key, args in pending:
            with _ctrl_c_held():  # a submit may spawn a worker
                running[pool.submit(function, *args)] = key
            if len(running) >= workers + queued:
                return

    try:
        try:
            hand_out()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    key = running.pop(future)
                    yield key, future.result()
                hand_out()
        except KeyboardInterrupt:
            started = [future for future in running if not future.cancel()]
            # With queued calls, those already passed to the pool cannot be
            # withdrawn: they run too, and are counted.
            logger.warning(
                "interrupted: letting the %d %s handed to the %d workers finish "
                "and keeping them (Ctrl-C again drops them)",
                len(started),
                what,
                workers,
            )
            for future in as_completed(started):
                yield running.pop(future), future.result()
            raise
    except BaseException:
        # A second Ctrl-C, a failed call or the caller closing the generator:
        # nobody will store the calls still running, so stop their processes.
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C back while a worker may be spawned, then deliver it.

    A KeyboardInterrupt raised in the middle of a spawn leaves a worker the
    pool does not know of (and so never stops): here a Ctrl-C is recorded and
    handed to the previous handler once the spawn is over. SIGINT is also
    blocked, so that the worker is born with it blocked: one sent to the
    process group while it imports stays pending until :func:`_start_worker`
    discards it, instead of printing the worker's traceback.
    """
    # Spawning starts multiprocessing's resource tracker, which unblocks
    # SIGINT when it is up: start it first.
    resource_tracker.ensure_running()
    caught = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    except ValueError:  # not the main thread, where Python runs its handlers
        previous = None
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending one: caught
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
            if caught and callable(previous):
                previous(signal.SIGINT, None)
            elif caught and previous == signal.SIG_DFL:
                raise KeyboardInterrupt


def _start_worker(initializer: Callable[..., None], initargs: tuple) -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it.
    # Ignoring discards one that came while this worker started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    initializer(*initargs)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 on
    if terminate is not None:
        terminate()
        return
    # Before 3.14 the executor offers no way to stop a running call; its
    # process table is the only handle on the workers.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
