"""Load and save scenario folders (CSV per entity + ``settings.toml``).

The implementation lives in :mod:`planner.scenario_io`; this module is the stable
entry point named in docs/architecture.md.
"""

from planner.scenario_io import ScenarioError, load_scenario, save_scenario

__all__ = ["ScenarioError", "load_scenario", "save_scenario"]
