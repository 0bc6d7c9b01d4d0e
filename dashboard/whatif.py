"""What-if runs: a change (an activity peak or an absence) applied to the published plan.

The run is a re-plan (``POST /plans/{id}/replan``, 202): a job that starts from the
published plan, keeps the past and the frozen window, and changes as few duties as it
can; its draft is compared with the published plan. The change itself is not stored:
it lives in the re-plan's request. *Discard* deletes the draft (when the role may delete
plans); *accept* keeps it, waiting for a manager to publish it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from dashboard.client import Forbidden, NotFound, RotaClient


@dataclass
class WhatIf:
    """One what-if run in progress (kept in ``st.session_state['whatif']`` as a dict)."""

    base_plan: int
    entity: str
    """'peaks' or 'absences'."""
    change: dict
    job: int

    def to_dict(self) -> dict:
        return asdict(self)


def start(c: RotaClient, base_plan: int, entity: str, change: dict, time_limit: float,
          workers: int = 2) -> WhatIf:
    """Start a what-if from ``base_plan`` with ``change`` (a peak or an absence body)."""
    if entity not in ("peaks", "absences"):
        raise ValueError(f"a what-if changes peaks or absences, not {entity!r}")
    # the re-plan route takes the changes as lists per scenario file (docs/changes-format.md)
    job = c.start_replan(base_plan, {"changes": {entity: [change]}, "time_limit": time_limit,
                                     "workers": workers})
    return WhatIf(base_plan, entity, change, job.id)


def discard(c: RotaClient, draft_plan: int | None) -> list[str]:
    """Undo a what-if: delete its draft plan. Returns notes on what could not be removed
    (a coordinator may not delete plans)."""
    if draft_plan is None:
        return []
    try:
        c.delete_plan(draft_plan)
    except Forbidden:
        return [f"draft plan #{draft_plan} stays (only a manager deletes plans); "
                "it will never be published unless a manager does it"]
    except NotFound:
        pass
    return []
