"""Secrets and personal data: private files, masked configuration, one key reader,
and a unique client id per seat on the broker."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import stat
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.config import load_config
from dispatch.model import EventType, new_id
from dispatch.seat import console_client_id, default_seat
from dispatch.timeline import Timeline
from dispatch.tui.session import Session

from .brokers import Mosquitto
from .buslib import Waiter
from .intakelib import Gateway


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_logs_and_their_journals_are_private(tmp_path: Path) -> None:
    for name, drill in (("data/live.db", False), ("drills/fog.db", True)):
        db = tmp_path / name
        with Timeline(db, center="hubei", drill=drill) as log:
            log.record(EventType.NOTE_ADDED, "op1", text="x")
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                assert _mode(path) == 0o600, path
            assert _mode(db.parent) == 0o700
            assert log.warnings == []


def test_an_existing_log_readable_by_others_gets_one_warning(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    Timeline(db, center="hubei").close()
    os.chmod(db, 0o644)
    with Timeline(db, center="hubei") as log:
        assert len(log.warnings) == 1
        assert "readable by other users (mode 0644" in log.warnings[0]
        assert f"chmod 600 {db}" in log.warnings[0] and "\n" not in log.warnings[0]


def _config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[mqtt]
url = "mqtt://console:hunter2-in-url@127.0.0.1:1"
username = "console"
password = "hunter2-in-key"
[storage]
database = "{tmp_path / 'live.db'}"
{extra}
""")
    return path


def test_config_show_masks_secrets_in_both_forms(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = _config(tmp_path)
    assert main(["config", "show", "--json", "--config", str(config)]) == 0
    shown = capsys.readouterr().out
    assert "hunter2" not in shown
    values = json.loads(shown)["values"]
    assert values["mqtt.password"]["value"] == "********"
    assert values["mqtt.url"]["value"] == "mqtt://console:********@127.0.0.1:1"
    assert main(["config", "show", "--config", str(config)]) == 0
    assert "hunter2" not in capsys.readouterr().out


@pytest.mark.parametrize("written", [b"0123456789abcdef ", b"0123456789abcdef\r\n",
                                     b" 0123456789abcdef\t\n"])
def test_every_command_reads_a_key_file_the_same_way(tmp_path: Path, written: bytes) -> None:
    from dispatch.bus.codec import load_key
    from dispatch.cli.unit_cmd import read_key

    key_file = tmp_path / "key"
    key_file.write_bytes(written)
    config = load_config(_config(tmp_path, f'[security]\nkey_file = "{key_file}"'))
    assert read_key(config) == load_key(config.security.key_file) == b"0123456789abcdef"
    session = Session(config, db=tmp_path / "live.db", seat="desk-01")
    try:
        assert session.key == b"0123456789abcdef"  # the console signs with the unit's key
    finally:
        session.close()


@pytest.mark.parametrize("command", [["unit", "120/xianning"], ["simulate"], ["console"]])
def test_a_short_key_is_refused_by_every_command_in_one_line(
    tmp_path: Path, command: list[str], capsys  # type: ignore[no-untyped-def]
) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(b"short \n")
    config = _config(tmp_path, f'[security]\nkey_file = "{key_file}"')
    assert main([*command, "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err == (f"dispatch: {key_file}: security.key_file: the HMAC key must be at least "
                   "16 bytes (it has 5)\n")


def test_default_seats_differ_by_terminal_and_stay_stable() -> None:
    one = default_seat(host="ops1.centre.local", terminal="pts/3")
    two = default_seat(host="ops1.centre.local", terminal="pts/4")
    assert one == "ops1-pts-3" and two == "ops1-pts-4"
    assert default_seat(host="ops1", terminal="pts/3") == one  # the same seat after a restart
    assert default_seat(host="OPS_1", terminal=None, pid=4242) == "ops_1-pid4242"
    assert console_client_id("hubei", one) == "console-hubei-ops1-pts-3"


async def test_two_consoles_on_one_host_both_stay_connected(
    tmp_path: Path, mosquitto: Mosquitto, capfd: pytest.CaptureFixture[str],
) -> None:
    config = load_config(_config(tmp_path).parent / "config.toml")
    config = config.model_copy(update={"mqtt": config.mqtt.model_copy(
        update={"url": f"mqtt://127.0.0.1:{mosquitto.port}", "password": None,
                "username": None})})
    seats = [Session(config, db=tmp_path / f"seat{n}.db",
                     seat=default_seat(host="ops1", terminal=f"pts/{n}")) for n in (1, 2)]
    assert seats[0].console_id != seats[1].console_id
    heard = [Waiter(), Waiter()]
    for session, waiter in zip(seats, heard, strict=True):
        session.desk.listeners.append(waiter)
        await session.start()
    gateway = Gateway(mosquitto.port)
    try:
        for session in seats:
            await session.desk.bus.link.wait_up()
        call = new_id()
        gateway.publish([call])
        # Each seat gets the call over its own session: neither was kicked off.
        for waiter in heard:
            await waiter.until(lambda evs: any(e.data.get("call") == call for e in evs))
        assert [s.desk.bus.link.connects for s in seats] == [1, 1]
        assert all(s.desk.bus.link.up for s in seats)
    finally:
        gateway.close()
        for session in seats:
            await session.stop()
            session.close()
    await asyncio.sleep(0)
    gc.collect()
    err = capfd.readouterr().err
    assert "never retrieved" not in err and "Traceback" not in err
