"""`dispatch maps check` and map loading: the shipped map is clean, each rule bites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.errors import GeoError
from dispatch.geo import load_map
from dispatch.geo.check import check_map

MAPS = Path(__file__).parent / "fixtures" / "maps"


def errors(folder):
    _data, problems = check_map(folder)
    return [p for p in problems if p.severity == "error"]


def test_shipped_map_is_clean(capsys):
    assert errors(None) == []
    assert main(["maps", "check"]) == 0
    assert "OK" in capsys.readouterr().out


def test_good_fixture_is_clean():
    assert errors(MAPS / "good") == []
    roads = load_map(MAPS / "good")
    assert roads.locate("测试高速 K105").jurisdiction == "south"


@pytest.mark.parametrize(
    ("fixture", "rule", "names", "says"),
    [
        ("stakes_overlap", "stakes", "g99-north", "overlap section g99-south"),
        ("stakes_gap", "stakes", "g99-north", "gap K111+085 – K113+085"),
        ("discontinuous", "continuity", "g99-north", "964 m away"),
        ("no_centre", "centre", "g99-south", "no road-section centre"),
        ("unknown_centre", "centre", "g99-north", "'g99-nowhere' is not a 'section' station"),
        ("station_outside", "station", "110/south", "outside every jurisdiction"),
        ("missing_service", "service", "north", "no 120 desk"),
        ("bad_polygon", "geometry", "south", "Self-intersection"),
        ("bad_line", "geometry", "g99-south", "at least two distinct vertices"),
        ("bad_properties", "properties", "g99-south", "km_start"),
        ("uncovered", "coverage", "g99-north", "leaves every jurisdiction"),
        ("jurisdiction_overlap", "overlap", "north", "overlaps jurisdiction south"),
        ("duplicate_station", "duplicate", "110/south", "also stations.geojson feature 0"),
    ],
)
def test_each_rule(fixture, rule, names, says, capsys):
    found = [p for p in errors(MAPS / fixture) if p.rule == rule]
    assert found, f"{fixture}: no {rule} problem"
    text = " ".join(str(p) for p in found)
    assert names in text and says in text
    assert main(["maps", "check", str(MAPS / fixture)]) == 1
    out = capsys.readouterr().out
    assert f"error [{rule}]" in out and names in out


def test_length_mismatch_is_a_warning(tmp_path):
    for f in (MAPS / "good").iterdir():
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "roads.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][1]["properties"]["km_end"] += 3.0
    path.write_text(json.dumps(doc), encoding="utf-8")
    _data, problems = check_map(tmp_path)
    assert [p.rule for p in problems] == ["length"]
    assert problems[0].severity == "warning"
    assert main(["maps", "check", str(tmp_path)]) == 0


def test_missing_and_broken_files(tmp_path):
    assert {p.rule for p in errors(tmp_path)} == {"file", "coverage"}
    (tmp_path / "roads.geojson").write_text("{not json", encoding="utf-8")
    assert any("cannot be read" in str(p) for p in errors(tmp_path))
    with pytest.raises(GeoError, match=r"roads.geojson"):
        load_map(tmp_path)


def test_load_refuses_invalid_features_naming_them():
    with pytest.raises(GeoError, match=r"roads.geojson feature 0 \(g99-south\).*km_start"):
        load_map(MAPS / "bad_properties")
    with pytest.raises(GeoError, match=r"jurisdictions.geojson feature 0 \(south\)"):
        load_map(MAPS / "bad_polygon")


def test_load_tolerates_rule_problems():
    """Gaps and missing centres are reported by the check, not fatal at load."""
    roads = load_map(MAPS / "no_centre")
    place = roads.locate("G99 K105")
    with pytest.raises(GeoError, match=r"Road-section centre"):
        roads.recipient(place, "section")
    gap = load_map(MAPS / "stakes_gap")
    with pytest.raises(GeoError, match=r"K100\+000 – K111\+085, K113\+085 – K124\+170"):
        gap.locate("G99 K112")


def test_check_folder_must_exist(tmp_path, capsys):
    assert main(["maps", "check", str(tmp_path / "nope")]) == 1
    assert "not a folder" in capsys.readouterr().err
