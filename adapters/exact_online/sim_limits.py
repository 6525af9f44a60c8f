"""The simulator's limits: 60 calls per clock minute and 5,000 per day per division, with Exact's
`X-RateLimit-*` headers (epoch milliseconds; only the minutely ones on a minutely 429), the
one-hour block after 10 errors on one endpoint, URLs of at most 6,000 characters (Exact's
"REST API - Restrictions"), and failures a test asks for.

A mix-in of `ExactSimulator`.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from adapters.exact_online.sim_routes import Route, SimError
from connector.clock import Clock

URL_LIMIT = 6000


class SimulatorLimits:
    clock: Clock
    stats: Counter[str]
    failures: dict[str, list[Any]]
    minute_limit: int
    day_limit: int
    error_block: int
    _lock: threading.RLock
    _usage: dict[int, dict[str, int]]
    _errors: dict[tuple[int, str], list[float]]

    def _check_block(self, division: int, route: Route) -> None:
        since = self.clock.now() - 3600
        with self._lock:
            recent = [t for t in self._errors[(division, route.path)] if t > since]
            self._errors[(division, route.path)] = recent
        if len(recent) >= self.error_block:
            self.stats["blocked"] += 1
            raise SimError(
                403,
                f"Your app is blocked on {route.path} for an hour: more than {self.error_block} "
                "errors in the last hour",
                {"Reason": "TooManyErrors"},
            )

    def _count_call(self, division: int) -> dict[str, str]:
        now = self.clock.now()
        minute, day = int(now // 60), int(now // 86400)
        minute_reset, day_reset = (minute + 1) * 60_000, (day + 1) * 86_400_000
        with self._lock:
            usage = self._usage[division]
            if usage["minute"] != minute:
                usage["minute"], usage["minutes"] = minute, 0
            if usage["day"] != day:
                usage["day"], usage["days"] = day, 0
            minutely = {
                "X-RateLimit-Minutely-Limit": str(self.minute_limit),
                "X-RateLimit-Minutely-Reset": str(minute_reset),
            }
            daily = {"X-RateLimit-Limit": str(self.day_limit), "X-RateLimit-Reset": str(day_reset)}
            if usage["days"] >= self.day_limit:
                self.stats["rate_limited_day"] += 1
                raise SimError(
                    429,
                    "API rate limit exceeded (daily)",
                    {
                        **daily,
                        "X-RateLimit-Remaining": "0",
                        **minutely,
                        "X-RateLimit-Minutely-Remaining": str(
                            max(0, self.minute_limit - usage["minutes"])
                        ),
                    },
                )
            if usage["minutes"] >= self.minute_limit:
                self.stats["rate_limited_minute"] += 1
                raise SimError(
                    429,
                    "API rate limit exceeded",
                    {**minutely, "X-RateLimit-Minutely-Remaining": "0"},
                )
            usage["minutes"] += 1
            usage["days"] += 1
            return {
                **daily,
                "X-RateLimit-Remaining": str(self.day_limit - usage["days"]),
                **minutely,
                "X-RateLimit-Minutely-Remaining": str(self.minute_limit - usage["minutes"]),
            }

    def _injected_failure(self, route: Route) -> None:
        with self._lock:
            failure = self.failures.get(route.path)
            if failure is None:
                return
            status, message, remaining = failure
            if remaining is not None:
                failure[2] = remaining - 1
                if failure[2] <= 0:
                    del self.failures[route.path]
        raise SimError(status, message)
