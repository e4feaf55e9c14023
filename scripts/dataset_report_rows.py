#!/usr/bin/env python3
"""What a 7-day `GET /v1/datasets/{id}/access` reads on a store, over random windows: rollup rows per level, edge
entries of the time index (every dataset) and of the dataset alone, and what candidate coarser levels would read
(quarter days for the partial days, aligned 4-, 2- and 1-day blocks for the whole days), counted in SQL on the
existing tables. Read-only; safe while the store is being written.

    scripts/dataset_report_rows.py DIR/custos.sqlite [SAMPLES] [SEED]
"""
import sqlite3, random, sys, statistics
from stable_hash import stable_hash
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
db.execute("PRAGMA cache_size=-262144")
lo, hi = db.execute("select min(time), max(time) from events").fetchone()
datasets = [r[0] for r in db.execute("select distinct dataset from dataset_totals where bucket=0")]
DAY, HOUR = 86_400_000, 3_600_000
def cover(a, b, size):
    f, l = -(-a // size), b // size
    if f >= l: return [], [(a, b)]
    rest = []
    if a < f * size: rest.append((a, f * size))
    if b > l * size: rest.append((l * size, b))
    return [(f, l)], rest
def blocks(f, l, sizes):
    """aligned blocks (largest first) covering [f, l) in units; returns list of (size, start)"""
    out = []
    def rec(f, l, i):
        if f >= l: return
        s = sizes[i]
        ff, ll = -(-f // s) * s, (l // s) * s
        if ff >= ll: rec(f, l, i + 1); return
        for x in range(ff, ll, s): out.append((s, x))
        rec(f, ff, i + 1); rec(ll, l, i + 1)
    rec(f, l, 0)
    return out
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
stats = {k: [] for k in ("daily", "hourly", "edge_all", "edge_ds", "days_pow2", "hours_6h", "hours_4h_2h", "out")}
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 30):
    ds = random.choice(datasets); dh = stable_hash(ds)
    a = lo + random.randint(0, hi - lo - 7 * DAY); b = a + 7 * DAY
    days, rest = cover(a, b, DAY)
    hours, raw = [], []
    for x, y in rest:
        h, r = cover(x, y, HOUR); hours += h; raw += r
    n = lambda sql, *p: db.execute(sql, p).fetchone()[0]
    stats["daily"].append(sum(n("select count(*) from dataset_daily where dataset=? and day>=? and day<?", ds, f, l) for f, l in days))
    stats["hourly"].append(sum(n("select count(*) from dataset_hourly where dataset=? and hour>=? and hour<?", ds, f, l) for f, l in hours))
    stats["edge_all"].append(sum(n("select count(*) from events indexed by events_time_cover where time>=? and time<?", x, y) for x, y in raw))
    stats["edge_ds"].append(sum(n("select count(*) from events indexed by events_time_cover where dataset_h=? and time>=? and time<?", dh, x, y) for x, y in raw))
    stats["days_pow2"].append(sum(n("select count(distinct actor) from dataset_daily where dataset=? and day>=? and day<?", ds, x, x + s) for f, l in days for s, x in blocks(f, l, [4, 2, 1])))
    stats["hours_6h"].append(sum(n("select count(distinct actor) from dataset_hourly where dataset=? and hour>=? and hour<?", ds, x, x + s) for f, l in hours for s, x in blocks(f, l, [6, 1])))
    stats["hours_4h_2h"].append(sum(n("select count(distinct actor) from dataset_hourly where dataset=? and hour>=? and hour<?", ds, x, x + s) for f, l in hours for s, x in blocks(f, l, [4, 2, 1])))
    stats["out"].append(n("select count(distinct actor) from (select actor from dataset_daily where dataset=? and day>=? and day<? union all select actor from dataset_hourly where dataset=? and hour>=? and hour<?)", ds, days[0][0], days[0][1], ds, hours[0][0] if hours else 0, hours[-1][1] if hours else 0))
    print(i, ds, {k: v[-1] for k, v in stats.items()}, flush=True)
def p(t, q): t = sorted(t); return t[min(len(t) - 1, int(len(t) * q))]
for k, v in stats.items():
    print(f"{k:12s} p50 {p(v,.5):8d}  p95 {p(v,.95):8d}  max {max(v):8d}")
