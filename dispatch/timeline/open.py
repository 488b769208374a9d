"""Opening a log by its ``[storage] url``: a SQLite file, or a PostgreSQL database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dispatch.errors import TimelineError
from dispatch.timeline.log import Timeline

#: URL schemes of the PostgreSQL engine.
POSTGRES = ("postgresql://", "postgres://")


def is_postgres(where: str | Path) -> bool:
    """Whether ``where`` names a PostgreSQL log (not a SQLite file)."""
    return isinstance(where, str) and where.startswith(POSTGRES)


def sqlite_path(where: str | Path) -> Path:
    """The file a ``sqlite:///PATH`` URL (or a plain path) names."""
    text = str(where)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///")).expanduser()
    if "://" in text:
        raise TimelineError(f"{text}: a log is sqlite:///PATH or postgresql://USER@HOST/DB")
    return Path(text).expanduser()


def open_timeline(where: str | Path, **options: Any) -> Timeline:
    """Open the log at ``where`` (``sqlite:///PATH``, a path, or ``postgresql://…``).

    ``options`` are :class:`Timeline`'s (centre, kind, time zone, clock, …).

    Raises:
        TimelineError: As :class:`Timeline`; for PostgreSQL also when psycopg
            is not installed (``pip install 'dispatch-console[postgres]'``).
    """
    if is_postgres(where):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise TimelineError(
                f"{where}: the PostgreSQL log needs psycopg: "
                "pip install 'dispatch-console[postgres]'") from None
        from dispatch.timeline.postgres import PgTimeline

        return PgTimeline(str(where), **options)
    return Timeline(sqlite_path(where), **options)
