"""CP-SAT search settings of the engine: the full solve and the LNS sub-solves.

Every figure behind a default is in ``benchmarks/strength.md`` (command and numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.result import SolveOptions


@dataclass(frozen=True)
class LnsSettings:
    """Knobs of the large-neighbourhood search (:mod:`solver.lns`).

    Attributes
    ----------
    first_fraction : share of the time budget for the plain CP-SAT phase before the
        LNS starts (extended until a first plan exists).
    probe : with two or more workers, once the plain phase stops at ``first_fraction``
        the LNS runs for this share of the budget; if the plain phase had lowered the
        objective faster over the same length of time just before, CP-SAT on the whole
        model resumes from the incumbent and yields again as soon as it gains less, over
        that length of time, than the LNS did (0: no probe, the LNS runs to the end).
        On small models whole-model CP-SAT often improves fast well past 10 % of the
        budget: a 112-day, 18-staff, 3-type benchmark-format instance was still
        gaining every second at 6 s, covered every shift at 13 s and reached 94 at
        60 s alone, where the switch at 6 s ended at 124-537 (the LNS re-covered a
        shift every ~10 s); on others the LNS is faster from the start (28 x 60 x 10:
        ~80 a second against CP-SAT's ~10). A fixed rule (go on while CP-SAT gains 5 %
        in 3 s) lost on a third of the suite: which is faster is measured, not assumed.
    resume_stall : 0: the whole model, once resumed by the probe, yields as soon as a
        probe's length of time passes without it gaining as much as the LNS did in the
        probe; k > 0: only after k such lengths without any better plan. Off: k = 2
        was better on h04 (112 x 18 x 3: 333 / 123 -> 216 / 102, two seeds) but worse
        on g08 (5 416 / 5 323 -> 5 633 / 6 015) and mixed elsewhere (BENCHMARKS.md
        section 7, "2026-12-03 evening").
    sub_time : seconds (or deterministic units with one worker) per LNS sub-solve.
    short_time : 0: every sub-solve gets ``sub_time``; > 0: each neighbourhood kind is
        also offered with sub-solves of this many seconds (deterministic units with one
        worker), as an arm of its own in the bandit (own size, own gain per second).
        Off: alone (0.5 s, three seeds, 60 s) it won on g02 and h01 and lost on g10, a
        wash on the mean; a flat 0.5 s ``sub_time`` won on h01 and h04 and lost on g02
        and Instance12. With ``by_time`` the five shapes' medians were better or equal
        (tuning mean 58.6 % against 69.0 % above the references) but the public
        instances, the hold-out and the MSP scenarios are not yet measured with it
        (BENCHMARKS.md section 7, "2026-12-04").
    by_time : the bandit allocates time by measured gain per second (the first measure
        of a kind replaces its optimistic start) even without the "person" kind. Off, the
        optimistic start fades by 0.7 a call: ~45 calls a kind, so on a minute's run of
        100-200 sub-solves the kinds are picked nearly in turn. Alone (three seeds, 60
        s) it won on g10, h01 and h04 medians, lost on Instance8 (1 450 against 1 362)
        and was level on Instance9, 10 and 12 (BENCHMARKS.md section 7, "2026-12-04
        evening"): off. Measured again after the sweep came first (one seed, 20 suite
        instances): better on 9, worse on 9, h04 218 against 104 (BENCHMARKS.md section
        7, "2026-12-06 night"): still off.
    sub_linearization : ``linearization_level`` of the sub-solves; 2 (the full LP)
        lets "everyone over a few days" sub-problems close in tenths of a second.
    init_size : initial share of the (person, day) cells a neighbourhood frees.
    init_free : at most this many decision variables freed by a first neighbourhood
        (the share is lowered to it on large models, never below 1 %): a 10 % share of
        a year-long 50-person, 10-type model frees ~18 000 and no sub-solve finished in
        2 s, so the LNS made 22 calls in 28 s and 2 points of gain. Same-run A/B at
        60 s (BENCHMARKS.md section 7, 2026-12-03): better on 17 of 18 instance-seed
        pairs, e.g. 182 x 50 x 6 days x staff x types 15 252 -> 4 779, 28 x 150 x 8
        3 954 -> 3 474 (medians of 2 seeds). Only for objectives without terms across
        people (:func:`solver.sweep.separable`): on generated MSP scenarios, whose
        fairness spreads span people, it lost (400 technicians x 4 weeks, one seed each
        of two scenarios: 65 -> 78 and 94 -> 110). 500 since 2026-12-07 (1 500 before):
        on the wide 28-day shapes a sub-solve freeing ~7 of 150 people over the month
        took 3 s, one freeing 3 of them 0.15 s; in the same-run A/B (BENCHMARKS.md
        section 7, "2026-12-07") 500 was better on the 28 x 150 x 8 shape on all three
        seeds (513 / 642 / 567 against 901 / 1 048 / 783) and on the 28 x 100 x 16 one
        (768 / 765 / 718 against 802 / 795 / 779); tuning mean gap 28.3 % against 38.2 %,
        hold-out 14.4 % against 18.3 %, Instance12 median of three 4 131 against 4 293,
        large part better on 3 of 4. Where a model has under ~5 000 decision variables
        the 10 % share is the smaller and nothing changes.
    grow, shrink : size factor after a sub-solve proved its neighbourhood optimal /
        timed out without a gain.
    huge_variables : from this many model variables the whole-model CP-SAT phase is
        skipped when the constructive plan is already valid, and runs with one worker
        otherwise: on 150 people x 364 days x 32 shift types (1.15 M variables) its
        2-worker portfolio found no plan in 464 s and peaked at 7-8 GiB.
    huge_threads : LNS threads on such models (each thread holds a model copy).
    decompose_pairs : from this many duty and on-call decision variables the whole
        model is not built at all: :mod:`solver.decompose` plans a few people at a time
        (150 x 364 x 32: 1.1 M pairs; the whole-model search stalled at 5.4 GiB).
        Below it the whole model, started from a repaired plan, was as good as the
        decomposition at 60 s on long benchmark horizons and better on long MSP ones
        (benchmarks/strength.md, "Which path").
    """

    first_fraction: float = 0.1
    probe: float = 0.05
    resume_stall: float = 0.0
    sub_time: float = 2.0
    short_time: float = 0.0
    by_time: bool = False
    sub_linearization: int = 2
    init_size: float = 0.1
    init_free: int = 500
    grow: float = 1.25
    shrink: float = 0.85
    huge_variables: int = 300_000
    huge_threads: int = 2
    decompose_pairs: int = 250_000


LNS = LnsSettings()
"""The settings :func:`solver.solve` uses."""


def full_parameters(p, options: SolveOptions, seconds: float) -> None:
    """Set the parameters ``p`` of a whole-model CP-SAT solve of ``seconds`` wall time."""
    p.max_time_in_seconds = max(0.05, float(seconds))
    p.num_workers = max(1, int(options.workers))
    # The fairness max-min, continuity and coverage lin_max terms need the full linear
    # relaxation (level 2) for a useful bound. Measured on a loaded 2-core machine:
    # 1 worker closes random 8x7 problems in 1-4 s instead of not in 10 s; with 2 workers
    # the "max_lp" full solver instead of "default_lp" proves the Curtois Instance2
    # optimum (828) in 30 s (bound 217 before) and improves Instance8 (2234 vs 2668),
    # the 200-technician generated case (51 vs 66) and the 400 one at 60 s (112 vs 120);
    # from 4 workers the default portfolio already runs max_lp next to default_lp.
    if p.num_workers == 1:
        p.linearization_level = 2
    elif p.num_workers <= 3:
        p.ignore_subsolvers.append("default_lp")
        p.extra_subsolvers.append("max_lp")
    p.random_seed = int(options.seed)
    p.log_search_progress = bool(options.log)


def sub_parameters(p, settings: LnsSettings = LNS) -> None:
    """Set the fixed parameters of an LNS sub-solve (one worker, full LP)."""
    p.num_workers = 1
    p.linearization_level = settings.sub_linearization
    p.log_search_progress = False
