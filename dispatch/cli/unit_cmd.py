"""``dispatch unit ADDRESS``: the field-unit screen for a recipient desk or crew.

Textual is imported only when the command runs, so the core (and
``dispatch --help``) never loads it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch.bus.codec import load_key
from dispatch.cli.common import config_of, labels_of, lang_of, logging_to_file
from dispatch.config import Config, user_data_dir
from dispatch.errors import DispatchError
from dispatch.model import Address


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``unit`` command."""
    parser = sub.add_parser(
        "unit",
        help="run the field-unit screen of a recipient (e.g. 120/xianning)",
        description="Receive orders for ADDRESS and report on them: accept, decline with a "
        "reason, en route, on scene, cleared. The unit keeps its own small state file, so a "
        "restart loses nothing and shows nothing twice.",
    )
    parser.add_argument("address", metavar="ADDRESS",
                        help="the recipient's address SERVICE/UNIT, e.g. 120/xianning")
    parser.add_argument("--db", metavar="PATH", type=Path,
                        help="the unit's state file (default: the user data folder, "
                        "units/SERVICE-UNIT.db)")
    parser.add_argument("--drill", action="store_true",
                        help="take drill orders (the drill root) instead of live ones")
    parser.add_argument("--lang", choices=("en", "zh"), help="language (default: ui.lang)")
    parser.set_defaults(func=run)


def parse_address(text: str) -> Address:
    """The recipient's address, or a one-line error.

    Raises:
        DispatchError: Not ``SERVICE/UNIT`` with a known service and a valid unit id.
    """
    try:
        return Address.parse(text)
    except ValueError as exc:
        raise DispatchError(f"unit: {exc}") from None


def state_path(address: Address, db: Path | None) -> Path:
    """Where the unit keeps its state: ``--db``, or ``units/SERVICE-UNIT.db`` in user data."""
    return db or user_data_dir() / "units" / f"{address.service.value}-{address.unit}.db"


def read_key(config: Config) -> bytes | None:
    """The shared HMAC key from ``security.key_file``, read as every command reads it.

    Raises:
        BusError: The key file cannot be read or its key is too short.
    """
    return load_key(config.security.key_file)


def unit_name(config: Config, address: Address, lang: str) -> str | None:
    """The unit's name from the map's stations, if the map knows it (best effort)."""
    try:
        from dispatch.geo.data import read_map

        data = read_map(config.data.maps)
    except Exception:  # a broken map must not keep a crew from its orders
        return None
    for station in data.stations:
        if station.address == address:
            return getattr(station.names, lang, "") or str(station.names) or None
    return None


def run(args: argparse.Namespace) -> int:
    """Open the unit's state, connect, and run the screen until the crew quits."""
    address = parse_address(args.address)
    config = config_of(args)
    lang = lang_of(args)
    key = read_key(config)

    from dispatch.bus.link import LinkSettings
    from dispatch.unit.app import UnitApp
    from dispatch.unit.client import UnitClient
    from dispatch.unit.store import UnitStore

    service, unit = address.service.value, address.unit
    settings = LinkSettings.from_config(config, client_id=f"unit-{service}-{unit}")
    store = UnitStore(state_path(address, args.db))
    try:
        client = UnitClient(address, store, settings, center=config.center.id,
                            drill=args.drill, key=key)
        with logging_to_file(f"unit-{service}-{unit}"):
            UnitApp(client, lang, unit_name=unit_name(config, address, lang),
                    tz=config.center.tz, labels=labels_of(args)).run()
    finally:
        store.close()
    return 0
