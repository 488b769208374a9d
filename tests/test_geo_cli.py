"""`dispatch locate`: human and JSON output, configuration, errors."""

from __future__ import annotations

import json
from pathlib import Path

from dispatch.cli import main

MAPS = Path(__file__).parent / "fixtures" / "maps"


def test_locate_json(capsys):
    assert main(["locate", "G4 K1024+300", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["road"] == "G4" and data["section"] == "g4-xianning"
    assert data["km"] == 1024.3 and data["stake"] == "K1024+300"
    assert data["jurisdiction"] == "xianning"
    assert data["distance_m"] == 0.0
    assert isinstance(data["lat"], float) and isinstance(data["lon"], float)
    assert data["recipients"] == {
        "110": "110/xianning", "119": "119/xianning", "120": "120/xianning",
        "section": "section/g4-xianning", "ops": "ops/duty",
    }


def test_locate_words_without_quotes(capsys):
    assert main(["locate", "京港澳高速1024公里处往武汉方向"]) == 0
    out = capsys.readouterr().out
    assert "G4 京港澳高速 Beijing–Hong Kong–Macau Expressway K1024+000" in out
    assert "往武汉方向" in out and "咸宁 Xianning" in out
    assert "section/g4-xianning" in out and "0715-0000" in out
    assert main(["locate", "G4", "K1024+300"]) == 0


def test_locate_latlon_off_network(capsys):
    assert main(["locate", "30.5,114.3"]) == 0
    out = capsys.readouterr().out
    assert "off the road network" in out and "nearest road" in out


def test_locate_error_is_one_line(capsys):
    assert main(["locate", "G4 K2000"]) == 1
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "outside G4's stakes" in err


def test_locate_uses_configured_maps(tmp_path, capsys):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[data]\nmaps = "{MAPS / "good"}"\noff_network_m = 50000\n',
                   encoding="utf-8")
    assert main(["--config", str(cfg), "locate", "30.05,114.2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["road"] == "G99" and data["on_network"]
    assert main(["--config", str(cfg), "maps", "check"]) == 0
