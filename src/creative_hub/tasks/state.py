"""The task status machine: which status may follow which."""

from __future__ import annotations

from creative_hub.models.enums import TaskStatus

Q, R, S, F, C = (
    TaskStatus.queued,
    TaskStatus.running,
    TaskStatus.succeeded,
    TaskStatus.failed,
    TaskStatus.cancelled,
)

ALLOWED: dict[TaskStatus, frozenset[TaskStatus]] = {
    Q: frozenset({R, C, F}),
    # running -> queued: the worker died and the task is tried again.
    R: frozenset({S, F, C, Q}),
    S: frozenset(),
    # failed/cancelled -> queued: a retry.
    F: frozenset({Q}),
    C: frozenset({Q}),
}


def sources_of(target: TaskStatus) -> frozenset[TaskStatus]:
    """Every status a task may be in to move to target."""
    return frozenset(src for src, dests in ALLOWED.items() if target in dests)


def can_transition(src: TaskStatus, dest: TaskStatus) -> bool:
    return dest in ALLOWED[src]
