#!/usr/bin/env python3
"""Where the durable ingest commit's time and WAL pages go.

Replays the rows of an existing Custos store (`custos bench queries --events N --data DIR` makes one) into fresh
SQLite files that hold one structure more each (WAL, synchronous=FULL, 256 MiB page cache, one transaction per
batch), and reports per variant the insert rate and the WAL frames (dirtied pages) per commit, counted by
truncating the WAL after every commit in a second pass. Rollup rows are aggregated per transaction and applied as
one upsert per key, as the store does; the ledger's tiles are left out (a few sequential pages per commit). The
last variant writes only what an out-of-band indexer would (the random-keyed structures, as (key, seq) tables):
run it with --batch 20000 to see what chunking buys.

    scripts/bench_commit_pages.py DIR/custos.sqlite [--events N] [--batch B] [--only NAME|NAME...]
"""
import argparse, json, os, sqlite3, time

EVENTS = """CREATE TABLE events(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, received INTEGER NOT NULL,
 actor_h INTEGER NOT NULL, session_h INTEGER, action_h INTEGER NOT NULL, outcome INTEGER NOT NULL, dataset_h INTEGER,
 resource_h INTEGER, app_h INTEGER NOT NULL, rows INTEGER, bytes INTEGER, idem_h INTEGER, body BLOB NOT NULL,
 salts BLOB, leaf BLOB)"""
INDEXES = {
    "time": "CREATE INDEX events_time ON events(time)",
    "time_cover": "CREATE INDEX events_time_cover ON events(time, dataset_h, actor_h, rows, bytes)",
    "actor": "CREATE INDEX events_actor ON events(actor_h)",
    "session": "CREATE INDEX events_session ON events(session_h) WHERE session_h IS NOT NULL",
    "dataset": "CREATE INDEX events_dataset ON events(dataset_h) WHERE dataset_h IS NOT NULL",
    "resource": "CREATE INDEX events_resource ON events(resource_h) WHERE resource_h IS NOT NULL",
    "idem": "CREATE INDEX events_idem ON events(idem_h) WHERE idem_h IS NOT NULL",
}
SUBJECTS = """CREATE TABLE event_subjects(subject_h INTEGER NOT NULL, seq INTEGER NOT NULL,
 PRIMARY KEY(subject_h, seq)) WITHOUT ROWID"""
ROLLUP = """CREATE TABLE {t}(dataset TEXT NOT NULL, bucket INTEGER NOT NULL, actor TEXT NOT NULL, events INTEGER NOT NULL,
 rows INTEGER NOT NULL, bytes INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
 PRIMARY KEY(dataset, bucket, actor)) WITHOUT ROWID"""
SESSIONS = """CREATE TABLE sessions(actor TEXT NOT NULL, session TEXT NOT NULL, start INTEGER NOT NULL,
 end INTEGER NOT NULL, events INTEGER NOT NULL, PRIMARY KEY(actor, session)) WITHOUT ROWID"""
KEY_COLUMNS = {"actor": 3, "session": 4, "dataset": 7, "resource": 8, "idem": 12}
SIX = ["time", "actor", "session", "dataset", "resource", "idem"]
VARIANTS = {
    "events only": [],
    "events + time index": ["time"],
    "events + covering time index": ["time_cover"],
    "+ actor, session, dataset indexes": ["time", "actor", "session", "dataset"],
    "+ resource, client-id indexes (all six)": SIX,
    "+ event_subjects": SIX + ["subjects"],
    "+ daily, hourly, totals rollups": SIX + ["subjects", "rollups"],
    "+ sessions rollup (the store's commit)": SIX + ["subjects", "rollups", "sessions"],
    "sequential only (events, covering time index)": ["time_cover"],
    "out-of-band part (key tables, subjects, rollups)": ["no-events", "key-tables", "subjects", "rollups", "sessions"],
}


def load(path, n):
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = src.execute(
        "SELECT seq,time,received,actor_h,session_h,action_h,outcome,dataset_h,resource_h,app_h,rows,bytes,idem_h,"
        "body,salts,leaf FROM events WHERE seq < ? ORDER BY seq", (n,)).fetchall()
    subjects = {}
    for h, s in src.execute("SELECT subject_h, seq FROM event_subjects WHERE seq < ?", (n,)):
        subjects.setdefault(s, []).append(h)
    keys = []
    for r in rows:
        b = json.loads(r[13])
        dataset = (b.get("resource") or {}).get("dataset")
        actor = b["actor"]["id"]
        session = b["actor"].get("session") or "@" + b["time"][:10]
        keys.append((actor, session, dataset, r[10] or 0, r[11] or 0))
    return rows, subjects, keys


def run(path, parts, rows, subjects, keys, batch, count_pages, page_size=4096):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA cache_size=-262144")
    db.execute(EVENTS)
    for p in parts:
        if p in INDEXES:
            db.execute(INDEXES[p])
    if "subjects" in parts:
        db.execute(SUBJECTS)
    if "key-tables" in parts:
        for k in KEY_COLUMNS:
            db.execute(f"CREATE TABLE keys_{k}(key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(key, seq)) "
                       "WITHOUT ROWID")
    if "rollups" in parts:
        for t in ("dataset_daily", "dataset_hourly", "dataset_totals"):
            db.execute(ROLLUP.format(t=t))
    if "sessions" in parts:
        db.execute(SESSIONS)
    pages = 0
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        db.execute("BEGIN")
        if "no-events" not in parts:
            db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", chunk)
        if "subjects" in parts:
            db.executemany("INSERT OR IGNORE INTO event_subjects VALUES (?,?)",
                           [(h, r[0]) for r in chunk for h in subjects.get(r[0], ())])
        if "key-tables" in parts:
            for k, column in KEY_COLUMNS.items():
                db.executemany(f"INSERT INTO keys_{k} VALUES (?, ?)",
                               [(r[column], r[0]) for r in chunk if r[column] is not None])
        if "rollups" in parts:
            for table, size in (("dataset_daily", 86_400_000), ("dataset_hourly", 3_600_000), ("dataset_totals", 0)):
                cells = {}
                for r, (actor, _, dataset, nrows, nbytes) in zip(chunk, keys[i:i + batch]):
                    if dataset is None:
                        continue
                    k = (dataset, r[1] // size if size else 0, actor)
                    c = cells.setdefault(k, [0, 0, 0, r[1], r[1]])
                    c[0] += 1; c[1] += nrows; c[2] += nbytes; c[3] = min(c[3], r[1]); c[4] = max(c[4], r[1])
                db.executemany(
                    f"INSERT INTO {table} VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(dataset, bucket, actor) DO UPDATE SET "
                    "events = events + excluded.events, rows = rows + excluded.rows, bytes = bytes + excluded.bytes, "
                    "first = min(first, excluded.first), last = max(last, excluded.last)",
                    [k + tuple(c) for k, c in cells.items()])
        if "sessions" in parts:
            cells = {}
            for r, (actor, session, _, _, _) in zip(chunk, keys[i:i + batch]):
                c = cells.setdefault((actor, session), [r[1], r[1], 0])
                c[0] = min(c[0], r[1]); c[1] = max(c[1], r[1]); c[2] += 1
            db.executemany(
                "INSERT INTO sessions VALUES (?,?,?,?,?) ON CONFLICT(actor, session) DO UPDATE SET "
                "start = min(start, excluded.start), end = max(end, excluded.end), events = events + excluded.events",
                [k + tuple(c) for k, c in cells.items()])
        db.execute("COMMIT")
        if count_pages:
            pages += (os.path.getsize(path + "-wal") - 32) // (page_size + 24)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - start
    db.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return seconds, pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("store")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--only", default="")
    ap.add_argument("--scratch", default=os.path.dirname(os.path.abspath(__file__)) + "/../.build-commit-pages.db")
    a = ap.parse_args()
    rows, subjects, keys = load(a.store, a.events)
    commits = (len(rows) + a.batch - 1) // a.batch
    for name, parts in VARIANTS.items():
        if a.only and name not in a.only.split("|"):
            continue
        seconds, _ = run(a.scratch, parts, rows, subjects, keys, a.batch, False)
        _, pages = run(a.scratch, parts, rows, subjects, keys, a.batch, True)
        print(json.dumps({"variant": name, "events": len(rows), "batch": a.batch,
                          "events_per_s": int(len(rows) / seconds), "wal_pages_per_commit": round(pages / commits, 1),
                          "wal_bytes_per_event": int(pages * 4096 / len(rows))}), flush=True)


if __name__ == "__main__":
    main()
