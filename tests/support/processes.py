"""Operating-system facts tests check: child processes left running, ports that refuse."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def live_children(command: str) -> list[int]:
    """Pids of this test process's children named `command` (prefix) that are not zombies:
    an engine's subprocess still running after its job was cancelled or finished."""
    mine = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
        if name.startswith(command) and int(parent) == mine and state != "Z":
            found.append(int(entry.name))
    return found


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
