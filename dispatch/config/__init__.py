"""Configuration: schema, lookup and strict validation."""

from dispatch.config.load import (
    database_path,
    find_config,
    load_config,
    log_location,
    parse_config,
    read_config,
    user_config_file,
    user_data_dir,
)
from dispatch.config.schema import Config

__all__ = [
    "Config",
    "database_path",
    "find_config",
    "load_config",
    "log_location",
    "parse_config",
    "read_config",
    "user_config_file",
    "user_data_dir",
]
