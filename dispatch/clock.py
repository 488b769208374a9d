"""Clocks: the one source of "now" for everything that measures time.

A clock is injected wherever time matters, so drills can run accelerated and
tests deterministic.  Times are always timezone-aware UTC datetimes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current UTC time."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, step-by-step replay).

    Args:
        start: The initial time; naive datetimes are taken as UTC.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._now = start if start.tzinfo else start.replace(tzinfo=UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward and return the new time."""
        self._now += timedelta(seconds=seconds)
        return self._now

    def set(self, at: datetime) -> None:
        """Jump to ``at`` (never backwards: time in a log only moves on)."""
        if at < self._now:
            raise ValueError(f"clock cannot go back from {self._now} to {at}")
        self._now = at


class ScaledClock:
    """Wall time running ``speed`` times faster from a start point (drills).

    Args:
        speed: How many simulated seconds pass per real second.
        start: The simulated time at creation; defaults to the wall clock.
        wall0: The wall time (``time.time()``) at which the simulated time was
            ``start``: the seats of a drill, each a process of its own, share
            one drill time by sharing ``start`` and ``wall0``.
    """

    def __init__(self, speed: float = 1.0, start: datetime | None = None,
                 wall0: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._origin = start or datetime.now(UTC)
        self.wall0 = time.time() if wall0 is None else wall0
        self._real0 = time.monotonic() - (time.time() - self.wall0)

    @property
    def origin(self) -> datetime:
        """The simulated time at ``wall0``."""
        return self._origin

    def now(self) -> datetime:
        """Return the simulated current time."""
        elapsed = (time.monotonic() - self._real0) * self.speed
        return self._origin + timedelta(seconds=elapsed)


def rfc3339(at: datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC with milliseconds (``...Z``)."""
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    if at.year >= 1000:
        # isoformat is about twice as fast as strftime on this hot path (every
        # append, every fold); it truncates to milliseconds just like ``// 1000``.
        return at.isoformat(timespec="milliseconds")[:-6] + "Z"
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (``Z`` or an offset) into an aware UTC datetime.

    Raises:
        ValueError: The text is not an RFC 3339 timestamp with a zone.
    """
    if len(text) == 24 and text[4:20:3] == "--T::." and text[23] == "Z":
        # The log's own shape: fromisoformat reads the ``Z`` as UTC since 3.11,
        # no string rewriting or zone conversion needed (replay reads 100k of these).
        return datetime.fromisoformat(text)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text!r}")
    return parsed.astimezone(UTC)


def parse_log_time(text: str) -> tuple[datetime, str]:
    """Parse a stored timestamp; return it with its text as :func:`rfc3339` writes it.

    Text already in the log's own format is returned as is (formatting the
    parsed time would give it back unchanged), so folds reading a log need not
    format every event's time again.

    Raises:
        ValueError: The text is not an RFC 3339 timestamp with a zone.
    """
    # The separators of ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (a regex costs more than the
    # parse); fromisoformat accepts nothing but ASCII digits between them.  A
    # leading 0 is left to rfc3339: it writes years before 1000 unpadded.
    if len(text) == 24 and text[4:20:3] == "--T::." and text[23] == "Z" and text[0] != "0":
        return datetime.fromisoformat(text), text
    at = parse_rfc3339(text)
    return at, rfc3339(at)
