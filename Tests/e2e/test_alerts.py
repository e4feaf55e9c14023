"""Live detection end to end (docs/alerts.md): simulated events ingested into `custos serve` with the built-in rule
pack become findings and per-user alerts; triage through the CLI and API is recorded in the ledger and refused about
oneself; after kill -9 mid-stream and a restart the findings equal an offline `custos rules test` over the same
events, with no duplicates."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from conftest import CUSTOS_BIN, REPO_ROOT, Server, auth, create_key, run_cli

RULES = REPO_ROOT / "rules"


@pytest.fixture(scope="module")
def simulation(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    run_cli("simulate", "--officers", "12", "--days", "6", "--warm-up", "2", "--seed", "5", "--out", str(out),
            check=True, timeout=300)
    return out


def prepare(data: Path, sim: Path) -> dict:
    shutil.copytree(RULES, data / "rules")
    shutil.copy(sim / "entities.json", data / "entities.json")
    return {
        "ingest": create_key(data, "casebook-host", "ingest", name="ingest"),
        "triage": create_key(data, "supervisor-1", "triage", name="triage"),
        "read": create_key(data, "auditor-1", "read", name="read"),
    }


def ingest(server: Server, key: str, sim: Path) -> None:
    run_cli("ingest", str(sim / "events.ndjson"), "--server", server.url, "--key", key, check=True, timeout=300)


def findings(server: Server, key: str) -> list[dict]:
    out, cursor = [], None
    while True:
        params = {"limit": "10000", "reveal": "true"}
        if cursor:
            params["cursor"] = cursor
        r = server.get("/v1/findings", key, params=params)
        assert r.status_code == 200, r.text
        doc = r.json()
        out += doc["findings"]
        cursor = doc["next_cursor"]
        if cursor is None:
            return out


def settle(server: Server, key: str, timeout: float = 120) -> list[dict]:
    """Waits until the findings stop changing (the service has caught up) and returns them."""
    deadline = time.monotonic() + timeout
    previous = -1
    stable = 0
    while time.monotonic() < deadline:
        current = findings(server, key)
        stable = stable + 1 if len(current) == previous and previous > 0 else 0
        if stable >= 3:
            return current
        previous = len(current)
        time.sleep(1)
    raise AssertionError(f"the findings did not settle within {timeout}s: {server.log()}")


def key_of(f: dict) -> tuple:
    return (f["rule"], f["actor"], f["time"], tuple(f["evidence"]))


def test_alerts_appear_and_triage_is_recorded(tmp_path, simulation, server_factory):
    data = tmp_path / "data"
    data.mkdir()
    keys = prepare(data, simulation)
    server = server_factory(data)
    ingest(server, keys["ingest"], simulation)
    live = settle(server, keys["triage"])
    assert live, "no findings"
    r = server.get("/v1/alerts", keys["triage"], params={"limit": "1000"})
    assert r.status_code == 200, r.text
    alerts = r.json()["alerts"]
    assert alerts and all(a["actor"].startswith("p-") and a["pseudonymised"] for a in alerts)
    # One alert per user while open: findings gather instead of flooding the queue.
    assert len({a["actor"] for a in alerts if a["status"] != "resolved"}) == len(alerts)
    assert sum(a["finding_count"] for a in alerts) <= len(live)
    assert server.get("/v1/alerts", keys["read"]).status_code == 403

    alert = max(alerts, key=lambda a: a["risk_score"])
    detail = server.get(f"/v1/alerts/{alert['id']}", keys["triage"]).json()
    assert detail["findings"] and detail["findings"][0]["evidence_events"][0]["proof"].startswith(
        "/v1/proofs/inclusion?seq=")

    cli = ["--server", server.url, "--key", keys["triage"]]
    run_cli("alerts", "assign", str(alert["id"]), "--to", "investigator-7", *cli, check=True)
    run_cli("alerts", "comment", str(alert["id"]), "looking at the exports", *cli, check=True)
    run_cli("alerts", "ack", str(alert["id"]), *cli, check=True)
    p = run_cli("alerts", "resolve", str(alert["id"]), "--disposition", "true_positive", *cli, check=True)
    assert json.loads(p.stdout)["status"] == "resolved"
    p = run_cli("alerts", "reveal", str(alert["id"]), "--reason", "interview", *cli, check=True)
    actor = json.loads(p.stdout)["actor"]
    assert not actor.startswith("p-")
    listed = json.loads(run_cli("alerts", "list", "--status", "resolved", "--format", "json", *cli, check=True).stdout)
    assert [a["id"] for a in listed["alerts"]] == [alert["id"]]

    for action in ["custos.alert.assign", "custos.alert.comment", "custos.alert.acknowledge",
                   "custos.alert.resolve", "custos.alert.reveal"]:
        r = server.get("/v1/events", keys["read"], params={"action": action})
        events = r.json()["events"]
        assert len(events) == 1, (action, r.text)
        assert events[0]["actor"]["id"] == "supervisor-1"
        assert events[0]["resource"]["id"] == str(alert["id"])

    # The monitored user, given a triage key, can neither triage nor suppress about themselves.
    own = create_key(data, actor, "triage", name="own")
    r = requests.post(f"{server.url}/v1/alerts/{alert['id']}/reopen", headers=auth(own), json={}, timeout=30)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json", r.text
    r = requests.post(f"{server.url}/v1/suppressions", headers=auth(own), timeout=30, json={
        "rule": detail["findings"][0]["rule"], "actor": alert["actor"], "reason": "mine", "hours": 1})
    assert r.status_code == 403, r.text
    r = server.get("/v1/events", keys["read"], params={"action": "custos.alert.reopen"})
    assert r.json()["events"] == []


def test_kill9_mid_stream_restart_matches_offline_back_test(tmp_path, simulation, server_factory):
    data = tmp_path / "data"
    data.mkdir()
    keys = prepare(data, simulation)
    server = server_factory(data)
    # kill -9 while events are being ingested and detected; then restart and ingest the whole file again (the
    # events already stored are idempotent duplicates).
    loader = subprocess.Popen([CUSTOS_BIN, "ingest", str(simulation / "events.ndjson"), "--server", server.url,
                               "--key", keys["ingest"], "--batch", "200", "--parallel", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = server.get("/v1/findings", keys["triage"], params={"limit": "10"})
        if r.status_code == 200 and r.json()["findings"]:
            break
        time.sleep(0.05)
    server.kill9()
    loader.wait(timeout=60)
    server = server_factory(data)
    stored_before = len(server.all_events(keys["read"]))
    assert stored_before < 5000, "the kill came after the whole stream was stored"
    ingest(server, keys["ingest"], simulation)
    live = settle(server, keys["triage"])
    counts = Counter(key_of(f) for f in live)
    assert not [k for k, n in counts.items() if n > 1], "duplicate findings after the restart"

    events = server.all_events(keys["read"])
    last = events[-1]["seq"]
    assert [e["seq"] for e in events] == list(range(last + 1))
    path = tmp_path / "events.ndjson"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    offline = {}
    for mode in ["open", "finish"]:
        args = ["rules", "test", "--rules", str(RULES), "--events", str(path),
                "--reference", str(data / "entities.json")] + (["--open"] if mode == "open" else [])
        p = run_cli(*args, check=True, timeout=600)
        offline[mode] = Counter(key_of(json.loads(line)) for line in p.stdout.splitlines() if line.strip())

    seqs = {f["id"]: [e["seq"] for e in f["evidence_events"]] for f in live}
    covered = Counter(key_of(f) for f in live if max(seqs[f["id"]]) <= last)
    # Every finding the offline run produced while reading the events, the live service produced exactly once; and
    # it produced nothing the offline run would not (the rest are windows the offline run closes at its end).
    assert offline["open"], "the offline run found nothing"
    assert offline["open"] - covered == Counter(), (offline["open"] - covered)
    assert covered - offline["finish"] == Counter(), (covered - offline["finish"])


def test_the_server_runs_the_baselines(tmp_path, server_factory):
    """rules/baselines.yml makes the live service run the behavioural baselines beside the Sigma rules: an account
    whose directory `last_activity` is long past is reported as dormant on its first event, by the server as by
    `custos rules test`."""
    from conftest import make_event

    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(RULES, data / "rules")
    entities = [
        {"uid": {"type": "Custos::OrgUnit", "id": "fo/x"}, "attrs": {"utc_offset_minutes": 0}, "parents": []},
        {"uid": {"type": "Custos::User", "id": "officer-dormant"},
         "attrs": {"kind": "human", "role": "officer", "org": {"__entity": {"type": "Custos::OrgUnit", "id": "fo/x"}},
                   "status": "active", "last_activity": "2025-01-15"}, "parents": []},
    ]
    (data / "entities.json").write_text(json.dumps(entities))
    keys = prepare_keys(data)
    server = server_factory(data)
    event = make_event(actor={"id": "officer-dormant", "session": "s-1"}, time="2026-10-05T10:00:00Z")
    assert server.post_events([event], keys["ingest"]).status_code == 200
    deadline = time.monotonic() + 60
    found = []
    while not found and time.monotonic() < deadline:
        found = [f for f in findings(server, keys["triage"]) if f["rule"] == "baseline.dormancy"]
        time.sleep(0.2)
    assert found, findings(server, keys["triage"])
    assert found[0]["actor"] == "officer-dormant" and found[0]["evidence"] == [event["id"]]

    events = tmp_path / "one.ndjson"
    events.write_text(json.dumps(event) + "\n")
    p = run_cli("rules", "test", "--rules", str(data / "rules"), "--events", str(events),
                "--reference", str(data / "entities.json"), check=True)
    offline = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert [f["rule"] for f in offline if f["rule"].startswith("baseline.")] == ["baseline.dormancy"]


def prepare_keys(data: Path) -> dict:
    return {
        "ingest": create_key(data, "casebook-host", "ingest", name="ingest"),
        "triage": create_key(data, "supervisor-1", "triage", name="triage"),
    }


def test_detection_follows_the_entity_store(tmp_path, server_factory):
    """Detection and the decision point join against one entity graph: a person put on a watch list through
    `PUT /v1/entities` is watch-listed for the events processed after the change, without a restart."""
    from conftest import make_event

    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(RULES, data / "rules")
    (data / "entities.json").write_text("[]")
    keys = prepare_keys(data)
    admin = create_key(data, "steward-1", "admin", name="admin")
    server = server_factory(data)

    def watch_findings() -> list[dict]:
        return [f for f in findings(server, keys["triage"]) if f["title"] == "Watch-listed person accessed"]

    before = make_event(actor={"id": "officer-3", "session": "s-1"}, subjects=["person:42"])
    assert server.post_events([before], keys["ingest"]).status_code == 200
    marker = make_event(action="search", rows=5000, query="surname LIKE '%'",
                        actor={"id": "officer-4", "session": "s-2"})
    assert server.post_events([marker], keys["ingest"]).status_code == 200
    deadline = time.monotonic() + 60
    while not any(marker["id"] in f["evidence"] for f in findings(server, keys["triage"])):
        assert time.monotonic() < deadline, "detection did not process the first events"
        time.sleep(0.2)
    assert watch_findings() == []

    entities = [
        {"uid": {"type": "Custos::WatchList", "id": "vip"}, "attrs": {}, "parents": []},
        {"uid": {"type": "Custos::Person", "id": "person:42"}, "attrs": {},
         "parents": [{"type": "Custos::WatchList", "id": "vip"}]},
    ]
    r = requests.put(server.url + "/v1/entities", headers=auth(admin), json=entities, timeout=30)
    assert r.status_code == 200, r.text
    time.sleep(0.5)  # the service takes the new version between pages
    after = make_event(actor={"id": "officer-3", "session": "s-1"}, subjects=["person:42"])
    assert server.post_events([after], keys["ingest"]).status_code == 200
    deadline = time.monotonic() + 60
    while not watch_findings():
        assert time.monotonic() < deadline, findings(server, keys["triage"])
        time.sleep(0.2)
    assert [f["evidence"] for f in watch_findings()] == [[after["id"]]]
