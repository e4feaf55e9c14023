"""The ingest benchmarks end to end: `custos bench http` and `custos bench authorize` start a server in their own
process and drive it with their loopback clients (every request must be answered 200 and every event stored), and
`custos bench decode` must read every simulated event."""

from __future__ import annotations

import json

from conftest import run_cli


def bench_report(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("BENCH ")]
    assert len(lines) == 1, stdout
    return json.loads(lines[0][len("BENCH "):])


def test_bench_http_stores_every_event():
    # 2,500 events in requests of 400 from 3 clients: the last request is short, and the clients' shares differ.
    p = run_cli("bench", "http", "--events", "2500", "--batch", "400", "--clients", "3", timeout=300)
    assert p.returncode == 0, p.stderr
    report = bench_report(p.stdout)
    assert report["failed_requests"] == 0
    assert report["stored"] == 2500
    assert report["events_per_s"] > 0
    # The process's CPU per event is reported beside the rate.
    assert report["cpu_us_per_event"] > 0
    # Waiting for the deferred postings too can only take longer and cost more CPU.
    assert 0 < report["indexed_events_per_s"] <= report["events_per_s"]
    assert report["indexed_cpu_us_per_event"] >= report["cpu_us_per_event"]
    # Stopping the in-process server is a graceful shutdown, not an abort that logs errors.
    assert not [line for line in p.stderr.splitlines() if " error " in line], p.stderr


def test_bench_http_live_stamps_and_bad_rate():
    # Events restamped as live (event time from now on) are stored like the replayed history.
    p = run_cli("bench", "http", "--events", "1200", "--batch", "500", "--clients", "2", "--live-rate", "1000",
                timeout=300)
    assert p.returncode == 0, p.stderr
    assert "stamped live at 1000/s" in p.stdout
    report = bench_report(p.stdout)
    assert report["failed_requests"] == 0 and report["stored"] == 1200
    bad = run_cli("bench", "http", "--events", "10", "--live-rate", "0", timeout=120)
    assert bad.returncode != 0
    assert "--live-rate must be at least 1" in bad.stderr


def test_bench_authorize_records_every_decision():
    p = run_cli("bench", "authorize", "--requests", "300", "--clients", "4", "--batch", "50", "--policies", "5",
                "--entities", "200", timeout=300)
    assert p.returncode == 0, p.stderr
    report = bench_report(p.stdout)
    assert report["failed_calls"] == 0
    assert report["stored"] >= 300


def test_bench_decode_reads_every_event():
    p = run_cli("bench", "decode", "--events", "2500", "--batch", "400", "--rounds", "1", timeout=300)
    assert p.returncode == 0, p.stderr
    report = bench_report(p.stdout)
    assert report["events"] == 2500
    assert report["events_per_s"] > 0 and report["baseline_events_per_s"] > 0
