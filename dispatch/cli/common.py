"""Helpers the subcommands share: configuration, language, opening a log."""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch.config import Config, database_path, load_config
from dispatch.timeline import Timeline


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


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH`` (default: the configured live database)."""
    parser.add_argument("--db", metavar="PATH", type=Path,
                        help="log file to read (default: storage.database of the configuration)")


def open_log(args: argparse.Namespace) -> Timeline:
    """Open an existing log for a reading or maintenance tool.

    Any centre and kind (live or drill) is accepted: the tool only reads, or
    rebuilds what the file itself holds.
    """
    config = config_of(args)
    path = args.db or database_path(config)
    return Timeline(path, center=None, drill=None, tz=config.center.tz, create=False)
