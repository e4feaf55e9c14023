#!/usr/bin/env python3
"""Rows a 7-day `GET /v1/datasets/{id}/access` reads from each rollup level of a store, over random windows, planned
as `RollupPlan` plans it (4-day, 2-day, daily, quarter-day, hourly; coarsest first, each covering the whole buckets
the coarser left), with the time the SELECTs took here. Read-only; safe while the store is being written.

    scripts/dataset_report_levels.py DIR/custos.sqlite [SAMPLES] [SEED]
"""
import random, sqlite3, sys, time

DAY = 86_400_000
LEVELS = [("dataset_4day", "block", 4 * DAY), ("dataset_2day", "block", 2 * DAY), ("dataset_daily", "day", DAY),
          ("dataset_quarterly", "quarter", DAY // 4), ("dataset_hourly", "hour", 3_600_000)]


def whole_buckets(a, b, width):
    """The whole buckets of [a, b) as (first, end) bucket numbers, or None, and the pieces left on either side."""
    first, end = -(-a // width), b // width
    if first >= end:
        return None, [(a, b)]
    left = [(a, first * width)] if a < first * width else []
    right = [(end * width, b)] if b > end * width else []
    return (first, end), left + right


db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
lo, hi = db.execute("SELECT min(time), max(time) FROM events").fetchone()
datasets = [r[0] for r in db.execute("SELECT DISTINCT dataset FROM dataset_totals WHERE bucket = 0")]
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
print("dataset", " ".join(t for t, _, _ in LEVELS), "ms")
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 40):
    dataset = random.choice(datasets)
    start = lo + random.randint(0, hi - lo - 7 * DAY)
    pieces, counts, t0 = [(start, start + 7 * DAY)], [], time.perf_counter()
    for table, column, width in LEVELS:
        rest, n = [], 0
        for a, b in pieces:
            span, left = whole_buckets(a, b, width)
            rest += left
            if span:
                n += len(db.execute(f"SELECT actor, events, rows, bytes, first, last FROM {table} "
                                    f"WHERE dataset = ? AND {column} >= ? AND {column} < ?", (dataset, *span)).fetchall())
        counts.append(n)
        pieces = rest
    print(dataset, " ".join(map(str, counts)), f"{(time.perf_counter() - t0) * 1000:.1f}")
