"""CPU-heavy engine work runs at a lower OS priority than the requests the process serves.

On a small machine the engines (Piper, Whisper, llama.cpp, the renderers, FFmpeg) can
take every core for seconds. At the default priority the event loop then waits its
turn, and a request that needs 1 ms of CPU takes hundreds. Linux keeps a nice value per
thread, inherited by the threads and processes it starts, so engine work runs on
threads (and in child processes) niced once, and the event loop keeps its priority.
Raising one's own nice value needs no privilege.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_nice = 10
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def configure(nice: int) -> None:
    """How much lower engine work runs, in nice steps (0: the same priority as requests).

    Applies to engine threads started from now on; the pool's threads keep theirs."""
    global _nice
    _nice = nice


def _lower(who: int) -> None:
    # Relative to the current value: a server already started under `nice` goes lower
    # still, and never higher (as root, an absolute value could raise it).
    if _nice > 0:
        with contextlib.suppress(OSError):  # gone already, or no per-thread nice here
            os.setpriority(
                os.PRIO_PROCESS, who, min(19, os.getpriority(os.PRIO_PROCESS, who) + _nice)
            )


def lower_this_thread() -> None:
    _lower(threading.get_native_id())


def lower_process(pid: int) -> None:
    """Lower a child process just started (it runs a few ms at the old priority first)."""
    _lower(pid)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=min(32, (os.cpu_count() or 1) + 4),
                thread_name_prefix="engine",
                initializer=lower_this_thread,
            )
        return _pool


async def run(fn: Callable[..., T], /, *args: object) -> T:
    """asyncio.to_thread for engine work: on a lowered-priority thread."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, fn, *args)
    return await asyncio.get_running_loop().run_in_executor(_executor(), call)
