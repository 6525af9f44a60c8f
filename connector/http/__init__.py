"""The HTTP layer every vendor client shares: retries, rate limits, redaction, tracing."""

from connector.http.client import HttpClient, RetryPolicy
from connector.http.ratelimit import SlidingWindowLimiter

__all__ = ["HttpClient", "RetryPolicy", "SlidingWindowLimiter"]
