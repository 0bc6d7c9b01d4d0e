"""Why a coverage gap was not filled, from the API's explanation route.

``GET /api/v1/plans/{id}/explain`` tries each skilled technician on the gap and asks the
independent checker which hard rule keeps them out (absent, rest after a night, weekly
hours, already on another duty, not trained...), and proposes the smallest fixes with
their cost. This module shapes its answer for the Coverage page's tables.
"""

from __future__ import annotations

REASONS = {
    "available": "available: nothing breaks, the solver spent them elsewhere",
    "absent": "absent",
    "public_holiday": "public holiday",
    "not_trained": "not trained on the client",
    "not_skilled": "not skilled",
    "shift_not_allowed": "shift not allowed by contract",
}


def candidate_rows(gap: dict | None) -> list[dict]:
    """One row per technician skilled for ``gap``: available ones first, then by reason."""
    rows = [{"technician": c["technician"], "name": c.get("name", ""),
             "reason": REASONS.get(c["reason"], c["reason"].replace("_", " ")),
             "detail": c.get("detail", "")} for c in (gap or {}).get("candidates", [])]
    rows.sort(key=lambda r: (not r["reason"].startswith("available"), r["reason"], r["technician"]))
    return rows


def fix_rows(gap: dict | None) -> list[dict]:
    """The smallest fixes of ``gap``, cheapest first (cost in objective units)."""
    return sorted(({"fix": f["kind"].replace("_", " "), "technician": f.get("technician", ""),
                    "what": f["description"], "cost": f["cost"]}
                   for f in (gap or {}).get("fixes", [])), key=lambda r: r["cost"])
