#!/usr/bin/env python3
"""Times every console page on a data directory: p50/p95 over N requests each, measured by the client on loopback
(so it includes the HTTP round trip: an upper bound of server time).

  scripts/bench_console.py --data DIR [--runs 50] [--bin .build/release/custos] [--only NAME …]

The data directory must already hold events (e.g. `custos simulate` + `custos ingest`). The script adds a
privacy-officer account `bench-XXXX`, starts `custos serve` on a free port, signs in, picks a real actor, session,
dataset, subject, event and alert (when detection has produced any: DATA/rules holds the rule pack), times each
page, and stops the server. Every timed view is itself recorded as a custos.read event, as in production.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

import requests

PASSWORD = "bench console password"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--bin", default=".build/release/custos")
    ap.add_argument("--only", action="append", default=[], help="time only the pages whose name contains this")
    args = ap.parse_args()

    user = "bench-" + secrets.token_hex(2)
    subprocess.run([args.bin, "users", "add", "--data", args.data, "--username", user, "--role", "privacy-officer",
                    "--actor", "bench-overseer"], input=PASSWORD + "\n", text=True, check=True)
    first = json.loads(subprocess.run([args.bin, "query", "events", "--data", args.data, "--limit", "200",
                                       "--format", "json", "--action", "view"],
                                      capture_output=True, text=True, check=True).stdout)["events"]
    sample = next(e for e in first if e.get("subjects") and e.get("resource", {}).get("dataset")
                  and e["actor"].get("session"))
    proc = subprocess.Popen([args.bin, "serve", "--data", args.data, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    url = None
    for line in proc.stdout:
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            url = m.group(1)
            break
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    try:
        s = requests.Session()
        r = s.post(url + "/login", data={"username": user, "password": PASSWORD}, allow_redirects=False)
        assert r.status_code == 302, r.text
        q = urllib.parse.quote
        # An alert to open: the first of the queue (the riskiest); none when the store has no rule pack.
        alert = re.search(r'href="/alerts/([0-9A-Za-z_-]+)"', s.get(url + "/alerts").text)
        actor, session = sample["actor"]["id"], sample["actor"]["session"]
        dataset, subject, seq = sample["resource"]["dataset"], sample["subjects"][0], sample["seq"]
        pages = {
            "overview": "/",
            "people": "/people",
            "person": f"/people/{q(actor, safe='')}",
            "session": f"/sessions/{q(session, safe='')}",
            "datasets": "/datasets",
            "dataset (all time)": f"/datasets/{q(dataset, safe='')}",
            "search (actor, 100)": f"/search?actor={q(actor)}",
            "search CSV (dataset, 1000)": f"/search.csv?dataset={q(dataset)}&limit=1000",
            "event with proof": f"/events/{seq}",
            "subject report": f"/subjects/report?subject={q(subject)}",
            "subject bundle (proofs)": f"/subjects/report.json?subject={q(subject)}",
            "alert queue": "/alerts",
            "alert queue (open, by last seen)": "/alerts?status=open&sort=last_seen",
            "ledger": "/ledger",
            "rules & policies": "/rules",
        }
        if alert:
            pages["alert page"] = f"/alerts/{alert.group(1)}"
        print(f"| page | p50 ms | p95 ms | status |")
        print(f"|---|---:|---:|---|")
        for name, path in pages.items():
            if args.only and not any(o in name for o in args.only):
                continue
            times = []
            status = None
            for _ in range(args.runs):
                t0 = time.perf_counter()
                r = s.get(url + path, allow_redirects=False)
                times.append((time.perf_counter() - t0) * 1000)
                status = r.status_code
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            size = ""
            if path.startswith("/search.csv"):
                size = f" ({r.text.count(chr(10)) - 1} rows, {len(r.content) // 1024} KiB)"
            elif path.startswith("/subjects/report.json"):
                size = f" ({len(r.json()['events'])} events, {len(r.content) // 1024} KiB)"
            print(f"| {name}{size} | {statistics.median(times):.1f} | {p95:.1f} | {status} |", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
