"""Rule back-testing end to end: simulated history ingested into a server, a candidate rule replayed over it with
`POST /v1/rules/backtest` and `custos rules backtest`, and the findings compared with `custos rules test` over the
same events (the offline engine)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from conftest import REPO_ROOT, auth, create_key, run_cli

RULES = REPO_ROOT / "rules"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A simulated agency's events ingested into a data directory with its entities.json as reference data."""
    root = tmp_path_factory.mktemp("backtest")
    sim = root / "sim"
    run_cli("simulate", "--officers", "20", "--days", "6", "--seed", "5", "--out", str(sim), check=True, timeout=300)
    data = root / "data"
    data.mkdir()
    shutil.copy(sim / "entities.json", data / "entities.json")
    # One batch at a time, so commit (seq) order is file order and the back-test sees what `rules test` sees.
    run_cli("ingest", str(sim / "events.ndjson"), "--data", str(data), "--parallel", "1", check=True, timeout=600)
    times = [json.loads(line)["time"] for line in (sim / "events.ndjson").read_text().splitlines() if line.strip()]
    # A candidate of two rule files: a correlation (bulk export) and a reference rule (watch list).
    candidate = root / "candidate.yml"
    candidate.write_text((RULES / "bulk_export.yml").read_text().rstrip() + "\n---\n"
                         + (RULES / "watch_list.yml").read_text())
    rules_dir = root / "candidate"
    rules_dir.mkdir()
    shutil.copy(candidate, rules_dir / "candidate.yml")
    # `to` just after the last simulated event, so the reads the tests record (at the wall clock) stay outside.
    last = datetime.fromisoformat(max(times).replace("Z", "+00:00")) + timedelta(milliseconds=1)
    return {"sim": sim, "data": data, "candidate": candidate, "rules_dir": rules_dir, "first": min(times),
            "to": last.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "events": len(times)}


def offline(history) -> list[dict]:
    p = run_cli("rules", "test", "--rules", str(history["rules_dir"]), "--events", str(history["sim"] / "events.ndjson"),
                "--reference", str(history["sim"] / "entities.json"), check=True, timeout=600)
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def test_backtest_matches_the_offline_engine(history, server_factory):
    read = create_key(history["data"], "auditor-7", "read")
    ingest = create_key(history["data"], "host", "ingest")
    server = server_factory(history["data"])
    expected = offline(history)
    assert expected, "the candidate finds nothing in this history; the comparison would be empty"
    body = {"rule": history["candidate"].read_text(), "from": history["first"], "to": history["to"], "limit": 1000}
    r = requests.post(server.url + "/v1/rules/backtest", json=body, headers=auth(ingest), timeout=60)
    assert r.status_code == 403
    r = requests.post(server.url + "/v1/rules/backtest", json=body, headers=auth(read), timeout=600)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["events_scanned"] == history["events"]
    assert doc["reference_data"] is True
    assert doc["findings_count"] == len(expected)
    assert doc["findings"] == expected[:1000]
    assert {row["actor"]: row["findings"] for row in doc["findings_per_actor"]} == Counter(f["actor"] for f in expected)
    assert {row["day"]: row["findings"] for row in doc["findings_per_day"]} == Counter(f["time"][:10] for f in expected)
    assert sum(row["findings"] for row in doc["findings_per_rule"]) == len(expected)

    # Recorded as the reader's read, with the rule text.
    admin = create_key(history["data"], "supervisor-2", "admin")
    reads = server.get("/v1/events", admin, params={"action": "custos.read", "actor": "auditor-7"}).json()["events"]
    backtests = [e for e in reads if e["resource"]["id"] == "rules/backtest"]
    assert len(backtests) == 1 and "custos_bulk_export" in backtests[0]["query"]


def test_cli_backtest_and_rule_errors(history, server_factory, tmp_path):
    read = create_key(history["data"], "auditor-8", "read")
    server = server_factory(history["data"])
    p = run_cli("rules", "backtest", "--server", server.url, "--key", read, "--rule", str(history["candidate"]),
                "--from", history["first"], "--to", history["to"], "--limit", "5", check=True, timeout=600)
    doc = json.loads(p.stdout)
    expected = offline(history)
    assert doc["findings"] == expected[:5]
    assert doc["findings_truncated"] is (len(expected) > 5)
    assert doc["events_scanned"] == history["events"]

    bad = tmp_path / "bad.yml"
    bad.write_text("title: Broken\nid: broken-1\nlogsource:\n    product: custos\ndetection:\n    selection:\n"
                   "        action: view\n    condition: selection and\n")
    p = run_cli("rules", "backtest", "--server", server.url, "--key", read, "--rule", str(bad),
                "--from", "2026-01-01T00:00:00Z", "--to", "2026-02-01T00:00:00Z")
    assert p.returncode == 2, p.stderr
    assert f"{bad}:8:" in p.stderr

    r = requests.post(server.url + "/v1/rules/backtest", headers=auth(read), timeout=60,
                      json={"rule": bad.read_text(), "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"})
    assert r.status_code == 400 and r.headers["Content-Type"] == "application/problem+json"
    error = r.json()["errors"][0]
    assert error["path"] == "rule" and error["line"] == 8 and error["column"] >= 1


def test_a_range_over_the_maximum_is_refused(history, server_factory, tmp_path):
    config = tmp_path / "custos.json"
    config.write_text(json.dumps({"backtest_max_events": 100}))
    read = create_key(history["data"], "auditor-9", "read")
    server = server_factory(history["data"], config)
    r = requests.post(server.url + "/v1/rules/backtest", headers=auth(read), timeout=60,
                      json={"rule": history["candidate"].read_text(), "from": "2020-01-01T00:00:00Z",
                            "to": "2100-01-01T00:00:00Z"})
    assert r.status_code == 400, r.text
    assert r.json()["type"].endswith("/too-many-events") and r.json()["maximum_events"] == 100
