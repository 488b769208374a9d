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
    parser.add_argument("--codes", default="fms", metavar="SCHEME",
                        help="radio status codes the crew may key in as digits: a scheme of "
                             "maps/status-codes.toml (fms, tetra) or none (default: fms)")
    parser.add_argument("--any-address", action="store_true",
                        help="run even if no station of the map has ADDRESS (a partner's "
                        "test desk): no console sends it orders unless its map has it")
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


def unit_name(config: Config, address: Address, lang: str, *,
              any_address: bool = False) -> str | None:
    """The unit's name from the map's stations.

    Orders go only to addresses the map's stations have (the console finds the recipients
    there), so an address no station has would wait for orders that never come: it is
    refused, unless ``any_address``.

    Raises:
        DispatchError: No station has ``address`` (the message lists those of its service).
    """
    try:
        from dispatch.geo.data import STATIONS, read_map

        data = read_map(config.data.maps)
    except Exception:  # a broken map must not keep a crew from its orders
        return None
    for station in data.stations:
        if station.address == address:
            return getattr(station.names, lang, "") or str(station.names) or None
    if any_address or not data.stations:
        return None
    raise DispatchError(not_on_map(address, [s.address for s in data.stations],
                                   data.folder / STATIONS))


def not_on_map(address: Address, known: list[Address], where: Path) -> str:
    """The one-line refusal of an address no station has, with the valid ones."""
    import difflib

    same = sorted(str(a) for a in known if a.service == address.service)
    close = difflib.get_close_matches(str(address), same, n=1, cutoff=0.8)
    hint = f" (did you mean {close[0]}?)" if close else ""
    listed = ", ".join(same) if same else "none"
    return (f"unit: no station of the map has {address}{hint}; {address.service.value} "
            f"stations in {where}: {listed}; `dispatch locate PLACE` names a place's "
            f"recipients; --any-address runs anyway")


def run(args: argparse.Namespace) -> int:
    """Open the unit's state, connect, and run the screen until the crew quits."""
    address = parse_address(args.address)
    config = config_of(args)
    lang = lang_of(args)
    name = unit_name(config, address, lang, any_address=args.any_address)
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
            UnitApp(client, lang, unit_name=name, tz=config.center.tz,
                    labels=labels_of(args),
                    codes=None if args.codes == "none" else args.codes).run()
    finally:
        store.close()
    return 0
