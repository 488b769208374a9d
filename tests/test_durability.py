"""An event whose append has returned survives a SIGKILL of the writing process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from dispatch.timeline import Timeline

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from dispatch.model import EventType
    from dispatch.timeline import Timeline

    log = Timeline(sys.argv[1], center="hubei")
    mode = sys.argv[2]
    if mode == "suicide":
        ev = log.record(EventType.NOTE_ADDED, "op1", text="last words")
        os.kill(os.getpid(), signal.SIGKILL)  # right after the append returned
    n = 0
    while True:
        ev = log.record(EventType.CALL_RECEIVED, "gateway", call=f"c{n}")
        print(ev.id, flush=True)
        n += 1
    """
)


def _child(db: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(db), mode],
                            stdout=subprocess.PIPE, text=True)


def test_sigkill_right_after_append_returns(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    proc = _child(db, "suicide")
    assert proc.wait(timeout=60) == -signal.SIGKILL
    with Timeline(db, center="hubei") as log:
        assert [e.data for e in log.events()] == [{"text": "last words"}]


def test_sigkill_during_a_stream_of_appends_loses_no_returned_event(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    proc = _child(db, "stream")
    assert proc.stdout is not None
    reported = [proc.stdout.readline().strip() for _ in range(200)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    with Timeline(db, center="hubei") as log:
        stored = {e.id for e in log.events()}
        # Every append that returned (and so was reported) is in the log.
        assert set(reported) <= stored
        assert log.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
