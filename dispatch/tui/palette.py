"""The command palette (ctrl+p): every action of the floor the operator may use (from the
action table), and every playbook by name."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Provider

from dispatch.tui.keymap import palette_entries
from dispatch.tui.texts import kind_label, t


class FloorCommands(Provider):
    """Floor actions (with their keys) and "apply playbook X" for each playbook."""

    def _floor(self) -> Any:
        from dispatch.tui.floor import FloorScreen

        screen = self.screen
        return screen if isinstance(screen, FloorScreen) else None

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        floor = self._floor()
        if floor is None:
            return []
        lang = floor.lang
        replay = floor.control is not None
        out: list[tuple[str, str, Callable[[], Any]]] = [
            (name, key, partial(floor.run_action, action))
            for name, key, action in palette_entries(lang, floor.operator, replay=replay)]
        for pid in floor.desk.playbooks.ids if not replay else ():
            out.append((t("palette.apply", lang, title=kind_label(pid, lang), id=pid), "",
                        partial(floor.action_playbook, pid)))
        return out

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        """Everything, for an empty query."""
        for name, key, command in self._commands():
            yield DiscoveryHit(name, command, help=key or None)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        """Actions whose name matches the query."""
        matcher = self.matcher(query)
        for name, key, command in self._commands():
            score = matcher.match(f"{name} {key}")
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=key or None)
