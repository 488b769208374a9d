"""The one action table: bindings, palette, help, keys line and README all come from it."""

from __future__ import annotations

from pathlib import Path

from dispatch.desk.roles import PERMISSIONS, Operator, Role
from dispatch.i18n import placeholders
from dispatch.tui.floor import FloorScreen
from dispatch.tui.keymap import (
    ACTIONS,
    BY_ID,
    END,
    GROUPS,
    START,
    help_rows,
    keys_line,
    palette_entries,
    readme_table,
)
from dispatch.tui.views.help import help_table

ROOT = Path(__file__).resolve().parent.parent
#: Actions whose method another branch brings (the advice banner's highlight).
ELSEWHERE = {"advice_next"}


def test_the_readme_key_table_is_the_generated_one() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    assert START in text and END in text, "README.md lost its key table markers"
    shown = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == readme_table().strip(), (
        "README.md's key table differs from the action table: regenerate it with "
        "`python -m dispatch.tui.keymap --readme`")


def test_every_action_in_both_languages_with_a_group_and_a_known_permission() -> None:
    known = set().union(*PERMISSIONS.values())
    for action in ACTIONS:
        for text in (action.label, action.help, action.line or {"en": "", "zh": ""}):
            assert set(text) == {"en", "zh"}, action.id
            assert placeholders(text["en"]) == placeholders(text["zh"]), action.id
        assert action.group in GROUPS, action.id
        assert action.needs is None or action.needs in known, action.id
    assert len(BY_ID) == len(ACTIONS)  # ids are unique


def test_bindings_come_from_the_table_and_every_bound_action_exists() -> None:
    bound = {b.action: b.key for b in FloorScreen.BINDINGS}  # type: ignore[union-attr]
    assert bound == {a.id: ",".join(a.keys) for a in ACTIONS if a.keys}
    keys = [k for a in ACTIONS for k in a.keys]
    assert len(keys) == len(set(keys)), "one key, one action"
    for action in ACTIONS:
        name = action.id.partition("(")[0]
        if action.keys and name not in ELSEWHERE:
            assert callable(getattr(FloorScreen, f"action_{name}", None)), action.id


def test_help_lists_every_action_once_under_its_group() -> None:
    for lang in ("en", "zh"):
        rows = list(help_rows(lang))
        shown = " / ".join(keys for _, keys, _ in rows).split(" / ")
        assert shown == [k for g in GROUPS for a in ACTIONS if a.group == g for k in a.shown]
        assert [h for h, _, _ in rows if h] == [v[lang] for v in GROUPS.values()]
        assert help_table(lang).row_count == len(rows) + len(GROUPS)


def test_the_palette_offers_what_the_role_allows() -> None:
    operator = {a for _, _, a in palette_entries("en", Operator("op"), replay=False)}
    chief = {a for _, _, a in palette_entries("zh", Operator("sam", Role.SUPERVISOR),
                                              replay=False)}
    assert "dispatch" in operator and "reopen" not in operator and "play" not in operator
    assert "reopen" in chief
    replay = {a for _, _, a in palette_entries("en", None, replay=True)}
    assert {"play", "step", "timeline"} <= replay and "dispatch" not in replay


def test_the_keys_line_fits_and_always_ends_with_help() -> None:
    for lang in ("en", "zh"):
        for width in (118, 158):
            for replay in (False, True):
                line = keys_line(lang, Operator("op"), replay=replay, width=width)
                assert line.cell_len <= width, (lang, width, line.plain)
                assert "F1 " in line.plain and "^p " in line.plain
        assert "a " in keys_line(lang, Operator("op"), width=118).plain
        assert "o " not in keys_line(lang, Operator("op")).plain  # not for an operator
    assert keys_line("en", Operator("op"), width=118).plain.startswith(" COMMANDS ")
    assert keys_line("zh", None, replay=True).plain.startswith(" 回放 ")
