"""``dispatch config show``: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dispatch.cli.common import config_of
from dispatch.config import Config, database_path
from dispatch.config.schema import shown_value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``config`` command."""
    parser = sub.add_parser("config", help="show the effective configuration")
    inner = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = inner.add_parser("show", help="print every key, its value and its origin")
    show.add_argument("--json", action="store_true", help="one JSON object instead of TOML")
    show.set_defaults(func=run_show)


def effective(config: Config) -> list[tuple[str, str, Any, str]]:
    """Every leaf key as ``(section, key, value, origin)``, in schema order."""
    rows = []
    for section in Config.model_fields:
        block = getattr(config, section)
        for key in type(block).model_fields:
            rows.append((section, key, getattr(block, key), config.origin(f"{section}.{key}")))
    return rows


def run_show(args: argparse.Namespace) -> int:
    """Print the effective configuration."""
    config = config_of(args)
    rows = effective(config)
    if args.json:
        doc: dict[str, Any] = {"source": str(config.source) if config.source else None,
                               "database": str(database_path(config)), "values": {}}
        for section, key, value, origin in rows:
            doc["values"][f"{section}.{key}"] = {"value": _jsonable(shown_value(key, value)),
                                                 "origin": origin}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(f"# configuration file: {config.source or '(none: built-in defaults)'}")
    print(f"# live database: {database_path(config)}")
    current = None
    for section, key, value, origin in rows:
        if section != current:
            print(f"\n[{section}]")
            current = section
        line = f"# {key} (unset)" if value is None else \
            f"{key} = {_toml(shown_value(key, value))}"
        print(f"{line:<48} # {origin}")
    return 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):  # a table such as [center] name = { en, zh }
        return value.model_dump()
    return str(value) if isinstance(value, Path) else value


def _toml(value: Any) -> str:
    if isinstance(value, BaseModel):  # an inline table, as config.toml writes it
        fields = value.model_dump()
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in fields.items()) + " }"
    if isinstance(value, list):  # [mqtt] urls
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)
