"""Scenario folders: one CSV per entity plus ``settings.toml`` (see docs/scenario-format.md)."""

from planner.scenario_io.errors import ScenarioError
from planner.scenario_io.load import load_scenario
from planner.scenario_io.save import save_scenario

__all__ = ["ScenarioError", "load_scenario", "save_scenario"]
