"""What-if runs: a change (an activity peak or an absence) applied to the published plan.

With the re-plan route of the re-plan issue (``POST /plans/{id}/replan``, 202, a job
producing a draft with few changes) the run is a re-plan. Until the API has it
(:meth:`RotaClient.start_replan` returns ``None`` on a 404 for the route), the
fallback is a **full solve with the change applied**: the peak or absence is created
through the API (so it is stored, approved, and enters the solve), a solve job runs
over the published plan's horizon, and the new draft is compared with the published
plan. *Discard* deletes what was created (the change, and the draft when the role may
delete plans); *accept* keeps both, the draft waiting for a manager to publish it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from api.schemas.plans import SolveRequest
from dashboard.client import Forbidden, NotFound, RotaClient


@dataclass
class WhatIf:
    """One what-if run in progress (kept in ``st.session_state['whatif']`` as a dict)."""

    base_plan: int
    entity: str
    """'peaks' or 'absences'."""
    change: dict
    job: int
    mode: str
    """'replan' (the API's re-plan job) or 'solve' (the fallback)."""
    created_id: int | None = None
    """Id of the peak/absence the fallback created (deleted on discard)."""

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
    if job is not None:
        return WhatIf(base_plan, entity, change, job.id, "replan")
    created = c.create(entity, change)
    try:
        plan = c.plan(base_plan)
        job = c.start_solve(SolveRequest(name=f"what-if: {entity[:-1]} #{created['id']}",
                                         horizon_start=plan.horizon_start,
                                         horizon_days=plan.horizon_days,
                                         time_limit=time_limit, workers=workers))
    except Exception:
        c.delete(entity, created["id"])  # nothing half-created stays behind
        raise
    return WhatIf(base_plan, entity, change, job.id, "solve", created["id"])


def discard(c: RotaClient, run: WhatIf, draft_plan: int | None) -> list[str]:
    """Undo a what-if: delete the change the fallback created and the draft plan.
    Returns notes on what could not be removed (e.g. a coordinator may not delete plans)."""
    notes = []
    if run.created_id is not None:
        try:
            c.delete(run.entity, run.created_id)
        except NotFound:
            pass
    if draft_plan is not None:
        try:
            c.delete_plan(draft_plan)
        except Forbidden:
            notes.append(f"draft plan #{draft_plan} stays (only a manager deletes plans); "
                         "it will never be published unless a manager does it")
        except NotFound:
            pass
    return notes
