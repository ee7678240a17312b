"""Login throttling: failures are counted per account and per client IP."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter

from creative_hub.kit.errors import TooManyRequests
from creative_hub.settings import Settings


class LoginThrottle:
    def __init__(self, limiter: MovingWindowRateLimiter, settings: Settings) -> None:
        self._limiter = limiter
        window = settings.login_failure_window_seconds
        self._per_account = RateLimitItemPerSecond(settings.login_max_failures_per_account, window)
        self._per_ip = RateLimitItemPerSecond(settings.login_max_failures_per_ip, window)

    def _checks(self, account: str, ip: str) -> list[tuple[RateLimitItemPerSecond, str]]:
        return [
            (self._per_account, f"login-fail:account:{account}"),
            (self._per_ip, f"login-fail:ip:{ip}"),
        ]

    async def check(self, account: str, ip: str) -> None:
        """account: a stable name for the account (its id), or the login typed if unknown."""
        for item, key in self._checks(account, ip):
            if not await self._limiter.test(item, key):
                stats = await self._limiter.get_window_stats(item, key)
                retry_after = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManyRequests(
                    f"Too many failed sign-in attempts. Try again in {retry_after} seconds.",
                    code="too_many_login_attempts",
                    retry_after=retry_after,
                )

    async def record_failure(self, account: str, ip: str) -> None:
        for item, key in self._checks(account, ip):
            await self._limiter.hit(item, key)

    async def reset_account(self, account: str) -> None:
        item, key = self._checks(account, "")[0]
        await self._limiter.clear(item, key)
