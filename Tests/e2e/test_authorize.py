"""The policy decision point, POST /v1/authorize, against a running server: decisions as `custos policy check`
makes them, each recorded as an `authorize` event; fail closed without policies; bad files stop startup."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import requests

from conftest import CUSTOS_BIN, auth, create_key

FIXTURES = Path(__file__).resolve().parent / "policy_fixtures"


def ask(server, token, **body):
    return requests.post(server.url + "/v1/authorize", json=body, headers=auth(token), timeout=30)


def test_decides_and_records(tmp_data, server_factory):
    shutil.copy(FIXTURES / "agency.cedar", tmp_data / "policies.cedar")
    shutil.copy(FIXTURES / "agency.entities.json", tmp_data / "entities.json")
    host = create_key(tmp_data, "casebook-host", "ingest")
    reader = create_key(tmp_data, "auditor-1", "read")
    server = server_factory(tmp_data)

    r = ask(server, host, principal={"type": "Officer", "id": "alice"}, action='Action::"view"',
            resource={"type": "Person", "id": "p4"}, app="casebook")
    assert r.status_code == 200, r.text
    allowed = r.json()
    assert allowed["decision"] == "allow" and allowed["reasons"] == ["view-assigned"]
    assert allowed["decision_id"].startswith("dec-")

    r = ask(server, host, principal='Officer::"carol"', action='Action::"view"', resource='Person::"p4"',
            context={"reason": "curiosity"}, app="casebook")
    assert r.status_code == 200, r.text
    assert r.json()["decision"] == "deny"

    r = ask(server, reader, principal='Officer::"carol"', action='Action::"view"', resource='Person::"p4"', app="x")
    assert r.status_code == 403
    r = ask(server, host, principal='Officer::"carol"', action='Action::"view"', resource='Person::"p4"')
    assert r.status_code == 400 and r.json()["errors"][0]["path"] == "app"

    events = server.all_events(reader, action="authorize")
    assert [e["outcome"] for e in events] == ["success", "denied"]
    first = events[0]
    assert first["actor"]["id"] == "alice" and first["resource"] == {"type": "Person", "id": "p4"}
    assert first["decision"] == allowed["decision_id"] and first["app"] == "casebook"
    assert first["attributes"]["cedar_action"] == 'Action::"view"'
    assert len(first["attributes"]["policy_set_sha256"]) == 64
    assert events[1]["attributes"]["context"] == {"reason": "curiosity"}


def test_fails_closed_without_policies(deployment):
    r = ask(deployment.server, deployment.ingest, principal='U::"a"', action='A::"b"', resource='R::"c"', app="x")
    assert r.status_code == 503, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert "no policy loaded" in r.json()["detail"] and r.json()["decision"] == "deny"


def test_bad_policy_file_stops_startup(tmp_data):
    (tmp_data / "policies.cedar").write_text("permit(principal, action, resource);\nforbid(principal action);\n")
    p = subprocess.run([CUSTOS_BIN, "serve", "--data", str(tmp_data), "--port", "0"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 2, p.stderr
    assert f"{tmp_data}/policies.cedar:2:" in p.stderr, p.stderr
