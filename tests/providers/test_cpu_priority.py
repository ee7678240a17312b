"""Engine work runs below the priority of request handling (threads and child processes)."""

from __future__ import annotations

import asyncio
import os
import threading

from creative_hub.providers.local import cpu


def _my_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


async def test_engine_threads_are_niced_and_the_event_loop_is_not() -> None:
    cpu.configure(10)
    loop_nice = _my_nice()
    engine_nice = await cpu.run(_my_nice)
    assert engine_nice == min(19, loop_nice + 10)
    assert _my_nice() == loop_nice  # the loop's own thread keeps its priority


async def test_engine_child_processes_are_niced() -> None:
    cpu.configure(10)
    process = await asyncio.create_subprocess_exec("sleep", "5")
    try:
        cpu.lower_process(process.pid)
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, _my_nice() + 10)
    finally:
        process.kill()
        await process.wait()
