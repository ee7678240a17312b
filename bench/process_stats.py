"""Memory and CPU time of a server's process tree (uvicorn's supervisor and its workers),
read from /proc: what bench/http_load.py and bench/pages.py report beside the latencies."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid: int) -> list[int]:
    children = _children_map()
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def _status_kib(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _pss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def memory(pid: int) -> dict[str, Any]:
    tree = process_tree(pid)
    rss = {p: _status_kib(p, "VmRSS") for p in tree}
    return {
        "processes": len(tree),
        "rss_mib": round(sum(rss.values()) / 1024, 1),
        "pss_mib": round(sum(_pss_kib(p) for p in tree) / 1024, 1),
        "rss_mib_each": [round(v / 1024, 1) for v in rss.values()],
    }


def settled_memory(pid: int, settle: float = 2.0, timeout: float = 20.0) -> dict[str, Any]:
    """Memory once start-up is over: every worker imported, two readings 1 s apart agree."""
    time.sleep(settle)
    deadline = time.monotonic() + timeout
    last = memory(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = memory(pid)
        if now["processes"] == last["processes"] and abs(now["rss_mib"] - last["rss_mib"]) <= (
            0.01 * last["rss_mib"]
        ):
            return now
        last = now
    return last


def cpu_seconds(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks
