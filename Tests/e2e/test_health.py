"""Health rules end to end (docs/rules.md, "Health rules"): a source that goes silent is reported by the live
service and by `custos rules test` alike; a witness refusal and a failed verification fire their rules; /metrics
shows how current the newest checkpoint is."""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timedelta, timezone

from conftest import REPO_ROOT, create_key, make_event, run_cli

RULES = REPO_ROOT / "rules"
START = datetime(2026, 10, 5, 8, 0, tzinfo=timezone.utc)


def at(seconds: int) -> str:
    return (START + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def silent_casebook() -> list[dict]:
    """casebook every 40 s for 600 events, then nothing for 3 h 10 min, when records sends its first event."""
    events = [make_event(time=at(i * 40), app="casebook") for i in range(600)]
    return events + [make_event(time=at(599 * 40 + 11_400), app="records")]


SILENT = "casebook sent nothing for 3 h 10 min (usual gap 40 s)"


def rules_without_day_warm_up(directory):
    """The built-in pack, its health.yml judging apps after 500 events without the 7-day warm-up."""
    shutil.copytree(RULES, directory)
    (directory / "health.yml").write_text("source_silent:\n  warm_up_days: 0\n")
    return directory


def test_rules_test_reports_a_silent_source_and_the_custos_health_rules(tmp_path):
    custos = {"actor": {"id": "custos", "session": "witness:w1"}, "app": "custos", "outcome": "failure",
              "resource": {"type": "custos.checkpoint", "id": "checkpoints/600"}, "subjects": []}
    events = silent_casebook() + [
        make_event(**custos, action="custos.witness", time=at(40_000),
                   attributes={"witness": "w1", "result": "refused", "status": 409, "reason": "inconsistent"}),
        make_event(**custos, action="custos.verify", time=at(40_001),
                   attributes={"tree_size": 600, "first_bad_seq": 17, "problem": "entry 17 was altered"}),
    ]
    path = tmp_path / "events.ndjson"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    rules = rules_without_day_warm_up(tmp_path / "rules")
    p = run_cli("rules", "test", "--rules", str(rules), "--events", str(path), check=True)
    found = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    silent = [f for f in found if f["rule"] == "health.source_silent"]
    assert [(f["actor"], f["explanation"], f["severity"]) for f in silent] == [("custos", SILENT, "high")]
    p = run_cli("rules", "test", "--rules", str(RULES), "--events", str(path), check=True)
    assert "health.source_silent" not in p.stdout, "the default 7-day warm-up judged a 7-hour stream"
    assert silent[0]["evidence"] == [events[599]["id"], events[600]["id"]]
    titles = {f["title"]: f for f in found}
    witness = titles["A witness refused or could not cosign a checkpoint"]
    assert witness["severity"] == "high" and witness["actor"] == "custos"
    assert "w1 refused" in witness["explanation"]
    verify = titles["The ledger failed verification"]
    assert verify["severity"] == "critical" and "entry 17 was altered" in verify["explanation"]


def test_the_server_reports_a_silent_source_and_the_checkpoint_age(tmp_path, server_factory):
    data = tmp_path / "data"
    data.mkdir()
    rules_without_day_warm_up(data / "rules")
    ingest = create_key(data, "casebook-host", "ingest", name="ingest")
    triage = create_key(data, "supervisor-1", "triage", name="triage")
    read = create_key(data, "auditor-1", "read", name="read")
    server = server_factory(data)
    events = silent_casebook()
    assert server.post_events(events, ingest).status_code == 200
    deadline = time.monotonic() + 60
    found = []
    while not found and time.monotonic() < deadline:
        r = server.get("/v1/findings", triage, params={"limit": "1000", "reveal": "true"})
        assert r.status_code == 200, r.text
        found = [f for f in r.json()["findings"] if f["rule"] == "health.source_silent"]
        time.sleep(0.2)
    assert [(f["explanation"], f["actor"], f["kind"]) for f in found] == [(SILENT, "custos", "health")]
    metrics = server.get("/metrics", read).text
    assert "custos_checkpoint_age_seconds " in metrics
    assert "custos_checkpoint_uncovered_entries " in metrics
