"""The typed desk interface: the live desk and the replay both satisfy ``DeskPort``, the
replay refuses every command, and the console asks neither with ``hasattr``/``getattr``."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from dispatch.desk import Desk, Operator
from dispatch.desk.port import DeskPort, LogReader
from dispatch.drill.replay import Replay
from dispatch.errors import Refused
from dispatch.timeline import Timeline
from dispatch.tui.drive import READ_ONLY, ReplayDesk, control_of
from dispatch.tui.refusals import refusal

from .consolelib import typed_call
from .desklib import make_desk, shipped

ROOT = Path(__file__).resolve().parent.parent


def members(protocol: type) -> tuple[dict[str, Any], set[str]]:
    """A Protocol's methods (name → function) and its data members (attributes, properties)."""
    methods, data = {}, set(getattr(protocol, "__annotations__", {}))
    for name, value in vars(protocol).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            data.add(name)
        elif inspect.isfunction(value):
            methods[name] = value
    return methods, data


def same_signature(expected: Any, found: Any) -> list[str]:
    """What differs between two signatures: names, kinds, defaults and annotations."""
    want, got = inspect.signature(expected), inspect.signature(found)
    if list(want.parameters) != list(got.parameters):
        return [f"parameters {list(got.parameters)} instead of {list(want.parameters)}"]
    out = []
    for name, param in want.parameters.items():
        other = got.parameters[name]
        for attr in ("kind", "default", "annotation"):
            if getattr(param, attr) != getattr(other, attr):
                out.append(f"{name}.{attr}: {getattr(other, attr)!r} instead of "
                           f"{getattr(param, attr)!r}")
    if want.return_annotation != got.return_annotation:
        out.append(f"returns {got.return_annotation!r} instead of {want.return_annotation!r}")
    return out


def satisfies(obj: Any, protocol: type) -> list[str]:
    """Every way ``obj`` fails ``protocol`` (empty: it satisfies it)."""
    methods, data = members(protocol)
    problems = [f"no {name}" for name in sorted(data) if not hasattr(obj, name)]
    for name, method in methods.items():
        found = getattr(type(obj), name, None)
        if not callable(found):
            problems.append(f"no method {name}")
            continue
        problems += [f"{name}: {p}" for p in same_signature(method, found)]
    return problems


@pytest.fixture
def replay_desk(log: Timeline) -> ReplayDesk:
    desk = make_desk(log)
    typed_call(desk, "车子爆胎了", "G50 K800+000")
    playbooks, roadmap, service = shipped()
    return ReplayDesk(Replay.of(log), playbooks, roadmap, service=service)


def test_the_live_desk_and_the_replay_satisfy_the_port(log: Timeline,
                                                       replay_desk: ReplayDesk) -> None:
    desk = make_desk(log)
    commands, _ = members(DeskPort)
    assert {"answer", "dispatch", "resolve", "close", "transfer", "cancel_order"} <= set(commands)
    for obj in (desk, replay_desk):
        assert satisfies(obj, DeskPort) == [], type(obj).__name__
        assert [m for m in members(LogReader)[0] if not callable(getattr(obj.log, m, None))] \
            == []
    assert control_of(desk) is None and control_of(replay_desk) is replay_desk.control
    assert isinstance(desk, Desk)


def test_the_replay_refuses_every_command(replay_desk: ReplayDesk) -> None:
    commands, _ = members(DeskPort)
    reads = {"on_log_health", "guidance", "queue", "suggested"}
    by = Operator("op1")
    for name, method in commands.items():
        if name in reads:
            continue
        params = list(inspect.signature(method).parameters.values())[1:]
        args = [by if p.name == "by" else None for p in params
                if p.default is inspect.Parameter.empty and p.kind in (
                    p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        with pytest.raises(Refused, match=READ_ONLY) as refused:
            getattr(replay_desk, name)(*args)
        assert refusal(refused.value, replay_desk, "zh") == "只读：当前为回放"  # in words
    assert replay_desk.log_fault is None and len(replay_desk.queue()) == 0


def test_the_console_asks_no_desk_what_it_has() -> None:
    # The screens call the desk through DeskPort: no hasattr/getattr guesses anywhere in tui/.
    found = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "dispatch/tui").rglob("*.py")
             for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
             if re.search(r"\b(hasattr|getattr)\(\s*(self\.)?desk\b", line)]
    assert found == []
