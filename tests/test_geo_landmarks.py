"""``maps/landmarks.geojson``: read like the rest, checked by ``dispatch maps check``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from dispatch.cli import main
from dispatch.geo.check import check_map
from dispatch.geo.data import shipped_maps


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "maps"
    shutil.copytree(shipped_maps(), folder)
    return folder


def _edit(folder: Path, ident: str, **props: Any) -> None:
    path = folder / "landmarks.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    feature = next(f for f in doc["features"] if f["properties"]["id"] == ident)
    geometry = props.pop("geometry", None)
    feature["properties"].update(props)
    if geometry is not None:
        feature["geometry"]["coordinates"] = geometry
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _errors(folder: Path) -> list[str]:
    _data, problems = check_map(folder)
    return [f"[{p.rule}] {p}" for p in problems if p.severity == "error"]


def test_the_shipped_landmarks_pass(capsys) -> None:  # type: ignore[no-untyped-def]
    data, problems = check_map(None)
    assert not [p for p in problems if p.severity == "error"]
    assert len(data.landmarks) >= 25
    kinds = {lm.kind for lm in data.landmarks}
    assert kinds == {"service_area", "toll_station", "interchange", "exit", "tunnel", "bridge"}
    assert {lm.road for lm in data.landmarks} == {"G4", "G50", "G70"}
    assert main(["maps", "check"]) == 0
    assert "landmarks: OK" in capsys.readouterr().out


def test_a_landmark_off_its_road_is_caught(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = _copy(tmp_path)
    _edit(folder, "g4-xianning-exit", geometry=[114.30, 29.80])
    errors = _errors(folder)
    assert len(errors) == 1
    assert "[landmark] landmarks.geojson feature" in errors[0]
    assert "(g4-xianning-exit)" in errors[0] and "m from G4 K1031+500" in errors[0]
    assert main(["maps", "check", str(folder)]) == 1
    assert "error [landmark]" in capsys.readouterr().out


@pytest.mark.parametrize(("props", "says"), [
    ({"stake": 2000.0}, "stake G4 K2000+000 is in no section of G4"),
    ({"road": "G99"}, "road 'G99' is not in roads.geojson"),
    ({"kind": "castle"}, "[properties]"),
    ({"names": {"en": "Dawu exit", "zh": ""}}, "names: Value error, a landmark needs a name"),
    ({"aliases": ["大悟服务区"]}, "name '大悟服务区' is also landmark 'g4-dawu-services'"),
    ({"aliases": [" "]}, "an alias is empty"),
])
def test_landmark_faults_name_file_feature_and_fault(tmp_path: Path, props: dict,
                                                     says: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "g4-dawu-exit", **props)
    errors = _errors(folder)
    assert any(says in e and "landmarks.geojson feature" in e for e in errors), errors


def test_twins_on_two_carriageways_may_share_a_name(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    # The shipped Xianning service areas are twins (one per side); make one serve both sides.
    _edit(folder, "g4-xianning-services-n", side="both")
    assert any("is also landmark 'g4-xianning-services-n'" in e for e in _errors(folder))


def test_a_map_without_landmarks_is_fine(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "landmarks.geojson").unlink()
    data, problems = check_map(folder)
    assert data.landmarks == [] and not [p for p in problems if p.severity == "error"]
