"""Partners' numeric radio status codes (maps/status-codes.toml) → dispatch.status/1."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from dispatch.errors import DispatchError
from dispatch.model import REPORTED_STATES
from dispatch.playbook.load import PlaybookValidationError
from dispatch.unit.codes import State, load_codes, status_from_code


def test_the_states_are_the_ones_units_report() -> None:
    assert set(typing.get_args(State)) == {s.value for s in REPORTED_STATES}


def test_fms_codes_map_to_status_states() -> None:
    # TR-BOS FMS: 1/2 free (radio/station), 3 accepted and en route, 4 on scene,
    # 6 not available, 7 patient loaded, 8 at the destination.
    assert status_from_code("fms", 1) == status_from_code("fms", 2) == "cleared"
    assert status_from_code("fms", 3) == "en_route"
    assert status_from_code("fms", 4) == "on_scene"
    assert status_from_code("fms", 6) == "declined"
    assert status_from_code("fms", 7) == status_from_code("fms", 8) == "on_scene"
    for noted in (0, 5, 9):  # requests to talk, sign-on: noted, no order moves
        assert status_from_code("fms", noted) is None


def test_the_tetra_example_covers_every_state() -> None:
    table = load_codes()
    tetra = table.schemes["tetra"]
    assert all(32768 <= c.code <= 65535 for c in tetra.codes)  # user-defined range
    assert {c.state for c in tetra.codes} == set(typing.get_args(State))
    assert all(c.label.en and c.label.zh for s in table.schemes.values() for c in s.codes)


def test_unknown_scheme_or_code_is_refused() -> None:
    with pytest.raises(DispatchError, match="no scheme 'pocsag'"):
        status_from_code("pocsag", 1)
    with pytest.raises(DispatchError, match="fms has no code 42"):
        status_from_code("fms", 42)


def test_a_bad_table_names_file_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "status-codes.toml"
    bad.write_text('[schemes.fms]\ntitle = { en = "x", zh = "x" }\nsource = "s"\n\n'
                   '[[schemes.fms.codes]]\ncode = 3\nstate = "driving"\n'
                   'label = { en = "a", zh = "a" }\n\n'
                   '[[schemes.fms.codes]]\ncode = 3\nlabel = { en = "b", zh = "b" }\n',
                   encoding="utf-8")
    with pytest.raises(PlaybookValidationError) as caught:
        load_codes(bad)
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(f"{bad}:7: schemes.fms.codes[0].state:") for p in problems), problems
    custom = tmp_path / "ok.toml"
    custom.write_text('[schemes.radio]\ntitle = { en = "x", zh = "x" }\nsource = "s"\n'
                      '[[schemes.radio.codes]]\ncode = 12\nstate = "on_scene"\n'
                      'label = { en = "here", zh = "到了" }\n', encoding="utf-8")
    assert status_from_code("radio", 12, load_codes(custom)) == "on_scene"
