"""MQTT topic names of contract v1, live and drill roots kept apart.

A drill can never reach a live recipient: drills publish under
``dispatch-drill/v1/{center}/`` and live traffic under ``dispatch/v1/{center}/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.model import Address

LIVE_ROOT = "dispatch/v1"
DRILL_ROOT = "dispatch-drill/v1"


@dataclass(frozen=True)
class Topics:
    """The topics of one centre, live or drill.

    Args:
        center: The centre id (``[center] id``).
        drill: Whether this is the drill root.
    """

    center: str
    drill: bool = False

    @property
    def root(self) -> str:
        """``dispatch/v1/{center}`` or ``dispatch-drill/v1/{center}``."""
        return f"{DRILL_ROOT if self.drill else LIVE_ROOT}/{self.center}"

    @property
    def calls_in(self) -> str:
        """Where the telephony gateway or drill injector publishes calls."""
        return f"{self.root}/calls/in"

    def to(self, address: Address | str) -> str:
        """Orders to one recipient."""
        return f"{self.root}/to/{address}"

    def from_(self, address: Address | str) -> str:
        """Status reports from one recipient."""
        return f"{self.root}/from/{address}"

    @property
    def all_from(self) -> str:
        """Subscription for every recipient's reports."""
        return f"{self.root}/from/+/+"

    def events(self, incident: str) -> str:
        """One incident's events, for other consoles and wallboards."""
        return f"{self.root}/events/{incident}"

    def presence_console(self, console: str) -> str:
        """A console's retained presence."""
        return f"{self.root}/presence/consoles/{console}"

    def presence_unit(self, address: Address | str) -> str:
        """A recipient's retained presence."""
        return f"{self.root}/presence/{address}"

    @property
    def advisories(self) -> str:
        """Public advisories (CAP)."""
        return f"{self.root}/advisories"

    def address_in(self, topic: str, kind: str) -> Address | None:
        """The address in ``{root}/{kind}/{service}/{unit}``, or ``None`` if it is not one."""
        prefix = f"{self.root}/{kind}/"
        if not topic.startswith(prefix):
            return None
        try:
            return Address.parse(topic[len(prefix):])
        except ValueError:
            return None
