"""Where the shipped data lives (maps, playbooks, drills), next to the package."""

from __future__ import annotations

from pathlib import Path


def shipped(name: str) -> Path:
    """The shipped folder ``name`` at the top of the repository (``maps``, ``playbooks``)."""
    return Path(__file__).resolve().parents[1] / name
