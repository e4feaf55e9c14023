#!/usr/bin/env python3
"""The SQL side of `GET /v1/datasets/{id}/access` over random 7-day windows, before and after the covering time
index, on one store, interleaved (old, new, new, old, ...) so both see the same load and page cache.

old: each rollup level grouped by actor in SQL, the edges grouped by actor hash through `events_time` (row lookups);
new: each rollup level's rows streamed without GROUP BY (the store sums them in Swift; not timed here), the edges
streamed from `events_time_cover` alone. Needs a store that has both indexes (a copy of a pre-v4 store with
`CREATE INDEX events_time_cover ON events(time, dataset_h, actor_h, rows, bytes)` added).

    scripts/bench_dataset_report_sql.py DIR/custos.sqlite [SAMPLES]
"""
import sqlite3, random, time, sys, statistics
from stable_hash import stable_hash
db = sqlite3.connect(f"file:{sys.argv[1]}?immutable=1", uri=True)
db.execute("PRAGMA cache_size=-65536")
lo, hi = db.execute("select min(time), max(time) from events").fetchone()
datasets = [r[0] for r in db.execute("select distinct dataset from dataset_totals")]
DAY, HOUR = 86_400_000, 3_600_000
def plan(a, b):
    days, hours, raw = [], [], []
    d1, d2 = -(-a // DAY), b // DAY
    rest = []
    if d1 < d2:
        days.append((d1, d2)); 
        if a < d1 * DAY: rest.append((a, d1 * DAY))
        if b > d2 * DAY: rest.append((d2 * DAY, b))
    else: rest.append((a, b))
    for x, y in rest:
        h1, h2 = -(-x // HOUR), y // HOUR
        if h1 < h2:
            hours.append((h1, h2))
            if x < h1 * HOUR: raw.append((x, h1 * HOUR))
            if y > h2 * HOUR: raw.append((h2 * HOUR, y))
        else: raw.append((x, y))
    return days, hours, raw
hashes = {d: stable_hash(d) for d in datasets}
random.seed(1)
old_t, new_t = [], []
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 50):
    ds = random.choice(datasets)
    a = lo + random.randint(0, hi - lo - 7 * DAY); b = a + 7 * DAY
    days, hours, raw = plan(a, b)
    order = [0, 1] if i % 2 == 0 else [1, 0]
    for which in order:
        t0 = time.perf_counter()
        for table, col, spans in (("dataset_daily", "day", days), ("dataset_hourly", "hour", hours)):
            for x, y in spans:
                if which == 0:
                    db.execute(f"select actor, sum(events), sum(rows), sum(bytes), min(first), max(last) from {table} where dataset=? and {col}>=? and {col}<? group by actor", (ds, x, y)).fetchall()
                else:
                    db.execute(f"select count(*), sum(events), sum(rows), sum(bytes), min(first), max(last), max(length(actor)) from {table} where dataset=? and {col}>=? and {col}<?", (ds, x, y)).fetchall()
        for x, y in raw:
            if which == 0:
                db.execute("SELECT actor_h, count(*), coalesce(sum(rows), 0), coalesce(sum(bytes), 0), min(time), max(time) FROM events INDEXED BY events_time WHERE dataset_h = ? and time >= ? and time < ? GROUP BY actor_h", (hashes[ds], x, y)).fetchall()
            else:
                db.execute("SELECT count(*), max(actor_h), sum(rows), sum(bytes), max(time) FROM events INDEXED BY events_time_cover WHERE dataset_h = ? and time >= ? and time < ?", (hashes[ds], x, y)).fetchall()
        (old_t if which == 0 else new_t).append((time.perf_counter() - t0) * 1000)
def p(t, q): t = sorted(t); return t[min(len(t) - 1, int(len(t) * q))]
for name, t in (("old: GROUP BY in SQL, edges via events_time + rows", old_t), ("new: rows streamed, edges from covering index", new_t)):
    print(f"{name}: p50 {p(t,.5):.1f} ms  p95 {p(t,.95):.1f} ms  p99 {p(t,.99):.1f} ms  (n={len(t)})")
