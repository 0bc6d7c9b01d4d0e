"""The dashboard's look: one colour per shift type on every page, readable French dates."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS_SHORT = ("lu", "ma", "me", "je", "ve", "sa", "di")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

# Colours by the hour a shift starts, so that any scenario's shift types get the same
# colour on every page without naming them: dawn/morning, office day, afternoon,
# evening, night. (Pairs: cell background, text.)
_BANDS = (
    (4, ("#ffe08a", "#4a3b00")),    # starts 04:00-06:59: early / matin
    (7, ("#a8d8a0", "#1d4a17")),    # 07:00-10:59: day / journée
    (11, ("#9fd3e6", "#0f3d4f")),   # 11:00-13:59: afternoon / après-midi
    (14, ("#f7b27a", "#5a2a00")),   # 14:00-20:59: late / soir
    (21, ("#5b5fc7", "#ffffff")),   # 21:00-03:59: night / nuit
)
NIGHT = ("#5b5fc7", "#ffffff")
ABSENT = ("#d9d9d9", "#555555")
HOLIDAY = ("#f1e4f3", "#6b3a73")
ONCALL = "#c0392b"
GAP = "#d62728"


def shift_colours(shift_types: list[dict]) -> dict[str, tuple[str, str]]:
    """Shift type id -> (background, text) by its start hour (night shifts always night blue)."""
    out = {}
    for s in shift_types:
        start = s["start"] if isinstance(s["start"], dt.time) else dt.time.fromisoformat(str(s["start"]))
        end = s["end"] if isinstance(s["end"], dt.time) else dt.time.fromisoformat(str(s["end"]))
        if s.get("night") or end <= start and end != dt.time(0):
            out[s["id"]] = NIGHT
            continue
        colour = NIGHT
        for hour, pair in _BANDS:
            if start.hour >= hour:
                colour = pair
        if start.hour < 4:
            colour = NIGHT
        out[s["id"]] = colour
    return out


def day_label(d: dt.date) -> str:
    """'lu 05/07': weekday and day/month, the Belgian/French order."""
    return f"{WEEKDAYS_SHORT[d.weekday()]} {d:%d/%m}"


def long_date(d: dt.date) -> str:
    """'lundi 5 juillet 2027'."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def local(t: dt.datetime) -> dt.datetime:
    """An instant in the dashboard's display time zone (``ROTA_DISPLAY_TIMEZONE``, default
    Europe/Brussels: the API sends UTC)."""
    if t.tzinfo is None:
        return t
    return t.astimezone(ZoneInfo(os.environ.get("ROTA_DISPLAY_TIMEZONE", "Europe/Brussels")))


def when(t: dt.datetime) -> str:
    """'lu 05/07 08:00' in the display time zone."""
    t = local(t)
    return f"{day_label(t.date())} {t:%H:%M}"


def month_title(year: int, month: int) -> str:
    return f"{MONTHS[month - 1].capitalize()} {year}"


CSS = """
<style>
  .block-container {padding-top: 2.2rem; padding-bottom: 1rem; max-width: 100%;}
  .rota-legend span {display:inline-block; padding:2px 8px; margin:0 6px 4px 0;
                     border-radius:4px; font-size:0.8rem;}
  table.rota-cal {border-collapse:collapse; width:100%; table-layout:fixed;}
  table.rota-cal th {font-weight:600; font-size:0.85rem; padding:4px; text-align:left;}
  table.rota-cal td {vertical-align:top; height:86px; border:1px solid #e3e3e3; padding:4px;
                     font-size:0.8rem;}
  table.rota-cal td.out {background:#fafafa; color:#bbb;}
  table.rota-cal .d {font-weight:600; color:#444;}
  table.rota-cal .duty {border-radius:4px; padding:1px 4px; margin-top:3px;}
  table.rota-cal .oc {border:1.5px solid #c0392b; color:#c0392b; border-radius:4px;
                      padding:0 4px; margin-top:3px; background:#fff;}
  .rota-grid-box {max-height: 78vh; overflow: auto; border: 1px solid #e3e3e3; border-radius: 6px;}
  table.rota-grid {border-collapse: separate; border-spacing: 0; font-size: 11.5px;
                   font-variant-numeric: tabular-nums; white-space: nowrap;}
  table.rota-grid th, table.rota-grid td {padding: 2px 4px; border-right: 1px solid #eee;
                   border-bottom: 1px solid #eee; min-width: 58px; height: 20px; line-height: 15px;}
  table.rota-grid thead th {position: sticky; top: 0; z-index: 2; background: #f7f7f9;
                   font-weight: 600; text-align: center;}
  table.rota-grid tbody th {position: sticky; left: 0; z-index: 1; background: #fff;
                   text-align: left; font-weight: 500; min-width: 170px; max-width: 260px;
                   overflow: hidden; text-overflow: ellipsis;}
  table.rota-grid thead th:first-child {left: 0; z-index: 3; text-align: left;}
  table.rota-grid th.we {background: #eceef4;}
  table.rota-grid td.we {background: #f6f7fa;}
  table.rota-grid b.oc {color: #c0392b; font-weight: 700;}
  table.rota-oncall {border-collapse: collapse; font-size: 0.9rem;}
  table.rota-oncall th, table.rota-oncall td {border-bottom: 1px solid #e3e3e3; padding: 6px 14px 6px 0;
                   vertical-align: top; text-align: left;}
  table.rota-oncall thead th {font-weight: 600; color: #555;}
  table.rota-oncall a {text-decoration: none;}
  table.rota-oncall .none, table.rota-oncall small {color: #888;}
</style>
"""


def legend_html(shift_types: list[dict]) -> str:
    """A legend of the shift colours, absences, holidays and on-call marks."""
    colours = shift_colours(shift_types)
    parts = [f'<span style="background:{bg};color:{fg}">{s["id"]} · {s.get("name") or s["id"]} '
             f'{str(s["start"])[:5]}–{str(s["end"])[:5]}</span>'
             for s in shift_types for bg, fg in [colours[s["id"]]]]
    parts.append(f'<span style="background:{ABSENT[0]};color:{ABSENT[1]}">absent</span>')
    parts.append(f'<span style="background:{HOLIDAY[0]};color:{HOLIDAY[1]}">férié (public holiday)</span>')
    parts.append(f'<span style="border:1.5px solid {ONCALL};color:{ONCALL}">☎P / ☎B on call primary / backup</span>')
    return '<div class="rota-legend">' + "".join(parts) + "</div>"
