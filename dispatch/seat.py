"""A seat of the floor: its id, and its client id on the broker (DESIGN, *The floor*).

The broker keeps one session per client id: two consoles that share one
kick each other off, and the calls queued for an absent seat are kept under
its id.  So a seat's id must be unique on the floor *and* stable across its
restarts: the default is the host name plus the terminal the operator sits
at (``ops1-pts-3``), which is both.
"""

from __future__ import annotations

import os
import re
import socket

from dispatch.config.schema import SEAT_ID

_NOT_ALLOWED = re.compile(r"[^a-z0-9_-]+")


def _clean(text: str) -> str:
    return _NOT_ALLOWED.sub("-", text.lower()).strip("-_")


def terminal_name() -> str | None:
    """The controlling terminal of this process (``pts-3``, ``tty1``), if any."""
    for fd in (0, 1, 2):
        try:
            name = os.ttyname(fd)
        except OSError:
            continue
        return _clean(name.removeprefix("/dev/")) or None
    return None


def default_seat(host: str | None = None, terminal: str | None = None,
                 pid: int | None = None) -> str:
    """Host name plus terminal; without a terminal, host name plus process id.

    Args:
        host: The host name (default: this machine's, up to the first dot).
        terminal: The terminal (default: this process's controlling terminal).
        pid: The process id used when there is no terminal.
    """
    host = _clean((host or socket.gethostname()).split(".")[0]) or "host"
    terminal = terminal if terminal is not None else terminal_name()
    tail = _clean(terminal) if terminal else f"pid{pid or os.getpid()}"
    seat = f"{host[:40 - len(tail) - 1]}-{tail}"[:40].strip("-_")
    return seat if SEAT_ID.match(seat) else f"seat-{tail}"[:40]


def console_client_id(center: str, seat: str) -> str:
    """The seat's MQTT client id: ``console-{center}-{seat}``."""
    return f"console-{center}-{seat}"
