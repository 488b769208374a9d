"""Helpers for console tests: a floor over a real desk, awaiting what the screen shows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from dispatch.desk import Desk, Operator
from dispatch.tui.app import ConsoleApp
from dispatch.tui.floor import FloorScreen

from .conftest import SHANGHAI

OP = Operator("op1")


def console(desk: Any, lang: str = "en", **kwargs: Any) -> ConsoleApp:
    """A console over ``desk`` with ``op1`` logged in (no login screen)."""
    kwargs.setdefault("operator", OP)
    kwargs.setdefault("tick_s", None)
    kwargs.setdefault("centre", "Hubei hotline")
    return ConsoleApp(desk, lang=lang, tz=SHANGHAI, **kwargs)


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Return once ``condition()`` holds (checked as the loop turns); fail after ``timeout``."""
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.005)
    await asyncio.wait_for(wait(), timeout)


def floor(app: ConsoleApp) -> FloorScreen:
    """The app's floor screen."""
    screen = app.floor
    assert screen is not None
    return screen


def notes(app: ConsoleApp) -> list[str]:
    """Every notification shown so far."""
    return [str(n.message) for n in app._notifications]


def plain(app: ConsoleApp, selector: str) -> str:
    """The text a Static shows."""
    from textual.widgets import Static

    content = floor(app).query_one(selector, Static).content
    return getattr(content, "plain", str(content))


def typed_call(desk: Desk, says: str, where: str | None, phone: str = "13800000001",
               **answers: Any) -> str:
    """A call typed in by the phone line (not by the operator under test)."""
    return desk.receive_call(Operator("phone"), {"name": "Li", "phone": phone}, says, where,
                             answers)
