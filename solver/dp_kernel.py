"""The dynamic programme behind :mod:`solver.dp_pricing`, compiled by numba.

One person's cheapest roster over the horizon under per-duty costs, day by day. A work
state is (duty of the day ``j``, length of the work run ``r``, the run started at the
horizon's edge ``s``, minutes so far ``m`` in units, weekend state ``e``); an off state
is (length of the off run ``o``, ``s``, ``m``, ``e``). The weekend state is ``k * 2 + f``:
``k`` weekends worked so far, ``f`` the current weekend already counted.
"""

from numba import njit

INF = 1e18


@njit(cache=True, nogil=True, inline="always")
def _we_step(e, work, wd, neww, K):
    """Weekend state e = k * 2 + f (k weekends worked so far, f: the current weekend worked)
    after a day with weekend index wd (-1: none), neww (a new weekend starts); -1 if k > K."""
    k = e // 2
    f = e % 2
    if wd < 0:
        return k * 2
    if neww:
        f = 0
    if work:
        if f == 0:
            k += 1
            if k > K:
                return -1
        return k * 2 + 1
    return k * 2 + f


@njit(cache=True, nogil=True)
def best_roster(n, start, u, cost, offc, cstart, compat, sw, ok0, R, O, M, E, K, wd, neww,
               least, least_off, capped, s0, r0, o0, exempt, mlo, lo, hi, W, BW, OF, BO, ends_v, ends_s):
    """The layers of the programme under per-duty costs (into W / OF, their back
    pointers into BW / BO), and for each total of minutes ``m`` the cheapest end state
    (``ends_v[m]``, ``ends_s[m]`` = kind, j or o, r, s, e; :func:`trace` rebuilds its
    roster). Returns the cheapest roster's cost (``INF``: none)."""
    RS = R * 2
    for d in range(n):
        W[d, :, :, :, lo[d]:hi[d] + 1, :] = INF
        OF[d, :, :, lo[d]:hi[d] + 1, :] = INF
    J0 = start[1] - start[0]
    if r0 <= R or capped:
        rr = min(r0, R) - 1
        e1 = _we_step(0, True, wd[0], True, K)
        if e1 >= 0:
            for j in range(J0):
                if ok0[j] and lo[0] <= u[start[0] + j] <= hi[0]:
                    W[0, j, rr, s0, u[start[0] + j], e1] = cost[start[0] + j]
    e0 = _we_step(0, False, wd[0], True, K)
    if lo[0] == 0:
        OF[0, min(o0, O) - 1, s0, 0, e0] = offc[0]
    for d in range(1, n):
        a, b = start[d - 1], start[d]
        J, Jn = b - a, start[d + 1] - b
        cs = cstart[d - 1]
        wdd, nw = wd[d], neww[d]
        for o in range(O):
            o2 = min(o + 1, O - 1)
            for s in range(2):
                can_work = s == 1 or least_off == 0 or o >= least_off - 1
                for m in range(lo[d - 1], hi[d - 1] + 1):
                    for e in range(E):
                        v = OF[d - 1, o, s, m, e]
                        if v >= INF:
                            continue
                        eo = _we_step(e, False, wdd, nw, K)
                        if m >= lo[d] and v < OF[d, o2, s, m, eo]:
                            OF[d, o2, s, m, eo] = v
                            BO[d, o2, s, m, eo] = -1 - ((o * 2 + s) * E + e)
                        if can_work:
                            ew = _we_step(e, True, wdd, nw, K)
                            if ew < 0:
                                continue
                            for k in range(Jn):
                                m2 = m + u[b + k]
                                if m2 > hi[d] or m2 < lo[d]:
                                    continue
                                w = v + cost[b + k]
                                if w < W[d, k, 0, 0, m2, ew]:
                                    W[d, k, 0, 0, m2, ew] = w
                                    BW[d, k, 0, 0, m2, ew] = -1 - ((o * 2 + s) * E + e)
        for j in range(J):
            for r in range(R):
                if r + 1 < R:
                    r2 = r + 1
                elif capped:
                    r2 = R - 1
                else:
                    r2 = -1
                for s in range(2):
                    can_rest = s == 1 or least == 0 or r >= least - 1
                    code0 = (j * RS + r * 2 + s) * E
                    for m in range(lo[d - 1], hi[d - 1] + 1):
                        for e in range(E):
                            v = W[d - 1, j, r, s, m, e]
                            if v >= INF:
                                continue
                            if can_rest and m >= lo[d]:
                                eo = _we_step(e, False, wdd, nw, K)
                                if v < OF[d, 0, 0, m, eo]:
                                    OF[d, 0, 0, m, eo] = v
                                    BO[d, 0, 0, m, eo] = code0 + e
                            if r2 < 0:
                                continue
                            ew = _we_step(e, True, wdd, nw, K)
                            if ew < 0:
                                continue
                            for k in range(Jn):
                                if not compat[cs + j * Jn + k]:
                                    continue
                                m2 = m + u[b + k]
                                if m2 > hi[d] or m2 < lo[d]:
                                    continue
                                w = v + cost[b + k] + sw[cs + j * Jn + k]
                                if w < W[d, k, r2, s, m2, ew]:
                                    W[d, k, r2, s, m2, ew] = w
                                    BW[d, k, r2, s, m2, ew] = code0 + e
        for o in range(O):
            for s in range(2):
                for m in range(lo[d], hi[d] + 1):
                    for e in range(E):
                        if OF[d, o, s, m, e] < INF:
                            OF[d, o, s, m, e] += offc[d]
    # the cheapest end state for each total of minutes; the cheapest of them is the answer
    d = n - 1
    best = INF
    J = start[d + 1] - start[d]
    for m in range(M):
        ends_v[m] = INF
    for m in range(max(mlo, lo[d]), hi[d] + 1):
        for s in range(2):
            for o in range(O):
                if not (s == 1 or least_off == 0 or exempt or o >= least_off - 1):
                    continue
                for e in range(E):
                    if OF[d, o, s, m, e] < ends_v[m]:
                        ends_v[m] = OF[d, o, s, m, e]
                        ends_s[m, 0], ends_s[m, 1], ends_s[m, 2], ends_s[m, 3], ends_s[m, 4] = 0, o, 0, s, e
            for j in range(J):
                for r in range(R):
                    if not (s == 1 or least == 0 or exempt or r >= least - 1):
                        continue
                    for e in range(E):
                        if W[d, j, r, s, m, e] < ends_v[m]:
                            ends_v[m] = W[d, j, r, s, m, e]
                            ends_s[m, 0], ends_s[m, 1], ends_s[m, 2], ends_s[m, 3], ends_s[m, 4] = 1, j, r, s, e
        if ends_v[m] < best:
            best = ends_v[m]
    return best


@njit(cache=True, nogil=True)
def trace(n, start, u, R, E, BW, BO, kind, bj, br, bs, bm, be, plan):
    """The roster ending in the given state of the last day (``kind`` 1: work on duty
    ``bj`` of the day, run ``br``; 0: off, off run ``bj``), into ``plan``."""
    RS = R * 2
    for d in range(n - 1, -1, -1):
        if kind == 1:
            plan[d] = bj
            if d == 0:
                break
            code = BW[d, bj, br, bs, bm, be]
            bm = bm - u[start[d] + bj]
        else:
            plan[d] = -1
            if d == 0:
                break
            code = BO[d, bj, bs, bm, be]
        if code >= 0:
            be = code % E
            c = code // E
            kind = 1
            bj = c // RS
            br = (c % RS) // 2
            bs = c % 2
        else:
            c = -1 - code
            be = c % E
            c = c // E
            kind, bj, bs = 0, c // 2, c % 2
