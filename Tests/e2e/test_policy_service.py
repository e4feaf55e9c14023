"""The decision point as a service, against the real `custos` binary: batch decisions, the versioned entity
store (changed over HTTP, persisted across a restart), hot reload of policy files (the poll and the route; a bad
set refused whole), break-glass reviews surviving a restart, and the CLI's `policy test` and `--explain`."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import requests

from conftest import auth, create_key, run_cli

FIXTURES = Path(__file__).resolve().parent / "policy_fixtures"
VIEW_P4 = {"action": 'Action::"view"', "resource": 'Person::"p4"', "app": "casebook"}


def post(server, path, token, body):
    return requests.post(server.url + path, json=body, headers=auth(token), timeout=30)


def agency(tmp_data: Path, poll: int = 1) -> Path:
    shutil.copy(FIXTURES / "agency.cedar", tmp_data / "policies.cedar")
    shutil.copy(FIXTURES / "agency.entities.json", tmp_data / "entities.json")
    config = tmp_data.parent / "config.json"
    config.write_text(json.dumps({"policy_poll_seconds": poll, "log_level": "info"}))
    return config


def test_batch_entities_and_restart(tmp_data, server_factory):
    config = agency(tmp_data)
    host = create_key(tmp_data, "casebook-host", "ingest")
    admin = create_key(tmp_data, "entity-admin", "admin")
    reader = create_key(tmp_data, "auditor-1", "read")
    server = server_factory(tmp_data, config)

    r = post(server, "/v1/authorize/batch", host, {"requests": [
        {"principal": 'Officer::"alice"', **VIEW_P4}, {"principal": 'Officer::"carol"', **VIEW_P4}]})
    assert r.status_code == 200, r.text
    assert [d["decision"] for d in r.json()["decisions"]] == ["allow", "deny"]
    before = server.get("/v1/entities", reader).json()
    assert before["version"] == 1 and before["types"]["Officer"] == 3

    # carol gets case c1 (where p4 is): a new version, recorded, and decisions follow it.
    carol = {"uid": {"type": "Officer", "id": "carol"}, "parents": [],
             "attrs": {"cases": [{"__entity": {"type": "Case", "id": "c1"}}], "clearance": 1}}
    r = post(server, "/v1/entities/upsert", admin, carol)
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["version"] == 2 and after["sha256"] != before["sha256"]
    r = post(server, "/v1/authorize", host, {"principal": 'Officer::"carol"', **VIEW_P4})
    assert r.json()["decision"] == "allow", r.text

    # A bad replacement is refused whole, naming each bad entity; nothing changes.
    r = requests.put(server.url + "/v1/entities", json=[carol, {"uid": {"type": "Officer"}}, {"uid": 5}],
                     headers=auth(admin), timeout=30)
    assert r.status_code == 400 and r.json()["type"].endswith("/invalid-entities"), r.text
    assert [e["path"][:3] for e in r.json()["errors"]] == ["[1]", "[2]"]
    assert server.get("/v1/entities", reader).json()["version"] == 2

    changes = server.all_events(reader, action="custos.entities")
    assert len(changes) == 1 and changes[0]["actor"]["id"] == "entity-admin"
    assert changes[0]["attributes"]["sha256"] == after["sha256"]
    decisions = server.all_events(reader, action="authorize")
    assert decisions[-1]["attributes"]["entities_sha256"] == after["sha256"]
    assert decisions[0]["attributes"]["entities_sha256"] == before["sha256"]

    metrics = server.get("/metrics", reader).text
    assert 'custos_decisions_total{outcome="allow"} 2' in metrics
    assert "custos_decision_seconds_count 3" in metrics

    # The snapshot survives a restart at the same version.
    server.stop()
    server = server_factory(tmp_data, config)
    assert server.get("/v1/entities", reader).json() == after
    r = post(server, "/v1/authorize", host, {"principal": 'Officer::"carol"', **VIEW_P4})
    assert r.json()["decision"] == "allow", r.text


def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_policy_files_are_hot_reloaded(tmp_data, server_factory):
    config = agency(tmp_data)
    host = create_key(tmp_data, "casebook-host", "ingest")
    admin = create_key(tmp_data, "policy-admin", "admin")
    reader = create_key(tmp_data, "auditor-1", "read")
    server = server_factory(tmp_data, config)
    carol = {"principal": 'Officer::"carol"', **VIEW_P4}
    old = server.get("/v1/policies", reader).json()
    assert [p["id"] for p in old["list"]] == ["view-assigned", "restricted", "break-glass"]
    assert post(server, "/v1/authorize", host, carol).json()["decision"] == "deny"

    # A broken file is refused whole; the last good set stays in force.
    (tmp_data / "policies.cedar").write_text('@id("all")\npermit(principal, action, resource)\nwhen { 1 + };\n')
    assert wait_for(lambda: "policies.cedar:3:" in server.log()), server.log()
    assert post(server, "/v1/authorize", host, carol).json()["decision"] == "deny"
    r = requests.post(server.url + "/v1/policies/reload", headers=auth(admin), timeout=30)
    assert r.status_code == 422 and "policies.cedar:3:" in r.json()["errors"][0]["message"], r.text
    assert server.get("/v1/policies", reader).json()["sha256"] == old["sha256"]

    # A good file is picked up by the poll and recorded with the server as actor.
    text = '@id("all")\n@owner("records")\npermit(principal, action, resource);\n'
    (tmp_data / "policies.cedar").write_text(text)
    assert wait_for(lambda: server.get("/v1/policies", reader).json()["sha256"] != old["sha256"]), server.log()
    now = server.get("/v1/policies", reader).json()
    assert now["list"] == [{"id": "all", "effect": "permit", "annotations": {"id": "all", "owner": "records"},
                            "line": now["list"][0]["line"], "shadow": False, "break_glass": False}]
    r = post(server, "/v1/authorize", host, carol)
    assert r.json()["decision"] == "allow" and r.json()["reasons"] == ["all"]
    changes = server.all_events(reader, action="custos.policy")
    assert len(changes) == 1
    change = changes[0]
    assert change["actor"]["id"] == "custos"
    assert change["attributes"]["previous_sha256"] == old["sha256"]
    assert change["attributes"]["sha256"] == now["sha256"] and change["attributes"]["policies"] == 1
    assert change["attributes"]["source"].endswith("policies.cedar")
    assert server.all_events(reader, action="authorize")[-1]["attributes"]["policy_set_sha256"] == now["sha256"]


def test_break_glass_review_survives_restart(tmp_data, server_factory):
    config = agency(tmp_data, poll=0)
    text = (FIXTURES / "agency.cedar").read_text().replace('@id("break-glass")', '@id("break-glass")\n@break_glass')
    (tmp_data / "policies.cedar").write_text(text)
    host = create_key(tmp_data, "casebook-host", "ingest")
    admin = create_key(tmp_data, "review-admin", "admin")
    reader = create_key(tmp_data, "auditor-1", "read")
    server = server_factory(tmp_data, config)
    # p1 is in alice's case, not bob's, and not restricted: only the emergency permit applies.
    r = post(server, "/v1/authorize", host, {"principal": 'Officer::"bob"', **VIEW_P4, "resource": 'Person::"p1"',
                                             "context": {"reason": "emergency: child at risk"}})
    assert r.status_code == 200 and r.json()["decision"] == "allow", r.text
    review_id = r.json()["review_id"]
    event = server.all_events(reader, action="authorize")[-1]
    assert event["purpose"] == {"reason": "emergency: child at risk"}
    assert event["attributes"]["break_glass"] is True and event["attributes"]["review"] == review_id

    server.stop()
    server = server_factory(tmp_data, config)
    reviews = server.get("/v1/reviews", reader).json()["reviews"]
    assert [v["id"] for v in reviews] == [review_id] and reviews[0]["status"] == "open"
    r = post(server, f"/v1/reviews/{review_id}/close", admin, {"outcome": "justified", "note": "duty log checked"})
    assert r.status_code == 200 and r.json()["closed_by"] == "review-admin", r.text
    assert server.get("/v1/reviews", reader).json()["reviews"] == []
    closes = server.all_events(reader, action="custos.review")
    assert closes[0]["attributes"]["outcome"] == "justified"


def test_policy_test_command_reports_a_diff(tmp_path):
    tests = tmp_path / "tests.ndjson"
    good = [{"name": "alice sees p4", "principal": 'Officer::"alice"', "action": 'Action::"view"',
             "resource": 'Person::"p4"', "expect": "allow", "reasons": ["view-assigned"]},
            {"name": "carol does not", "principal": 'Officer::"carol"', "action": 'Action::"view"',
             "resource": 'Person::"p4"', "expect": "deny"}]
    tests.write_text("".join(json.dumps(t) + "\n" for t in good))
    args = ["policy", "test", "--policies", str(FIXTURES / "agency.cedar"), "--entities",
            str(FIXTURES / "agency.entities.json"), "--tests", str(tests)]
    p = run_cli(*args)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "2 tests passed" in p.stdout

    wrong = dict(good[1], name="carol sees p4", expect="allow")
    tests.write_text("".join(json.dumps(t) + "\n" for t in [good[0], wrong]))
    p = run_cli(*args)
    assert p.returncode == 1, p.stdout + p.stderr
    assert f"{tests}:2 carol sees p4: expected allow, got deny []" in p.stdout
    assert "denied by default: no permit applies" in p.stdout
    assert "1 of 2 tests failed" in p.stdout

    tests.write_text('{"principal": "Officer::\\"alice\\"", "action": "Action::\\"view\\"", "resource": "x"}\n')
    p = run_cli(*args)
    assert p.returncode == 2 and f"{tests}:1:" in p.stderr, p.stderr


def test_policy_check_explains(tmp_path):
    requests_file = tmp_path / "r.ndjson"
    requests_file.write_text(json.dumps({"principal": 'Officer::"bob"', "action": 'Action::"view"',
                                         "resource": 'Person::"p3"'}) + "\n")
    p = run_cli("policy", "check", "--policies", str(FIXTURES / "agency.cedar"), "--entities",
                str(FIXTURES / "agency.entities.json"), "--requests", str(requests_file), "--explain")
    assert p.returncode == 0, p.stderr
    line = json.loads(p.stdout)
    assert line["decision"] == "deny" and line["reasons"] == ["restricted"]
    assert line["explanation"].startswith("denied: forbid restricted (line ")
    assert "overrides every permit" in line["explanation"]
