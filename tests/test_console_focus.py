"""The focus model: commands on the board, text only in an input entered on purpose,
Enter records and gives the keys back, Esc records nothing; the keys line says the mode."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from dispatch.model import EventType
from dispatch.timeline import Timeline

from .consolelib import console, floor, notes, plain, typed_call, until
from .desklib import make_desk

SIZES = [(120, 40), (160, 48)]


def answer_box(app: object) -> Input:
    return floor(app).query_one("#answer", Input)  # type: ignore[arg-type]


def types(log: Timeline) -> list[str]:
    return [e.type for e in log.events()]


@pytest.mark.parametrize("size", SIZES)
async def test_a_letter_typed_in_the_answer_box_is_text(log: Timeline,
                                                       size: tuple[int, int]) -> None:
    desk = make_desk(log)
    typed_call(desk, "三辆车追尾，有人受伤", "G4 K1024+300", injured=2)
    app = console(desk)
    async with app.run_test(size=size) as pilot:
        await pilot.press("a", "l", *"G4 K1024+300", "enter", "p")
        iid = floor(app).current
        assert app.focused is floor(app).table and plain(app, "#keys").startswith(" COMMANDS ")
        await pilot.press("i", "d")  # "d" while typing the answer: a letter, not "send orders"
        assert answer_box(app).value == "d"
        assert plain(app, "#keys").startswith(" TYPING THE ANSWER ")
        assert "Enter records it" in plain(app, "#keys")
        assert EventType.ORDER_SENT not in types(log)
        assert not [n for n in notes(app) if n.startswith("Not done")]
        await pilot.press("escape")  # back to commands: nothing recorded, the text dropped
        assert app.focused is floor(app).table and answer_box(app).value == ""
        assert plain(app, "#keys").startswith(" COMMANDS ")
        assert EventType.ANSWER_RECORDED not in types(log)
        await pilot.press("i", "2", "enter")  # Enter records and gives the keys back
        assert desk.board.incidents[iid].answers == {"injured": 2}
        assert app.focused is floor(app).table
        await pilot.press("d")  # now a command
        assert EventType.ORDER_SENT in types(log)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_enter_on_an_empty_answer_records_nothing(log: Timeline, lang: str) -> None:
    desk = make_desk(log)
    typed_call(desk, "三辆车追尾，有人受伤", "G4 K1024+300")
    app = console(desk, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a", "p", "i", "enter")
        iid = floor(app).current
        assert iid and desk.board.incidents[iid].answers == {}
        assert EventType.ANSWER_RECORDED not in types(log)
        hint = "unknown" if lang == "en" else "不知道"
        await until(lambda: any(hint in n for n in notes(app)))
        assert app.focused is answer_box(app)  # still typing: the answer is still wanted
        await pilot.press(*("unknown" if lang == "en" else "不知道"), "enter")
        assert desk.board.incidents[iid].answers == {"injured": None}  # typed: recorded


@pytest.mark.parametrize("size", SIZES)
async def test_the_keys_line_shows_the_mode_in_chinese(log: Timeline,
                                                      size: tuple[int, int]) -> None:
    desk = make_desk(log)
    typed_call(desk, "车子爆胎了", "G50 K800+000")
    app = console(desk, lang="zh")
    async with app.run_test(size=size) as pilot:
        keys = plain(app, "#keys")
        assert keys.startswith(" 命令 ") and "a 接听" in keys and "F1 帮助" in keys
        await pilot.press("a", "l")
        assert plain(app, "#keys").startswith(" 正在输入位置 ")
        assert "回车确认位置" in plain(app, "#keys")
        await pilot.press("escape", "n")
        assert plain(app, "#keys").startswith(" 正在输入备注 ")
        await pilot.press("enter")  # nothing typed: nothing recorded, still typing
        assert EventType.NOTE_ADDED not in types(log)
        await pilot.press(*"来电人情绪激动", "enter")
        assert EventType.NOTE_ADDED in types(log)
        assert plain(app, "#keys").startswith(" 命令 ")


async def test_a_click_in_an_input_is_typing_too(log: Timeline) -> None:
    desk = make_desk(log)
    typed_call(desk, "车子爆胎了", "G50 K800+000")
    app = console(desk)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a")
        await pilot.click("#note")
        assert plain(app, "#keys").startswith(" TYPING A NOTE ")
        await pilot.press("escape")
        assert plain(app, "#keys").startswith(" COMMANDS ")
