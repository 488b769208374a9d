"""Helpers the subcommands share: configuration, language, opening a log."""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dispatch.config import Config, load_config, log_location
from dispatch.timeline import Timeline, open_timeline


def config_of(args: argparse.Namespace) -> Config:
    """The effective configuration for this invocation (``--config`` or lookup)."""
    cached = getattr(args, "_config", None)
    if cached is None:
        cached = load_config(getattr(args, "config", None))
        args._config = cached
    return cached


def lang_of(args: argparse.Namespace) -> str:
    """``--lang`` if given, else the configured ``ui.lang``."""
    return getattr(args, "lang", None) or config_of(args).ui.lang


def labels_of(args: argparse.Namespace) -> Any:
    """Names for the ids events carry, from the configured playbooks and map.

    A playbook folder or map that cannot be loaded leaves its ids as they are:
    a reading tool still prints the log.
    """
    from dispatch.errors import DispatchError
    from dispatch.timeline.labels import Labels

    config = config_of(args)
    playbooks = roadmap = None
    try:
        from dispatch.playbook import load_playbooks

        playbooks = load_playbooks(config.data.playbooks)
    except DispatchError:
        pass
    try:
        from dispatch.geo import load_map

        roadmap = load_map(config.data.maps, config.data.off_network_m)
    except DispatchError:
        pass
    return Labels(playbooks, roadmap)


def log_where(text: str) -> str | Path:
    """A ``--db`` value: a PostgreSQL URL as given, anything else a file path."""
    if text.startswith(("postgresql://", "postgres://")):
        return text
    return Path(text.removeprefix("sqlite:///")).expanduser()


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH|URL`` (default: the configured live log)."""
    parser.add_argument("--db", metavar="PATH|URL", type=log_where,
                        help="log to read: a file, sqlite:///PATH or postgresql://… "
                             "(default: storage.url or storage.database of the configuration)")


def open_log(args: argparse.Namespace, *, write: bool = False) -> Timeline:
    """Open an existing log for a reading or maintenance tool.

    Any centre and kind (live or drill) is accepted: the tool only reads, or
    rebuilds what the file itself holds.  A reading tool opens the log
    read-only (``mode=ro``), so it works on a log in a folder it cannot write
    or on a full disk; ``write`` opens it for a tool that records.
    """
    config = config_of(args)
    where = args.db or log_location(config)
    return open_timeline(where, center=None, drill=None, tz=config.center.tz, create=False,
                         read_only=not write)


@contextlib.contextmanager
def logging_to_file(name: str) -> Iterator[Path]:
    """While a screen runs, send log records to a private file, never to the terminal.

    A warning or a traceback written to stderr would be drawn over the board.
    The file (``NAME.log`` in the user data folder, mode ``0600``) keeps them
    for the technical duty desk.
    """
    from dispatch.config import user_data_dir
    from dispatch.timeline.storage import private_file, private_folder

    path = user_data_dir() / f"{name}.log"
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        private_folder(path.parent)
        private_file(path)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # nowhere to write: still not the terminal
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in saved:
        root.removeHandler(old)
    root.addHandler(handler)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
        for old in saved:
            root.addHandler(old)
