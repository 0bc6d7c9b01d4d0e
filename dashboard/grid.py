"""Pure data shaping for the pages (pandas, no Streamlit): roster grid, KPIs, plan diff."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import functools
import html

import holidays as pyholidays
import pandas as pd

from dashboard import style


def horizon_days(start: dt.date, days: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(days)]


@functools.lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    try:
        return frozenset(pyholidays.country_holidays(country, years=[year]))
    except NotImplementedError:  # unknown or empty country code
        return frozenset()


def public_holidays(countries: Iterable[str], days: list[dt.date]) -> dict[str, set[dt.date]]:
    """Country -> its public holidays among ``days`` (the ``holidays`` package, cached)."""
    out = {}
    for c in set(countries):
        out[c] = {d for d in days if d in _holidays(c, d.year)}
    return out


def absent_days(absences: list[dict], days: list[dt.date]) -> dict[str, set[dt.date]]:
    """Technician -> days of an approved absence."""
    first, last = days[0], days[-1]
    out: dict[str, set[dt.date]] = defaultdict(set)
    for a in absences:
        if a.get("status", "approved") != "approved":
            continue
        s, e = _date(a["start"]), _date(a["end"])
        d = max(s, first)
        while d <= min(e, last):
            out[a["technician"]].add(d)
            d += dt.timedelta(days=1)
    return out


def _date(v) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])


def filter_technicians(techs: list[dict], client: list[str], skill: list[str], role: list[str],
                       site: list[str], contract: list[str]) -> list[dict]:
    """Technicians matching every non-empty filter (any of its values)."""
    def ok(t: dict) -> bool:
        return ((not client or set(client) & set(t.get("clients") or []))
                and (not skill or set(skill) & set(t.get("skills") or []))
                and (not role or set(role) & set(t.get("roles") or []))
                and (not site or t.get("site") in site)
                and (not contract or t.get("contract") in contract))
    return [t for t in techs if ok(t)]


SORTS = {
    # label: what a technician is sorted by (then by name and id), and shown beside the name
    "technician": None,
    "client": "clients",
    "site": "site",
    "role": "roles",
}


def _sort_value(t: dict, field: str | None) -> str:
    v = t.get(field) if field else None
    if isinstance(v, (list, tuple, set, frozenset)):
        return ", ".join(sorted(v))
    return v or ""


def sort_technicians(techs: list[dict], by: str, descending: bool = False) -> list[dict]:
    """Technicians sorted by ``by`` (a key of :data:`SORTS`), then name and id; those
    with no value for it (no site, no client) last whatever the direction."""
    field = SORTS[by]

    def name(t: dict) -> tuple[str, str]:
        return ((t.get("name") or t["id"]).casefold(), t["id"])

    with_value = [t for t in techs if not field or _sort_value(t, field)]
    without = [t for t in techs if field and not _sort_value(t, field)]
    with_value.sort(key=name)
    with_value.sort(key=lambda t: _sort_value(t, field).casefold() if field else name(t),
                    reverse=descending)  # stable: same value, alphabetical
    return with_value + sorted(without, key=name)


def roster_grid(techs: list[dict], days: list[dt.date], assignments, oncall,
                absent: dict[str, set[dt.date]], holidays_by_country: dict[str, set[dt.date]],
                sort_field: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grid (technician rows x day columns, text cells, rows in the order of
    ``techs``) and a same-shaped frame of cell kinds: a shift type id, 'absent',
    'holiday' or ''. With ``sort_field``, each row's label shows that field's value."""
    index = {d: i for i, d in enumerate(days)}
    ids = [t["id"] for t in techs]
    row = {tid: i for i, tid in enumerate(ids)}
    text = [[""] * len(days) for _ in ids]
    kind = [[""] * len(days) for _ in ids]
    for t in techs:
        r = row[t["id"]]
        for d in holidays_by_country.get(t.get("country", ""), ()):
            if d in index:
                text[r][index[d]], kind[r][index[d]] = "férié", "holiday"
        for d in absent.get(t["id"], ()):
            if d in index:
                text[r][index[d]], kind[r][index[d]] = "absent", "absent"
    for a in assignments:
        r, c = row.get(a.technician), index.get(a.date)
        if r is None or c is None:
            continue
        text[r][c], kind[r][c] = f"{a.shift} {a.client}", a.shift
    for o in oncall:
        r = row.get(o.technician)
        if r is None:
            continue
        mark = "☎P" if o.role == "primary" else "☎B"
        first, last = style.local(o.start).date(), style.local(o.end).date()
        d = first
        while d < last or d == first:
            c = index.get(d)
            if c is not None and mark not in text[r][c]:
                text[r][c] = (text[r][c] + " " + mark).strip()
            d += dt.timedelta(days=1)
    labels = [f"{t.get('name') or t['id']} ({t['id']})"
              + (f" · {_sort_value(t, sort_field) or '–'}" if sort_field else "") for t in techs]
    cols = [style.day_label(d) for d in days]
    return (pd.DataFrame(text, index=labels, columns=cols),
            pd.DataFrame(kind, index=labels, columns=cols))


def grid_html(text: pd.DataFrame, kind: pd.DataFrame, colours: dict[str, tuple[str, str]],
              days: list[dt.date]) -> str:
    """The grid as one HTML table: sticky day header and name column, a scroll box, each
    cell painted by its kind. Built as a string join (22 400 cells in ~50 ms); the
    browser paints it at once, where a styled data frame cost seconds."""
    css = {k: f"background:{bg};color:{fg}" for k, (bg, fg) in colours.items()}
    css["absent"] = f"background:{style.ABSENT[0]};color:{style.ABSENT[1]}"
    css["holiday"] = f"background:{style.HOLIDAY[0]};color:{style.HOLIDAY[1]}"
    weekend = {i for i, d in enumerate(days) if d.weekday() >= 5}
    head = "".join(f'<th class="{"we" if i in weekend else ""}">{html.escape(c)}</th>'
                   for i, c in enumerate(text.columns))
    rows = []
    for name, cells, kinds in zip(text.index, text.itertuples(index=False), kind.itertuples(index=False)):
        tds = []
        for i, (t, k) in enumerate(zip(cells, kinds)):
            cls = ' class="we"' if i in weekend and not k else ""
            st = f' style="{css[k]}"' if k in css else ""
            if "☎" in t:
                t = t.replace("☎P", '<b class="oc">☎P</b>').replace("☎B", '<b class="oc">☎B</b>')
                tds.append(f"<td{cls}{st}>{t}</td>")
            else:
                tds.append(f"<td{cls}{st}>{html.escape(t)}</td>")
        rows.append(f"<tr><th>{html.escape(name)}</th>{''.join(tds)}</tr>")
    return (f'<div class="rota-grid-box"><table class="rota-grid"><thead><tr><th>technician</th>'
            f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


# --- KPIs ---------------------------------------------------------------------------


def coverage_kpis(coverage) -> tuple[float | None, pd.DataFrame]:
    """Coverage % (assigned up to required over required) and shortfall per client."""
    required = sum(c.required for c in coverage)
    short = sum(c.shortfall for c in coverage)
    pct = None if not required else 100.0 * (required - short) / required
    per = defaultdict(lambda: [0, 0])
    for c in coverage:
        per[c.client][0] += c.required
        per[c.client][1] += c.shortfall
    frame = pd.DataFrame(
        [{"client": k, "required": v[0], "shortfall": v[1]} for k, v in sorted(per.items())],
        columns=["client", "required", "shortfall"])
    return pct, frame


def requests_granted(requests: list[dict], assignments, days: list[dt.date]) -> tuple[int, int]:
    """(granted, total) of the approved requests inside the horizon."""
    on = {(a.technician, a.date): a.shift for a in assignments}
    first, last = days[0], days[-1]
    granted = total = 0
    for r in requests:
        d = _date(r["date"])
        if r.get("status", "approved") != "approved" or not first <= d <= last:
            continue
        total += 1
        shift = on.get((r["technician"], d))
        match = shift is not None and (not r.get("shift") or r["shift"] == shift)
        granted += match if r["work"] else not match
    return granted, total


def fairness_table(fairness) -> pd.DataFrame:
    return pd.DataFrame([{"category": f.tag, "contract group": f.group, "spread": f.spread,
                          "min": min(f.counts.values(), default=0),
                          "max": max(f.counts.values(), default=0)} for f in fairness],
                        columns=["category", "contract group", "spread", "min", "max"])


# --- diff of two plan versions ------------------------------------------------------


def duties(assignments, oncall) -> dict[tuple[str, dt.date], set[str]]:
    out: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for a in assignments:
        out[(a.technician, a.date)].add(f"{a.shift} @ {a.client}")
    for o in oncall:
        out[(o.technician, style.local(o.start).date())].add(f"on-call {o.role} {o.rotation}")
    return out


def plan_diff(before_a, before_o, after_a, after_o, names: dict[str, str]) -> pd.DataFrame:
    """Who gains and who loses which duty between two versions (one row per change)."""
    b, a = duties(before_a, before_o), duties(after_a, after_o)
    rows = []
    for key in sorted(set(b) | set(a)):
        tid, day = key
        for duty in sorted(a.get(key, set()) - b.get(key, set())):
            rows.append({"technician": names.get(tid, tid), "id": tid, "date": style.day_label(day),
                         "day": day, "change": "gains", "duty": duty})
        for duty in sorted(b.get(key, set()) - a.get(key, set())):
            rows.append({"technician": names.get(tid, tid), "id": tid, "date": style.day_label(day),
                         "day": day, "change": "loses", "duty": duty})
    return pd.DataFrame(rows, columns=["technician", "id", "date", "day", "change", "duty"])
