"""Finding, reading and validating the configuration file.

Lookup order (the first that exists wins): ``--config FILE``,
``$DISPATCH_CONFIG``, ``./config.toml``, ``config.toml`` in the user config
folder, then the built-in defaults.  A file named explicitly (option or
variable) must exist.  Every problem becomes a :class:`ConfigError` whose
message is ``FILE: dotted.key: what was expected``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path
from pydantic import ValidationError

from dispatch.config.schema import MUST_EXIST, PATH_KEYS, Config
from dispatch.errors import ConfigError

APP = "dispatch"
ENV_VAR = "DISPATCH_CONFIG"


def user_config_file() -> Path:
    """The per-user configuration file (which may not exist)."""
    return user_config_path(APP, appauthor=False) / "config.toml"


def user_data_dir() -> Path:
    """The per-user data folder where logs live by default."""
    return user_data_path(APP, appauthor=False)


def find_config(
    explicit: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user_file: Path | None = None,
) -> Path | None:
    """Return the configuration file to read, or ``None`` for the defaults.

    Raises:
        ConfigError: A file named by ``--config`` or ``$DISPATCH_CONFIG`` does not exist.
    """
    env = os.environ if env is None else env
    if explicit:
        return _must_exist(Path(explicit), "--config")
    if env.get(ENV_VAR):
        return _must_exist(Path(env[ENV_VAR]), f"${ENV_VAR}")
    local = (cwd or Path.cwd()) / "config.toml"
    if local.is_file():
        return local
    user_file = user_file or user_config_file()
    return user_file if user_file.is_file() else None


def _must_exist(path: Path, named_by: str) -> Path:
    path = path.expanduser()
    if not path.is_file():
        raise ConfigError(f"{path}: file not found (named by {named_by})")
    return path


def load_config(
    explicit: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user_file: Path | None = None,
) -> Config:
    """Find and load the effective configuration.

    Raises:
        ConfigError: The file is missing, not TOML, or not a valid configuration.
    """
    path = find_config(explicit, env=env, cwd=cwd, user_file=user_file)
    if path is None:
        return Config()
    return read_config(path)


def read_config(path: Path) -> Config:
    """Read and validate one configuration file.

    Raises:
        ConfigError: The file cannot be read, is not TOML, or fails validation.
    """
    path = path.expanduser().resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path) -> Config:
    """Validate an already parsed TOML document read from ``path``.

    Raises:
        ConfigError: One line per problem, each naming the file and the dotted key.
    """
    data = _resolve_paths(raw, path.parent)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(_describe(path, err) for err in exc.errors())) from None
    for section, key in MUST_EXIST:
        value = getattr(getattr(config, section), key)
        if value is not None and not value.is_file():
            raise ConfigError(f"{path}: {section}.{key}: file not found: {value}")
    config._source = path
    config._given = frozenset(_dotted_keys(raw))
    return config


def _resolve_paths(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """Turn path strings into absolute paths relative to the file's folder."""
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in raw.items()}
    for section, key in PATH_KEYS:
        table = data.get(section)
        if isinstance(table, dict) and isinstance(table.get(key), str):
            value = table[key]
            if not value.strip():
                table[key] = None
            else:
                table[key] = (base / Path(value).expanduser()).resolve()
    return data


def _dotted_keys(raw: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            keys.extend(_dotted_keys(value, f"{name}."))
        else:
            keys.append(name)
    return keys


_EXPECTED = {
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected an integer",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected a string",
    "path_type": "expected a path (a string)",
    "is_instance_of": "expected a path (a string)",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "dict_type": "expected a table",
}


def _describe(path: Path, err: Mapping[str, Any]) -> str:
    """One readable line for one pydantic error."""
    key = ".".join(str(part) for part in err["loc"])
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        what = _unknown_key(err["loc"])
    elif kind in _EXPECTED:
        what = f"{_EXPECTED[kind]}, got {_show(value)}"
    elif kind == "literal_error":
        choices = err.get("ctx", {}).get("expected", "")
        what = f"expected one of {choices}, got {_show(value)}"
    elif kind == "value_error":
        what = str(err.get("ctx", {}).get("error", err["msg"]))
    else:
        what = f"{err['msg'].replace('Input should be', 'expected')}, got {_show(value)}"
    return f"{path}: {key}: {what}"


def _unknown_key(loc: tuple[Any, ...]) -> str:
    model: Any = Config
    for part in loc[:-1]:
        field = model.model_fields.get(part)
        if field is None:
            break
        model = field.annotation
    fields = getattr(model, "model_fields", {})
    known = ", ".join(sorted(fields))
    return f"unknown key (expected one of: {known})" if known else "unknown key"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def database_path(config: Config, *, drill: bool = False, name: str | None = None) -> Path:
    """Where a log lives: the live database, or a drill database in ``drill_dir``.

    Args:
        config: The effective configuration.
        drill: Return a path in the drill folder instead of the live database.
        name: The drill database's file stem (required with ``drill``).
    """
    if drill:
        folder = config.storage.drill_dir or (user_data_dir() / "drills")
        return folder / f"{name or 'drill'}.db"
    return config.storage.database or (user_data_dir() / "dispatch.db")


def log_location(config: Config) -> str | Path:
    """Where the live log is: ``[storage] url`` (a PostgreSQL URL stays a string;
    ``sqlite:///PATH`` becomes its path), else the ``database`` file."""
    url = config.storage.url
    if url and url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).expanduser()
    return url or database_path(config)
