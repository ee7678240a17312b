"""Per-provider circuit breaker: after N failures in a row, fail fast for a cool-down.

A provider that is down should not make every request wait out timeouts and retries.
After the cool-down one call goes through as a probe (half-open): success closes the
circuit, failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

State = Literal["closed", "open", "half_open"]


@dataclass(frozen=True)
class Health:
    state: State
    consecutive_failures: int
    retry_in_seconds: float | None
    last_error: str | None

    @property
    def healthy(self) -> bool:
        return self.state == "closed"


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 5,
        cooldown_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False
        self._last_error: str | None = None

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one probe at a time."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False
        self._last_error = None

    def record_failure(self, message: str) -> None:
        self._failures += 1
        self._last_error = message
        self._probing = False
        if self._opened_at is not None or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()  # (re)open: a failed probe restarts the cool-down

    def release_probe(self) -> None:
        """A probe ended without telling whether the provider works (cancelled, say)."""
        self._probing = False

    def health(self) -> Health:
        state = self.state
        retry_in = None
        if state == "open" and self._opened_at is not None:
            retry_in = max(0.0, self.cooldown_seconds - (self._clock() - self._opened_at))
        return Health(state, self._failures, retry_in, self._last_error)
