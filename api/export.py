"""A plan as CSV and as an Excel workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from api import tables as t

ASSIGNMENT_COLUMNS = ("date", "shift", "client", "skill", "technician", "technician_name",
                      "start", "end")
ONCALL_COLUMNS = ("rotation", "role", "technician", "technician_name", "start", "end")
COVERAGE_COLUMNS = ("client", "date", "shift", "skill", "required", "assigned", "shortfall")


def _local(value, zone: str) -> str:
    """Local wall-clock time with offset, so a reader needs no time-zone table."""
    return value.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")


def assignment_rows(
    assignments: Sequence[t.PlanAssignmentRow], names: dict[str, str], zones: dict[str, str]
) -> list[list]:
    return [
        [a.date.isoformat(), a.shift, a.client, a.skill, a.technician, names.get(a.technician, ""),
         _local(a.start, zones.get(a.client, "UTC")), _local(a.end, zones.get(a.client, "UTC"))]
        for a in assignments
    ]


def oncall_rows(
    oncall: Sequence[t.PlanOnCallRow], names: dict[str, str], zones: dict[str, str]
) -> list[list]:
    return [
        [o.rotation, o.role, o.technician, names.get(o.technician, ""),
         _local(o.start, zones.get(o.rotation, "UTC")), _local(o.end, zones.get(o.rotation, "UTC"))]
        for o in oncall
    ]


def to_csv(rows: list[list], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def to_xlsx(plan: t.PlanRow, sheets: dict[str, tuple[Sequence[str], list[list]]]) -> bytes:
    """A workbook with a summary sheet and one sheet per ``name: (columns, rows)``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    for k in ("id", "name", "status", "horizon_start", "horizon_days", "solver_status",
              "objective", "best_bound", "checked_objective"):
        v = getattr(plan, k)
        ws.append([k, v.isoformat() if hasattr(v, "isoformat") else v])
    for name, (columns, rows) in sheets.items():
        sheet = wb.create_sheet(name)
        sheet.append(list(columns))
        for r in rows:
            sheet.append(r)
        sheet.freeze_panes = "A2"
        for i, col in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(12, len(col) + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
