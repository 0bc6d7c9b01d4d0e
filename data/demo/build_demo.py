"""Build the demo scenario folder (data/demo) from readable Python tables.

Run ``.venv/bin/python data/demo/build_demo.py`` after editing; the CSV files and
settings.toml next to this script are its output (and can also be edited by hand).

The MSP: sites in Brussels and Liège (Belgium), Lille and Paris (France); nine client
environments; 54 technicians. Horizon: four weeks from Monday 2027-07-05 (holds the
French national day, 14 July, and the Belgian one, 21 July).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a plain script

from planner.domain import (
    Absence, AbsenceKind, Assignment, Client, Contract, CoverageRule, Horizon,
    OnCallRotation, Peak, Request, RuleSettings, Scenario, ShiftType, Technician,
)
from planner.scenario_io.cells import parse_windows
from planner.scenario_io.save import save_scenario

D = dt.date
T = dt.time
MON_FRI = frozenset(range(5))

SHIFTS = (
    ShiftType(id="early", name="Matin (pilotage)", start=T(6), end=T(14)),
    ShiftType(id="day", name="Journée", start=T(8), end=T(16, 30), paid_minutes=480),
    ShiftType(id="eve", name="Après-midi (support étendu)", start=T(12), end=T(20)),
    ShiftType(id="late", name="Soir (pilotage)", start=T(14), end=T(22)),
    ShiftType(id="night", name="Nuit (pilotage)", start=T(22), end=T(6)),
    ShiftType(id="sat", name="Samedi matin", start=T(9), end=T(13)),
)

CONTRACTS = (
    # Full-time contracts cap hours but set no hard minimum: a hard minimum of 60 % of
    # the contract made the 4-week demo much harder for the solver (gaps left after
    # minutes of search) without changing what the roster must cover.
    Contract(id="CDI-38", name="Temps plein 38 h (Belgique)",
             max_hours_per_week_avg=38, max_consecutive_days=5),
    Contract(id="CDI-40", name="Temps plein 40 h (France)",
             max_hours_per_week_avg=40, max_consecutive_days=6),
    Contract(id="TP-80", name="Temps partiel 4/5, pas de nuit", min_hours_per_week=16,
             max_hours_per_week_avg=30.4, max_consecutive_days=4, shift_limits={"night": 0}),
    Contract(id="OPS-24", name="Pilotage 24/7 (travaille les jours fériés)",
             max_hours_per_week_avg=38, max_consecutive_days=5,
             min_consecutive_days_off=2, max_weekends=3, works_public_holidays=True),
)


def client(cid, name, country, tier, holidays, windows):
    zone = {"BE": "Europe/Brussels", "FR": "Europe/Paris"}[country]
    return Client(id=cid, name=name, country=country, timezone=zone, tier=tier,
                  covers_public_holidays=holidays, service_windows=parse_windows(windows))


CLIENTS = (
    client("BNK", "Banque Lambert (help desk bilingue, systèmes, Oracle)", "BE", 1, False,
           "mon-fri 08:00-20:00"),
    client("LOG", "LogiNord Transports (supervision de production 24/7)", "FR", 1, True,
           "24/7"),
    client("ECO", "Galaxie E-commerce (plateforme Linux/PostgreSQL)", "FR", 1, False,
           "mon-fri 08:00-18:00"),
    client("HOP", "CHR Citadelle (systèmes Windows, SQL Server)", "BE", 1, False,
           "mon-fri 08:00-17:00"),
    client("ASM", "Assurances Mosane (help desk)", "BE", 2, False,
           "mon-fri 08:00-17:00; sat 09:00-13:00"),
    client("MAI", "Mairie de Lille (help desk)", "FR", 2, False, "mon-fri 08:00-17:00"),
    client("RNO", "Retail Nord (help desk magasins, 7/7, jours fériés compris)", "FR", 2,
           True, "mon-sun 08:00-20:00"),
    client("PHA", "PharmaSud (support de proximité)", "FR", 3, False, "mon-fri 08:30-17:00"),
    client("HEB", "Haute École Bruxelloise (proximité, help desk anglais)", "BE", 3, False,
           "mon-fri 08:00-17:00"),
)


def rule(client, shift, skill, required, weekdays=None, date=None):
    return CoverageRule(client=client, shift=shift, skill=skill, required=required,
                        weekdays=weekdays, date=date)


COVERAGE = (
    # BNK: bilingual help desk 08:00-20:00, one system and one Oracle expert by day
    rule("BNK", "day", "fr", 1), rule("BNK", "day", "nl", 1),
    rule("BNK", "eve", "fr", 1), rule("BNK", "eve", "nl", 1),
    rule("BNK", "day", "windows", 1), rule("BNK", "day", "oracle", 1),
    # LOG: production consoles around the clock, plus network and Linux by day
    rule("LOG", "early", "monitoring", 2), rule("LOG", "late", "monitoring", 1),
    rule("LOG", "night", "monitoring", 1),
    rule("LOG", "day", "network", 1, MON_FRI), rule("LOG", "day", "linux", 1, MON_FRI),
    # on the French national day the Linux experts are off: on-call covers LOG
    rule("LOG", "day", "linux", 0, date=D(2027, 7, 14)),
    # ECO: Linux + PostgreSQL by day; the migration weekend needs both on site
    rule("ECO", "day", "linux", 1), rule("ECO", "day", "postgresql", 1),
    rule("ECO", "day", "linux", 1, date=D(2027, 7, 24)),
    rule("ECO", "day", "postgresql", 1, date=D(2027, 7, 24)),
    rule("ECO", "day", "linux", 1, date=D(2027, 7, 25)),
    rule("ECO", "day", "postgresql", 1, date=D(2027, 7, 25)),
    # HOP: Windows and SQL Server by day
    rule("HOP", "day", "windows", 1), rule("HOP", "day", "sqlserver", 1),
    # ASM: help desk on weekdays (French and Dutch) and Saturday morning
    rule("ASM", "day", "fr", 2, MON_FRI), rule("ASM", "day", "nl", 1, MON_FRI),
    rule("ASM", "sat", "fr", 1, frozenset({5})),
    rule("ASM", "day", "windows", 1, frozenset({1, 3})),
    # MAI, RNO: French help desks; RNO runs seven days and on public holidays
    rule("MAI", "day", "fr", 2),
    rule("RNO", "day", "fr", 1), rule("RNO", "eve", "fr", 1),
    # PHA, HEB: proximity support on site
    rule("PHA", "day", "desktop", 2),
    rule("HEB", "day", "desktop", 1), rule("HEB", "day", "en", 1),
)

PEAKS = (
    Peak(client="BNK", start=D(2027, 7, 29), end=D(2027, 7, 30), extra=1, shift="day",
         skill="fr", reason="clôture comptable de fin de mois"),
    Peak(client="ECO", start=D(2027, 7, 24), end=D(2027, 7, 25), extra=1, shift="day",
         skill="linux", reason="week-end de migration de la plateforme"),
)

ROTATIONS = (
    OnCallRotation(id="DBA", name="Astreinte DBA (pool BNK, HOP, ECO)",
                   clients=frozenset({"BNK", "HOP", "ECO"}), skill="dba"),
    OnCallRotation(id="SYS-BE", name="Astreinte systèmes Windows (BNK, HOP)",
                   clients=frozenset({"BNK", "HOP"}), skill="windows"),
    OnCallRotation(id="SYS-FR", name="Astreinte systèmes Linux (ECO, LOG)",
                   clients=frozenset({"ECO", "LOG"}), skill="linux", timezone="Europe/Paris"),
)

SITE_ZONE = {"Bruxelles": ("BE", "Europe/Brussels"), "Liège": ("BE", "Europe/Brussels"),
             "Lille": ("FR", "Europe/Paris"), "Paris": ("FR", "Europe/Paris")}

# id, name, site, contract, roles, skills, clients, on-call
STAFF = [
    # LogiNord 24/7 operations (pilotes), Lille
    ("T01", "Camille Lefèvre", "Lille", "OPS-24", "operations;team_leader", "monitoring;fr;en", "LOG", 0),
    ("T02", "Hugo Mercier", "Lille", "OPS-24", "operations", "monitoring;fr", "LOG", 0),
    ("T03", "Manon Delattre", "Lille", "OPS-24", "operations", "monitoring;fr;en", "LOG", 0),
    ("T04", "Jules Vandamme", "Lille", "OPS-24", "operations", "monitoring;fr", "LOG", 0),
    ("T05", "Inès Haddad", "Lille", "OPS-24", "operations", "monitoring;fr;en", "LOG", 0),
    ("T06", "Maxime Lemaire", "Lille", "OPS-24", "operations", "monitoring;fr", "LOG", 0),
    ("T07", "Sarah Deprez", "Lille", "OPS-24", "operations", "monitoring;fr", "LOG", 0),
    ("T08", "Nathan Caron", "Lille", "OPS-24", "operations", "monitoring;fr;en", "LOG", 0),
    ("T54", "Théo Lecomte", "Lille", "OPS-24", "operations", "monitoring;fr", "LOG", 0),
    # network engineers
    ("T09", "Antoine Dumont", "Lille", "CDI-40", "network", "network;fr;en", "LOG;BNK", 0),
    ("T10", "Wout Peeters", "Bruxelles", "CDI-38", "network", "network;nl;fr;en", "LOG;BNK", 0),
    # Banque Lambert bilingual help desk, Brussels
    ("T11", "Élise Janssens", "Bruxelles", "CDI-38", "helpdesk;team_leader", "helpdesk;fr;nl;en", "BNK", 0),
    ("T12", "Bram Willems", "Bruxelles", "CDI-38", "helpdesk", "helpdesk;nl;fr", "BNK", 0),
    ("T13", "Lotte Maes", "Bruxelles", "CDI-38", "helpdesk", "helpdesk;nl;en", "BNK", 0),
    ("T14", "Julie Lambert", "Bruxelles", "CDI-38", "helpdesk", "helpdesk;fr;en", "BNK", 0),
    ("T15", "Fien Claes", "Bruxelles", "TP-80", "helpdesk", "helpdesk;nl;fr", "BNK", 0),
    # Assurances Mosane help desk, Liège
    ("T16", "Louis Renard", "Liège", "CDI-38", "helpdesk;team_leader", "helpdesk;fr;nl", "ASM", 0),
    ("T17", "Chloé Hansen", "Liège", "CDI-38", "helpdesk", "helpdesk;fr", "ASM", 0),
    ("T18", "Arthur Collard", "Liège", "CDI-38", "helpdesk", "helpdesk;fr;en", "ASM", 0),
    ("T19", "Zoé Goossens", "Liège", "TP-80", "helpdesk", "helpdesk;fr;nl", "ASM", 0),
    # Mairie de Lille help desk
    ("T20", "Thomas Leroy", "Lille", "CDI-40", "helpdesk;team_leader", "helpdesk;fr", "MAI", 0),
    ("T21", "Léa Vasseur", "Lille", "CDI-40", "helpdesk", "helpdesk;fr;en", "MAI", 0),
    ("T22", "Mehdi Benali", "Lille", "CDI-40", "helpdesk", "helpdesk;fr", "MAI", 0),
    # Retail Nord help desk, Paris
    ("T23", "Emma Girard", "Paris", "CDI-40", "helpdesk", "helpdesk;fr;en", "RNO", 0),
    ("T24", "Lucas Bonnet", "Paris", "CDI-40", "helpdesk", "helpdesk;fr", "RNO", 0),
    ("T25", "Yasmine Khelifi", "Paris", "CDI-40", "helpdesk", "helpdesk;fr", "RNO", 0),
    ("T26", "Noah Fontaine", "Paris", "CDI-40", "helpdesk", "helpdesk;fr;en", "RNO", 0),
    # proximity: PharmaSud (Paris) and Haute École Bruxelloise (Brussels)
    ("T27", "Sofia Garcia", "Paris", "CDI-40", "proximity", "desktop;fr;en", "PHA", 0),
    ("T28", "Pierre Rousseau", "Paris", "CDI-40", "proximity", "desktop;fr", "PHA", 0),
    ("T29", "Anaïs Morel", "Paris", "TP-80", "proximity", "desktop;fr", "PHA", 0),
    ("T30", "Jan De Smet", "Bruxelles", "CDI-38", "proximity", "desktop;nl;en", "HEB", 0),
    ("T31", "Claire Dubois", "Bruxelles", "CDI-38", "proximity", "desktop;fr;en", "HEB", 0),
    ("T32", "Samir El Amrani", "Bruxelles", "CDI-38", "proximity;helpdesk", "desktop;helpdesk;fr;en", "HEB", 0),
    # Windows system administrators (Belgium), on call for BNK and HOP
    ("T33", "Olivier Simon", "Bruxelles", "CDI-38", "sysadmin;team_leader", "windows;fr;en", "BNK;HOP;ASM", 1),
    ("T34", "Nicolas Hubert", "Liège", "CDI-38", "sysadmin", "windows;fr", "BNK;HOP;ASM", 1),
    ("T35", "Pieter Wouters", "Bruxelles", "CDI-38", "sysadmin", "windows;nl;en", "BNK;HOP;ASM", 1),
    ("T36", "Marie Lejeune", "Liège", "CDI-38", "sysadmin", "windows;fr;en", "BNK;HOP;ASM", 1),
    # a fifth person per rotation: with primary + backup weekly and never two weeks
    # running, four people leave no room for a week of leave
    ("T52", "Quentin Gillet", "Liège", "CDI-38", "sysadmin", "windows;fr", "BNK;HOP;ASM", 1),
    # Linux system administrators (France), on call for ECO and LOG
    ("T37", "Julien Marchand", "Paris", "CDI-40", "sysadmin", "linux;fr;en", "ECO;LOG", 1),
    ("T38", "Audrey Perrin", "Paris", "CDI-40", "sysadmin", "linux;fr", "ECO;LOG", 1),
    ("T39", "Kevin Lemoine", "Lille", "CDI-40", "sysadmin", "linux;fr;en", "ECO;LOG", 1),
    ("T40", "Céline Roux", "Paris", "CDI-40", "sysadmin", "linux;fr;en", "ECO;LOG", 1),
    ("T53", "Aurélie Fournier", "Lille", "CDI-40", "sysadmin", "linux;fr", "ECO;LOG", 1),
    # DBAs: one pool across BNK (Oracle), HOP (SQL Server) and ECO (PostgreSQL)
    ("T41", "Vincent Lambotte", "Bruxelles", "CDI-38", "dba", "dba;oracle;sqlserver;fr;en", "BNK;HOP;ECO", 1),
    ("T42", "Sophie Claessens", "Bruxelles", "CDI-38", "dba", "dba;oracle;postgresql;nl;fr", "BNK;HOP;ECO", 1),
    ("T43", "Karim Bouzid", "Liège", "CDI-38", "dba", "dba;sqlserver;oracle;fr", "BNK;HOP;ECO", 1),
    ("T44", "Laurence Picard", "Paris", "CDI-40", "dba", "dba;postgresql;fr;en", "BNK;HOP;ECO", 1),
    ("T45", "Romain Chevalier", "Paris", "CDI-40", "dba", "dba;postgresql;oracle;fr", "BNK;HOP;ECO", 1),
    # backup technicians (trained on two or more client environments)
    ("T46", "Wendy Verstraete", "Bruxelles", "CDI-38", "backup", "helpdesk;fr;nl;en", "BNK;HEB;RNO", 0),
    ("T47", "Gilles Hermans", "Liège", "CDI-38", "backup", "helpdesk;fr;nl", "ASM;BNK", 0),
    ("T48", "Margaux Petit", "Lille", "CDI-40", "backup", "helpdesk;monitoring;fr", "MAI;LOG", 0),
    ("T49", "Karima Saidi", "Lille", "OPS-24", "backup", "monitoring;helpdesk;fr;en", "LOG;RNO", 0),
    ("T50", "Benoît Jacobs", "Paris", "CDI-40", "backup", "desktop;helpdesk;fr;en", "PHA;RNO;MAI", 0),
    ("T51", "An Mertens", "Bruxelles", "CDI-38", "backup", "desktop;helpdesk;fr;nl;en", "HEB;ASM;RNO", 0),
]


def technicians() -> tuple[Technician, ...]:
    out = []
    for tid, name, site, contract, roles, skills, clients, oncall in STAFF:
        country, zone = SITE_ZONE[site]
        first, last = name.split(" ", 1)
        email = f"{first}.{last}".lower().replace(" ", "")
        for a, b in (("é", "e"), ("è", "e"), ("ï", "i"), ("ë", "e"), ("ç", "c")):
            email = email.replace(a, b)
        n = int(tid[1:])  # fictional numbers (France: the 06 39 98 range kept for fiction)
        phone = f"+33 6 39 98 00 {n:02d}" if country == "FR" else f"+32 470 00 00 {n:02d}"
        out.append(Technician(
            id=tid, name=name, email=f"{email}@rota-msp.example", phone=phone, country=country,
            contract=contract, skills=frozenset(skills.split(";")),
            clients=frozenset(clients.split(";")), roles=frozenset(roles.split(";")),
            oncall=bool(oncall), site=site, timezone=zone))
    return tuple(out)


def absence(tech, start, end, reason, kind=AbsenceKind.planned, times=None):
    st, et = times or (None, None)
    return Absence(technician=tech, start=start, end=end, start_time=st, end_time=et,
                   kind=kind, reason=reason)


U = AbsenceKind.unplanned
ABSENCES = (
    absence("T13", D(2027, 7, 19), D(2027, 7, 30), "congés d'été"),
    absence("T05", D(2027, 7, 26), D(2027, 8, 1), "congés d'été"),
    absence("T34", D(2027, 7, 5), D(2027, 7, 11), "congés d'été"),
    absence("T44", D(2027, 7, 12), D(2027, 7, 18), "congés d'été"),
    absence("T21", D(2027, 7, 12), D(2027, 7, 16), "congés"),
    absence("T25", D(2027, 7, 26), D(2027, 7, 30), "congés"),
    absence("T38", D(2027, 7, 19), D(2027, 7, 23), "congés"),
    absence("T17", D(2027, 8, 1), D(2027, 8, 1), "congé"),
    absence("T28", D(2027, 7, 7), D(2027, 7, 7), "formation ITIL"),
    absence("T31", D(2027, 7, 13), D(2027, 7, 13), "formation Intune (après-midi)",
            times=(T(13), T(17))),
    absence("T03", D(2027, 7, 8), D(2027, 7, 10), "maladie", U),
    absence("T18", D(2027, 7, 20), D(2027, 7, 22), "maladie", U),
    absence("T24", D(2027, 7, 15), D(2027, 7, 15), "urgence familiale", U, (T(8), T(12))),
)

REQUESTS = (
    Request(technician="T02", date=D(2027, 7, 17), work=False, weight=3),
    Request(technician="T07", date=D(2027, 7, 12), shift="night", work=True, weight=2),
    Request(technician="T12", date=D(2027, 7, 23), work=False, weight=2),
    Request(technician="T23", date=D(2027, 7, 31), work=False, weight=1),
    Request(technician="T39", date=D(2027, 7, 9), work=False, weight=2),
    Request(technician="T49", date=D(2027, 7, 14), shift="eve", work=True, weight=1),
)


def assignment(tech, date, shift, client, skill):
    st = next(s for s in SHIFTS if s.id == shift)
    zone = next(c for c in CLIENTS if c.id == client).zone
    start = dt.datetime.combine(date, st.start, tzinfo=zone)
    end_day = date + dt.timedelta(days=1) if st.crosses_midnight else date
    return Assignment(technician=tech, date=date, shift=shift, client=client, skill=skill,
                      start=start, end=dt.datetime.combine(end_day, st.end, tzinfo=zone))


# the last shifts before the horizon: the night crew of Sunday 4 July
HISTORY = (
    assignment("T02", D(2027, 7, 4), "night", "LOG", "monitoring"),
    assignment("T04", D(2027, 7, 3), "night", "LOG", "monitoring"),
    assignment("T06", D(2027, 7, 4), "late", "LOG", "monitoring"),
)
# the BNK team leader opens the month on the help desk
FIXED = (assignment("T11", D(2027, 7, 5), "day", "BNK", "fr"),)


def build() -> Scenario:
    return Scenario(
        name="Démo MSP Belgique/France (juillet 2027)",
        horizon=Horizon(start=D(2027, 7, 5), days=28),
        rules=RuleSettings(forbidden_successions=frozenset(
            {("late", "early"), ("night", "early"), ("night", "day")})),
        contracts=CONTRACTS, technicians=technicians(), clients=CLIENTS, shift_types=SHIFTS,
        coverage=COVERAGE, rotations=ROTATIONS, absences=ABSENCES, peaks=PEAKS,
        requests=REQUESTS, history=HISTORY, fixed=FIXED,
    )


if __name__ == "__main__":
    save_scenario(build(), Path(__file__).parent)
