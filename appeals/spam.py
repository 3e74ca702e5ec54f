"""Spam protection of the public enquiry form without third-party services (ENQ-1): a honeypot field people never
see, and a rate limit per email address and per network address, counted in the Redis cache."""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Enquiries accepted per hour from one email address, and from one network address (a school's shared connection
# sends more than one person's).
PER_EMAIL_PER_HOUR = 3
PER_IP_PER_HOUR = 10
WINDOW_SECONDS = 3600


def _key(kind: str, value: str) -> str:
    # Hashed: the cache never holds an email address in clear.
    return f"appeals:enquiry-rate:{kind}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()}"


def _take(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    return int(cache.incr(key)) <= limit


def enquiry_rate_allowed(*, email: str, ip: str) -> bool:
    """Whether one more enquiry from this email address and network address is accepted this hour (each call counts
    one). If the cache is down the enquiry is accepted: losing a real enquiry is worse than a little spam."""
    try:
        allowed = True
        if email:
            allowed = _take(_key("email", email), PER_EMAIL_PER_HOUR) and allowed
        if ip:
            allowed = _take(_key("ip", ip), PER_IP_PER_HOUR) and allowed
        return allowed
    except Exception:
        logger.warning("Enquiry rate limit not checked: the cache is unavailable", exc_info=True)
        return True


def honeypot_filled(value: str) -> bool:
    """A robot filled the field no person sees."""
    return bool(value.strip())
