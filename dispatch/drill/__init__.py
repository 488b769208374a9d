"""Drills: scripted calls against a real console core, scored; and replay of any log."""

from dispatch.drill.scenario import DrillError, Scenario, load_scenario

__all__ = ["DrillError", "Scenario", "load_scenario"]
