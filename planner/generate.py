"""A deterministic generator of realistic MSP scenarios of any size.

Used by the scaling benchmark (50, 100, 200, 400 technicians) and by property tests.
Staff is sized to demand: every client gets a dedicated team large enough to carry its
coverage at roughly 60-80 % of contract capacity, pools of experts carry on-call, and
the remaining people are backups trained on two or three clients.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from planner.domain import (
    Absence, AbsenceKind, Client, Contract, CoverageRule, Horizon, OnCallRotation, Peak,
    Request, Role, RuleSettings, Scenario, ServiceWindow, ShiftType, Technician,
)

FIRST = ("Camille", "Lucas", "Léa", "Hugo", "Manon", "Louis", "Chloé", "Jules", "Emma",
         "Nathan", "Sarah", "Thomas", "Julie", "Maxime", "Inès", "Antoine", "Lina", "Arthur",
         "Zoé", "Noah", "Elise", "Bram", "Lotte", "Wout", "Fien", "Yasmine", "Mehdi", "Sofia")
LAST = ("Martin", "Dubois", "Lambert", "Peeters", "Janssens", "Leroy", "Moreau", "Simon",
        "Laurent", "Lefèvre", "Michel", "Garcia", "Maes", "Willems", "Claes", "Goossens",
        "Dupont", "Fontaine", "Renard", "Mercier", "Girard", "Bonnet", "Rousseau", "Vincent")
SITES = {"BE": ("Bruxelles", "Liège"), "FR": ("Lille", "Paris")}
ZONES = {"BE": "Europe/Brussels", "FR": "Europe/Paris"}
WEEKDAYS_ONLY = frozenset(range(5))

SHIFTS = (
    ShiftType(id="early", name="Matin", start=dt.time(6), end=dt.time(14)),
    ShiftType(id="day", name="Journée", start=dt.time(8), end=dt.time(16, 30), paid_minutes=480),
    ShiftType(id="late", name="Soir", start=dt.time(14), end=dt.time(22)),
    ShiftType(id="night", name="Nuit", start=dt.time(22), end=dt.time(6)),
)
CONTRACTS = (
    # only the part-time contract has a hard weekly minimum: hard minimums near the
    # contract hours force over-coverage everywhere and made solving much slower
    Contract(id="FT38", name="Temps plein 38h", max_hours_per_week_avg=38,
             max_consecutive_days=5),
    Contract(id="FT40", name="Temps plein 40h", max_hours_per_week_avg=40,
             max_consecutive_days=6),
    Contract(id="PT80", name="Temps partiel 4/5", min_hours_per_week=16,
             max_hours_per_week_avg=32, max_consecutive_days=4, shift_limits={"night": 0}),
    Contract(id="OPS24", name="Pilotage 24/7", max_hours_per_week_avg=38,
             max_consecutive_days=5, min_consecutive_days_off=2,
             works_public_holidays=True),
)


@dataclass(frozen=True)
class Profile:
    """A kind of client SLA: shifts per day, people per shift, team size, skill."""

    kind: str
    skill: str
    role: Role
    shifts: tuple[str, ...]
    weekdays: frozenset[int]
    required: int
    team: int
    tier: int
    holidays: bool
    contract: str


PROFILES = (
    # 21 person-shifts/week for 7 people (33 person-shifts of capacity)
    Profile("ops", "monitoring", Role.operations, ("early", "late", "night"),
            frozenset(range(7)), 1, 7, 1, True, "OPS24"),
    # 10 person-shifts/week for 4 people (3 full-time, 1 part-time: 18 of capacity)
    Profile("helpdesk", "helpdesk", Role.helpdesk, ("day",), WEEKDAYS_ONLY, 2, 4, 2, False,
            "FT38"),
    # 10 person-shifts/week (early + late) for 4 people (20 of capacity)
    Profile("extended", "helpdesk", Role.helpdesk, ("early", "late"), WEEKDAYS_ONLY, 1, 4, 2,
            False, "FT40"),
    # 5 person-shifts/week for 2 people
    Profile("proximity", "desktop", Role.proximity, ("day",), WEEKDAYS_ONLY, 1, 2, 3, False,
            "PT80"),
)
# weighted rotation of profiles so that every size gets a mix of 24/7 and business hours
PATTERN = ("helpdesk", "ops", "proximity", "extended", "helpdesk", "proximity")


def generate_scenario(technicians: int, weeks: int = 4, seed: int = 0,
                      start: dt.date = dt.date(2027, 7, 5)) -> Scenario:
    """Generate a realistic MSP scenario with the given number of technicians.

    Parameters
    ----------
    technicians : int
        Number of technicians (at least 12).
    weeks : int
        Horizon length in weeks.
    seed : int
        Random seed; the same arguments always give the same scenario.
    start : date
        First date of the horizon.

    Returns
    -------
    Scenario
        About one client per 5-6 technicians, with coverage, on-call rotations,
        absences, activity peaks and requests.
    """
    if technicians < 12:
        raise ValueError(f"need at least 12 technicians, got {technicians}")
    rng = random.Random(seed)
    horizon = Horizon(start=start, days=7 * weeks)
    b = _Builder(rng)
    # dedicated teams use about 67 % of the staff (about one client per 5.8 people);
    # on-call experts (5 per pool of 3 clients) and backups take the rest
    budget = int(technicians * 0.67)
    i = 0
    while True:
        # the seed shifts the profile pattern so that seeds differ in client mix
        prof = next(p for p in PROFILES if p.kind == PATTERN[(i + seed) % len(PATTERN)])
        if b.count + prof.team > budget and i >= 2:
            break
        b.add_client(prof, i)
        i += 1
    b.add_expert_pools(technicians)
    b.add_backups(technicians)
    return Scenario(
        name=f"Generated MSP, {technicians} technicians, seed {seed}",
        horizon=horizon,
        rules=RuleSettings(forbidden_successions=frozenset({("late", "early"),
                                                            ("night", "early"),
                                                            ("night", "day")})),
        contracts=CONTRACTS, shift_types=SHIFTS, technicians=tuple(b.techs),
        clients=tuple(b.clients), coverage=tuple(b.coverage), rotations=tuple(b.rotations),
        absences=_absences(rng, b.techs, horizon), peaks=_peaks(rng, b, horizon),
        requests=_requests(rng, b.techs, horizon),
    )


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.techs: list[Technician] = []
        self.clients: list[Client] = []
        self.coverage: list[CoverageRule] = []
        self.rotations: list[OnCallRotation] = []
        self.profiles: dict[str, Profile] = {}

    @property
    def count(self) -> int:
        return len(self.techs)

    def person(self, country: str, contract: str, skills, clients, roles, oncall=False):
        n = self.count + 1
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        languages = {"BE": ("fr", "nl", "en"), "FR": ("fr", "en")}[country]
        skills = set(skills) | set(self.rng.sample(languages, k=min(2, len(languages))))
        self.techs.append(Technician(
            id=f"T{n:03d}", name=f"{first} {last}", country=country, contract=contract,
            email=f"{first}.{last}.{n}@msp.example".lower().replace(" ", ""),
            skills=frozenset(skills), clients=frozenset(clients), roles=frozenset(roles),
            oncall=oncall, site=self.rng.choice(SITES[country]), timezone=ZONES[country]))

    def add_client(self, prof: Profile, i: int) -> None:
        country = "BE" if i % 2 == 0 else "FR"
        cid = f"C{i + 1:02d}"
        hours = {"ops": None, "proximity": (dt.time(8), dt.time(17)),
                 "helpdesk": (dt.time(8), dt.time(17))}.get(prof.kind, (dt.time(6), dt.time(22)))
        windows = tuple(
            ServiceWindow(weekday=d, start=hours[0] if hours else dt.time(0),
                          end=hours[1] if hours else dt.time(0))
            for d in sorted(prof.weekdays))
        self.clients.append(Client(
            id=cid, name=f"Client {cid} ({prof.kind})", country=country, timezone=ZONES[country],
            tier=prof.tier, covers_public_holidays=prof.holidays, service_windows=windows))
        self.profiles[cid] = prof
        for shift in prof.shifts:
            self.coverage.append(CoverageRule(client=cid, shift=shift, skill=prof.skill,
                                              required=prof.required))
        for k in range(prof.team):
            contract = prof.contract
            if prof.kind == "helpdesk" and k == prof.team - 1:
                contract = "PT80"  # a part-timer in every help-desk team
            roles = {prof.role} | ({Role.team_leader} if k == 0 else set())
            self.person(country, contract, {prof.skill}, {cid}, roles)

    def add_expert_pools(self, total: int) -> None:
        """Pools of three clients share five system experts and an on-call rotation."""
        # pools stay within one country: experts are off on their country's holidays
        pools = [
            (country, ids[k:k + 3])
            for country in ("BE", "FR")
            for ids in [[c.id for c in self.clients if c.country == country]]
            for k in range(0, len(ids), 3)
        ]
        pools.sort(key=lambda cp: cp[1][0])
        for p, (country, pool) in enumerate(pools):
            if self.count + 5 > total - 2:
                break
            skill = "linux" if p % 2 == 0 else "windows"
            for k in range(5):
                role = Role.sysadmin if k < 3 else (Role.dba if k == 3 else Role.network)
                self.person(country, "FT38", {skill, "sysadmin"}, pool, {role}, oncall=True)
            for cid in pool:
                if self.profiles[cid].holidays:
                    continue  # a 24/7 client: its pilots watch, the experts are on call
                # one expert on site per business day per client: <= 15 shifts for 5 people
                self.coverage.append(CoverageRule(client=cid, shift="day", skill="sysadmin",
                                                  required=1, weekdays=WEEKDAYS_ONLY))
            self.rotations.append(OnCallRotation(
                id=f"OC{p + 1:02d}", name=f"Astreinte systèmes pool {p + 1}",
                clients=frozenset(pool), skill="sysadmin", timezone=ZONES[country]))

    def add_backups(self, total: int) -> None:
        """The rest of the staff: backups trained on two or three clients of a country."""
        n = 0
        while self.count < total:
            country = "BE" if n % 2 == 0 else "FR"
            same = [c for c in self.clients if c.country == country] or self.clients
            trained = self.rng.sample(same, k=min(len(same), 2 + n % 2))
            if len(trained) < 2:
                trained = self.clients[:2]
            skills = {self.profiles[c.id].skill for c in trained}
            self.person(trained[0].country, "FT38", skills, {c.id for c in trained},
                        {Role.backup})
            n += 1


def _absences(rng: random.Random, techs: list[Technician], horizon: Horizon):
    """About a quarter of the staff is away once; never two of one team at a time."""
    out: list[Absence] = []
    busy: dict[frozenset[str], list[tuple[dt.date, dt.date]]] = {}
    for t in techs:
        r = rng.random()
        if r < 0.15:  # a week of leave
            first = horizon.start + dt.timedelta(days=7 * rng.randrange(horizon.days // 7))
            a = Absence(technician=t.id, start=first, end=first + dt.timedelta(days=6),
                        reason="congés")
        elif r < 0.20:  # sick for a few days
            first = horizon.start + dt.timedelta(days=rng.randrange(horizon.days - 3))
            a = Absence(technician=t.id, start=first,
                        end=first + dt.timedelta(days=rng.randrange(1, 4)),
                        kind=AbsenceKind.unplanned, reason="maladie")
        elif r < 0.25:  # a training day
            day = horizon.start + dt.timedelta(days=rng.randrange(horizon.days))
            a = Absence(technician=t.id, start=day, end=day, reason="formation")
        else:
            continue
        team = busy.setdefault(t.clients, [])
        if any(a.start <= e and s <= a.end for s, e in team):
            continue  # a teammate is already away then
        team.append((a.start, a.end))
        out.append(a)
    return tuple(out)


def _peaks(rng: random.Random, b: _Builder, horizon: Horizon):
    out: list[Peak] = []
    # month-end closing on business-hours help desks: 2 -> 3 people for 4 in the team
    business = [c for c in b.clients if b.profiles[c.id].kind == "helpdesk"]
    for k, c in enumerate(business[::2]):
        first = horizon.start + dt.timedelta(days=7 * (k % max(1, horizon.days // 7)) + 3)
        out.append(Peak(client=c.id, start=first, end=first + dt.timedelta(days=1), extra=1,
                        shift="day", skill=b.profiles[c.id].skill, reason="clôture mensuelle"))
    return tuple(out)


def _requests(rng: random.Random, techs: list[Technician], horizon: Horizon):
    out: list[Request] = []
    for t in rng.sample(techs, k=len(techs) // 3):
        day = horizon.start + dt.timedelta(days=rng.randrange(horizon.days))
        out.append(Request(technician=t.id, date=day, work=False, weight=rng.randint(1, 3)))
    return tuple(out)


def daily_staffing_gaps(scenario: Scenario) -> list[tuple[dt.date, str, str, str, int]]:
    """Demand that no assignment could meet, day by day (a sizing sanity check).

    For each date, people are matched to duties (one duty per person per day, only
    where eligible: trained, skilled, not absent, not on a public holiday of their
    country unless their contract works them). Rest, weekly-hour and consecutive-day
    rules are ignored, so an empty answer is necessary, not sufficient, for full
    coverage.

    Returns
    -------
    list of (date, client, shift, skill, missing)
        Duties whose required + peak people cannot all be found that day.
    """
    from planner.demands import Derived  # the shared compile/check derivations

    derived = Derived(scenario)
    by_date: dict[dt.date, list] = {}
    for row in derived.demands:
        by_date.setdefault(row.date, []).append(row)
    gaps = []
    for day, rows in sorted(by_date.items()):
        slots = [(r, k) for r in rows for k in range(r.required + r.peak)]
        eligible = [
            [t.id for t in scenario.technicians if derived.ineligible_reason(t, r) is None]
            for r, _ in slots
        ]
        holder: dict[str, int] = {}  # person -> slot index

        def augment(i: int, seen: set[str]) -> bool:
            for tid in eligible[i]:
                if tid in seen:
                    continue
                seen.add(tid)
                if tid not in holder or augment(holder[tid], seen):
                    holder[tid] = i
                    return True
            return False

        filled = {i for i in range(len(slots)) if augment(i, set())}
        missing: dict[tuple, int] = {}
        for i, (r, _) in enumerate(slots):
            if i not in filled:
                missing[r.key] = missing.get(r.key, 0) + 1
        gaps += [(d, c, s, k, n) for (c, d, s, k), n in missing.items()]
    return gaps


def weekly_load(scenario: Scenario) -> float:
    """Demanded minutes per week (with peaks) over the contracts' average weekly maximum."""
    from planner.demands import Derived

    demand = sum((r.required + r.peak) * r.minutes for r in Derived(scenario).demands)
    weeks = scenario.horizon.days / 7
    contracts = {c.id: c for c in scenario.contracts}
    capacity = sum(60 * (contracts[t.contract].max_hours_per_week_avg or 48)
                   for t in scenario.technicians)
    return demand / weeks / capacity
