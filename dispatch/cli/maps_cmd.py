"""``dispatch maps check [DIR]`` and ``dispatch locate TEXT``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from dispatch.config import load_config
from dispatch.errors import GeoError
from dispatch.geo import Ambiguous, Place, RoadMap, load_map
from dispatch.geo.check import check_map
from dispatch.geo.data import shipped_maps
from dispatch.model import Service, format_stake

#: ``dispatch locate``'s exit status when the words fit several places.
AMBIGUOUS_EXIT = 3


def register(subparsers: Any) -> None:
    """Add the ``maps`` and ``locate`` commands."""
    maps = subparsers.add_parser("maps", help="inspect the road network data")
    maps_sub = maps.add_subparsers(dest="maps_command", metavar="ACTION", required=True)
    check = maps_sub.add_parser(
        "check",
        help="validate a map folder (exit 1 on any error)",
        description="Check roads.geojson, jurisdictions.geojson and stations.geojson: stake "
        "gaps and overlaps, missing centres and desks, stations outside every jurisdiction, "
        "bad geometry.",
    )
    check.add_argument("folder", nargs="?", metavar="DIR",
                       help="map folder (default: [data] maps in the configuration, "
                       "else the shipped demo map)")
    check.set_defaults(func=run_check)

    locate = subparsers.add_parser(
        "locate",
        help="turn what a caller says (stake, landmark, coordinates) into a road place",
        description="Examples: dispatch locate G4 K1024+300 | dispatch locate "
        "京港澳高速1024公里处往武汉方向 | dispatch locate 咸宁服务区往武汉方向2公里 | "
        "dispatch locate '2 km past the Xianning exit towards Wuhan' | "
        "dispatch locate 29.93,114.29 --json.  Exit status 3: the words fit several "
        "places (listed, best first).",
    )
    locate.add_argument("text", nargs="+", metavar="TEXT",
                        help="stake text (G4 K1024+300, 一千零二十四公里, km 1024.3), a landmark "
                        "with offset and direction, or coordinates (30.1,114.3, 30°06'N 114°18'E)")
    locate.add_argument("--json", action="store_true", help="print one JSON object: the place, "
                        "'ambiguous' and the ranked 'candidates' with their evidence")
    locate.set_defaults(func=run_locate)


def run_check(args: argparse.Namespace) -> int:
    """Print every problem of a map folder; 1 if any is an error."""
    if args.folder:
        folder = Path(args.folder)
    else:
        folder = load_config(args.config).data.maps or shipped_maps()
    if not folder.is_dir():
        raise GeoError(f"{folder} is not a folder")
    data, problems = check_map(folder)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in errors:
        print(f"error [{p.rule}] {p}")
    for p in warnings:
        print(f"warning [{p.rule}] {p}")
    roads = len({s.road for s in data.sections})
    summary = (f"{folder}: {roads} roads, {len(data.sections)} sections, "
               f"{len(data.jurisdictions)} jurisdictions, {len(data.stations)} stations"
               + (f", {len(data.landmarks)} landmarks" if data.landmarks else ""))
    if errors:
        print(f"{summary}: {len(errors)} errors, {len(warnings)} warnings")
        return 1
    print(f"{summary}: OK" + (f" ({len(warnings)} warnings)" if warnings else ""))
    return 0


def run_locate(args: argparse.Namespace) -> int:
    """Locate a place and print it (human text, or JSON with ``--json``); 3 if ambiguous."""
    cfg = load_config(args.config)
    roads = load_map(cfg.data.maps, off_network_m=cfg.data.off_network_m)
    text = " ".join(args.text)
    found = roads.candidates(text)
    try:
        place = roads.locate_text(text)
    except Ambiguous:
        place = None
    if args.json:
        head = found[0].to_json() if place is not None else {"text": text}
        print(json.dumps({**head, "ambiguous": place is None,
                          "candidates": [c.to_json() for c in found]}, ensure_ascii=False))
    elif place is not None:
        print(describe(place, roads))
        for ev in found[0].evidence:
            print(f"  evidence      {ev.words!r}: {ev.means}")
    else:
        print(f"{text!r} may be {len(found)} places; say which:")
        for i, c in enumerate(found, 1):
            print(f"  {i}) {c.label()}  [{c.place.section}; pick: {c.pick}]")
    return 0 if place is not None else AMBIGUOUS_EXIT


def describe(place: Place, roads: RoadMap) -> str:
    """The human form of a place: road and stake first, then who covers it."""
    lines = []
    if place.on_network and place.road:
        head = f"{place.road} {place.road_names or ''} {place.stake}".replace("  ", " ")
        if place.direction:
            head += f"  {place.direction}"
        if place.heading:
            head += f" ({place.heading} stake)"
        lines.append(head)
        lines.append(f"  section       {place.section}  {place.section_names or ''}".rstrip())
    else:
        lines.append("off the road network")
        if place.nearest:
            lines.append(f"  nearest road  {place.nearest['road']} "
                         f"{format_stake(place.nearest['km'])} ({place.nearest['section']})")
    lines.append(f"  point         {place.lat:.6f},{place.lon:.6f}")
    if place.distance_m:
        lines.append(f"  off the road  {place.distance_m:,.0f} m")
    if place.jurisdiction:
        lines.append(f"  jurisdiction  {place.jurisdiction}  {place.jurisdiction_names or ''}"
                     .rstrip())
    else:
        lines.append("  jurisdiction  none (outside every jurisdiction)")
    lines.append("  recipients")
    for service in (s for s in Service if s in place.recipients):
        address = place.recipients[service]
        try:
            st = roads.station(address)
            extra = f"  {st.names}  ☎ {st.phone}" if st.phone else f"  {st.names}"
        except GeoError:
            extra = "  (no station in the map)"
        lines.append(f"    {service.value:<8} {address!s:<22}{extra}")
    for note in place.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
