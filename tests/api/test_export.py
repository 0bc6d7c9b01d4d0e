"""The Excel export: column letters past Z (openpyxl's, not hand-made ones)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from api import tables as t
from api.export import to_xlsx


def test_a_sheet_of_32_columns_reads_back_with_every_header_and_width():
    columns = [f"column_{i:02d}_wide_name" if i % 5 == 0 else f"c{i}" for i in range(32)]
    rows = [[f"r{r}c{i}" for i in range(32)] for r in range(3)]
    plan = t.PlanRow(id=7, name="wide", horizon_start=dt.date(2027, 7, 5), horizon_days=28,
                     created_at=dt.datetime(2027, 7, 1, tzinfo=dt.UTC))
    book = load_workbook(io.BytesIO(to_xlsx(plan, {"wide": (columns, rows)})))
    sheet = book["wide"]
    assert [c.value for c in sheet[1]] == columns
    assert [[c.value for c in r] for r in sheet.iter_rows(min_row=2)] == rows
    assert sheet["AF1"].value == columns[31] and sheet["AF4"].value == "r2c31"
    # every column got its width, the 27th (AA) and the 31st (AE) included
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["AA"] == 12 and widths["AE"] == len("column_30_wide_name") + 2
    assert set(widths) >= {"A", "Z", "AA", "AF"}
    assert book["Plan"]["B1"].value == 7
