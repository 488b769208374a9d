"""A full disk and a read-only log: nothing lost, nothing crashes, one line each.

The log lives on a small tmpfs that the test mounts (root only: CI runs as
root; elsewhere the tests are skipped with the reason).  While the disk is
full, calls from the gateway stay unacknowledged in the broker's hands,
commands are refused with one line, the console shows a red alert and keeps
running; when space comes back the calls are logged, in order, by themselves.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.clock import ManualClock
from dispatch.desk import Operator, Role
from dispatch.errors import LogFull, LogReadOnly
from dispatch.model import EventType, new_id
from dispatch.timeline import Timeline

from .brokers import Mosquitto
from .buslib import Waiter, count, events_of
from .conftest import SHANGHAI
from .consolelib import console, floor, notes, plain, typed_call, until
from .desklib import make_desk
from .intakelib import Gateway

OP = Operator("op1", Role.SUPERVISOR)


class SmallDisk:
    """A 2 MiB tmpfs mounted for one test, which it can fill, free and make read-only."""

    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.path = mount / "data"
        self._filler = mount / "filler"

    def fill(self) -> None:
        """Take every free block."""
        fd = os.open(self._filler, os.O_CREAT | os.O_WRONLY | os.O_APPEND)
        try:
            for size in (65536, 4096, 512, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    continue
        finally:
            os.close(fd)

    def free(self) -> None:
        """Give the space back."""
        self._filler.unlink()

    def remount(self, mode: str) -> None:
        """``ro`` or ``rw``."""
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.mount)], check=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A small file system of the test's own (skipped where it cannot be mounted)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _taken(desk) -> Waiter:  # type: ignore[no-untyped-def]
    """A waiter told of every call the link hands to the intake (presence aside)."""
    waiter = Waiter()
    take = desk.bus.intake.take

    def spy(message):  # type: ignore[no-untyped-def]
        take(message)
        if message.topic == desk.bus.topics.calls_in:
            waiter(message)

    desk.bus.link.on_inbound = spy
    return waiter


async def test_full_disk_calls_wait_commands_refused_then_all_logged_in_order(
    small_disk: SmallDisk, clock: ManualClock, mosquitto: Mosquitto,
    capfd: pytest.CaptureFixture[str],
) -> None:
    log = Timeline(small_disk.path / "live.db", center="hubei", tz=SHANGHAI, clock=clock)
    desk = make_desk(log, mosquitto.port, f"console-hubei-full-{new_id()[:6]}")
    desk.bus.intake.retry_s = 0.05
    heard, taken, health = events_of(desk.bus), _taken(desk), Waiter()
    desk.on_log_health(health)
    await desk.start()
    await desk.bus.link.wait_up()
    gateway = Gateway(mosquitto.port)
    try:
        call = typed_call(desk, "三辆车追尾", "G4 K1024+300")
        desk.answer(OP, call)
        iid = desk.open_incident(OP, call)
        log.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no WAL space left to reuse
        before = log.event_count()
        small_disk.fill()
        ids = [new_id() for _ in range(5)]
        gateway.publish(ids)
        await taken.until(lambda items: len(items) == 5)
        await health.until(lambda items: bool(items))
        assert isinstance(log.fault, LogFull)
        assert log.event_count() == before  # nothing recorded, nothing half-recorded
        assert desk.bus.intake.waiting >= 5  # held in memory, unacknowledged at the broker
        for command in (lambda: typed_call(desk, "tyre burst", "G4 K1000"),
                        lambda: desk.note(OP, iid, "caller calm"),
                        lambda: desk.set_priority(OP, iid, 1),
                        lambda: desk.set_location(OP, iid, "G4 K1024+300")):
            with pytest.raises(LogFull) as refused:
                command()
            line = str(refused.value)
            assert "\n" not in line and "log full" in line and str(log.path) in line
        assert main(["timeline", iid, "--db", str(log.path)]) == 0  # reading still works
        small_disk.free()
        await heard.until(lambda evs: count(evs, "call_received") == 5)
        await health.until(lambda items: items[-1] is None)
    finally:
        gateway.close()
        await desk.stop()
    logged = [e.data["call"] for e in log.events(after_seq=before, types=["call_received"])]
    assert logged == ids  # every call that waited, in the order it came, once
    recovered = list(log.events(after_seq=before, types=[EventType.LOG_RECOVERED]))
    assert len(recovered) == 1 and recovered[0].data["fault"] == "full"
    first = next(log.events(after_seq=before))
    assert first.type == EventType.LOG_RECOVERED  # the fault's window, then what waited
    desk.note(OP, iid, "space is back")  # commands work again
    assert "Traceback" not in capfd.readouterr().err
    log.close()


async def test_console_on_a_full_disk_alerts_keeps_running_and_recovers(
    small_disk: SmallDisk, clock: ManualClock,
) -> None:
    log = Timeline(small_disk.path / "live.db", center="hubei", tz=SHANGHAI, clock=clock)
    desk = make_desk(log)
    typed_call(desk, "三辆车追尾，有人受伤", "G4 K1024+300")
    log.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    app = console(desk)
    async with app.run_test(size=(140, 50)) as pilot:
        small_disk.fill()
        await pilot.press("a")  # answering records: refused, not a crash
        await until(lambda: any("log full" in n for n in notes(app)))
        await until(lambda: "LOG FULL" in plain(app, "#status"))
        alarm = plain(app, "#log-fault")
        assert "LOG FULL" in alarm and "Calls wait in the broker" in alarm
        assert floor(app).query_one("#log-fault").has_class("on")
        assert app.is_running
        small_disk.free()
        await pilot.press("a")  # the same key works once space is back
        await until(lambda: floor(app).current is not None)
        await until(lambda: "LOG FULL" not in plain(app, "#status"))
        assert not floor(app).query_one("#log-fault").has_class("on")
    assert app.return_code in (0, None)
    assert count(list(log.events()), "call_answered") == 1
    log.close()


def test_a_read_only_log_serves_export_report_and_timeline(
    small_disk: SmallDisk, capsys: pytest.CaptureFixture[str],
) -> None:
    db = small_disk.path / "live.db"
    with Timeline(db, center="hubei", tz=SHANGHAI) as log:
        iid = log.open_incident("op1", {"kind": "accident"}).incident
        log.record(EventType.NOTE_ADDED, "op1", iid, text="two cars")
    small_disk.remount("ro")
    assert main(["export", "--format", "jsonl", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 2 and "two cars" in out
    assert main(["report", "--db", str(db)]) == 0
    assert main(["timeline", iid, "--db", str(db)]) == 0
    assert "two cars" in capsys.readouterr().out
    assert main(["operators", "list", "--db", str(db)]) == 0
    with pytest.raises(LogReadOnly, match=r"is not writable .* the log cannot be opened for "
                                          r"writing; reading commands"):
        Timeline(db, center="hubei")
    assert main(["timeline", "--rebuild", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not writable" in err and "Traceback" not in err
    small_disk.remount("rw")
