"""Timestamps as the register writes them."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """UTC ISO-8601 with microseconds, e.g. 2026-03-03T09:14:07.123456Z."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
