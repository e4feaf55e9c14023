"""The OpenAPI document: valid, served at /openapi.json, covering every route; and schemathesis against the live
server (no 5xx other than 503; responses, status codes, content types and headers as documented; invalid input
refused)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import OPENAPI_PATH, REPO_ROOT, auth, create_key, make_event

HERE = Path(__file__).resolve().parent
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "30")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261123")


def load_doc():
    return json.loads(OPENAPI_PATH.read_text())


def test_document_is_valid_openapi_3_1():
    validator = pytest.importorskip("openapi_spec_validator")
    doc = load_doc()
    assert doc["openapi"] == "3.1.0"
    validator.validate(doc)


def test_document_covers_every_route():
    doc = load_doc()
    ops = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    assert ops == {
        ("GET", "/health"), ("GET", "/metrics"), ("GET", "/openapi.json"), ("POST", "/v1/events"),
        ("GET", "/v1/events"), ("GET", "/v1/actors/{id}/timeline"), ("GET", "/v1/sessions/{id}"),
        ("GET", "/v1/datasets/{id}/access"), ("GET", "/v1/subjects/{id}/access"),
        ("GET", "/v1/checkpoints"), ("POST", "/v1/checkpoints"), ("GET", "/v1/proofs/inclusion"),
        ("GET", "/v1/proofs/consistency"), ("GET", "/checkpoint"), ("GET", "/tile/{L}/{N}"),
        ("GET", "/tile/{L}/{N}.p/{W}"), ("GET", "/tile/entries/{N}"), ("GET", "/tile/entries/{N}.p/{W}"),
        ("POST", "/v1/authorize"),
        ("GET", "/v1/alerts"), ("GET", "/v1/alerts/{id}"), ("POST", "/v1/alerts/{id}/assign"),
        ("POST", "/v1/alerts/{id}/comment"), ("POST", "/v1/alerts/{id}/acknowledge"),
        ("POST", "/v1/alerts/{id}/resolve"), ("POST", "/v1/alerts/{id}/reopen"), ("POST", "/v1/alerts/{id}/reveal"),
        ("GET", "/v1/findings"), ("GET", "/v1/suppressions"), ("POST", "/v1/suppressions"),
        ("DELETE", "/v1/suppressions/{id}"),
        ("GET", "/v1/webhooks/deliveries"), ("GET", "/v1/webhooks/deliveries/{id}"),
        ("POST", "/v1/webhooks/deliveries/{id}/retry"), ("POST", "/v1/webhooks/test"),
        ("POST", "/v1/rules/backtest"),
        ("POST", "/v1/authorize/batch"), ("GET", "/v1/entities"), ("PUT", "/v1/entities"),
        ("POST", "/v1/entities/upsert"), ("DELETE", "/v1/entities/{type}/{id}"), ("GET", "/v1/policies"),
        ("POST", "/v1/policies/reload"), ("GET", "/v1/reviews"), ("POST", "/v1/reviews/{id}/close"),
        ("POST", "/v1/policy/check"),
    }
    public = {p for p, item in doc["paths"].items() if item.get("get", {}).get("security") == []}
    assert public == {"/health", "/openapi.json", "/checkpoint", "/tile/{L}/{N}", "/tile/{L}/{N}.p/{W}",
                      "/tile/entries/{N}", "/tile/entries/{N}.p/{W}"}
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    post = doc["paths"]["/v1/events"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}
    assert {"200", "400", "401", "403", "409", "413", "415", "503"} <= set(post["responses"])
    assert "Retry-After" in post["responses"]["503"]["headers"]


def test_served_document_is_the_file(deployment):
    r = deployment.server.get("/openapi.json")
    assert r.status_code == 200
    assert r.json() == load_doc(), "the binary serves another openapi.json (rebuild after editing the file)"


def test_documented_example_event_is_accepted(deployment):
    example = load_doc()["paths"]["/v1/events"]["post"]["requestBody"]["content"]["application/json"]["example"]
    r = deployment.server.post_events(example, deployment.ingest)
    assert r.status_code == 200, r.text


class _AcceptingHandler(BaseHTTPRequestHandler):
    """A webhook receiver that accepts everything."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def schemathesis_command() -> list[str]:
    exe = shutil.which("schemathesis") or shutil.which("st")
    if exe:
        return [exe]
    return [sys.executable, "-m", "schemathesis.cli"]


def test_schemathesis(tmp_path, tmp_data, server_factory):
    pytest.importorskip("schemathesis", reason="pip install schemathesis")
    admin = create_key(tmp_data, "fuzzer", "admin")
    # Policies for the decision point, so /v1/authorize decides rather than failing closed.
    fixtures = HERE / "policy_fixtures"
    shutil.copy(fixtures / "agency.cedar", tmp_data / "policies.cedar")
    shutil.copy(fixtures / "agency.entities.json", tmp_data / "entities.json")
    shutil.copytree(REPO_ROOT / "rules", tmp_data / "rules")
    # A webhook endpoint (a listener answering 200), so the webhook routes deliver rather than answer 409.
    listener = ThreadingHTTPServer(("127.0.0.1", 0), _AcceptingHandler)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    config = tmp_path / "custos.json"
    config.write_text(json.dumps({"webhooks": [{"name": "fuzz", "secret": "fuzz-secret-0123456789",
                                                "url": f"http://127.0.0.1:{listener.server_address[1]}/hook"}]}))
    server = server_factory(tmp_data, config)
    # Data for the documented examples, so the reads have something to return.
    events = [make_event(actor={"id": "officer-4411", "session": "sess-1"}, subjects=["person:123"], app="casebook")
              for _ in range(5)]
    assert server.post_events(events, admin).status_code == 200
    # An alert (a broad search) and a suppression, so the alert routes have something to act on (docs/alerts.md).
    broad = make_event(action="search", rows=5000, query="surname = 'x'",
                       actor={"id": "officer-77", "session": "s-9", "roles": ["analyst"]})
    assert server.post_events([broad], admin).status_code == 200
    for _ in range(100):
        if len(server.get("/v1/alerts", admin).json()["alerts"]) >= 2:
            break
        time.sleep(0.1)
    # Alert 2 (the broad search) resolved, so that reopen (documented example id 2) has one to reopen.
    r = requests.post(server.url + "/v1/alerts/2/resolve", headers=auth(admin), timeout=30,
                      json={"disposition": "benign"})
    assert r.status_code == 200, r.text
    r = requests.post(server.url + "/v1/suppressions", headers=auth(admin), timeout=30,
                      json={"rule": "custos_broad_query", "actor": "officer-77", "hours": 1, "reason": "fixture"})
    assert r.status_code == 201, r.text
    # One real delivery, whose id the delivery routes are given; a back-test's rule text is valid Sigma only by
    # rules JSON Schema cannot state, so most generated bodies are refused by design (no validation warning).
    ping = requests.post(server.url + "/v1/webhooks/test", headers={"Authorization": f"Bearer {admin}"}, timeout=30)
    assert ping.status_code == 202, ping.text
    delivery_id = ping.json()["deliveries"][0]["id"]
    (tmp_path / "schemathesis.toml").write_text(
        '[[operations]]\ninclude-path-regex = "^/v1/webhooks/deliveries/"\n'
        f'parameters = {{ "path.id" = "{delivery_id}" }}\n\n'
        '[[operations]]\ninclude-operation-id = "backtestRule"\nwarnings = false\n')
    env = dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks", NO_COLOR="1",
               PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = schemathesis_command() + [
        "run", str(OPENAPI_PATH), "--url", server.url,
        "-H", f"Authorization: Bearer {admin}",
        "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1",
        "--phases", "examples,coverage,fuzzing",
        "--checks", "all",
        # not_a_server_error is replaced by no_server_error_but_503 (schemathesis_hooks.py): 503 is documented.
        # positive_data_acceptance cannot hold: some rules span parameters (`to` after `from`, a cursor must
        # decode) or are not expressible in JSON Schema (ids unique within a batch, UTF-8 byte lengths).
        # unsupported_method: Hummingbird answers 404, not 405, to methods a path does not route.
        "--exclude-checks", "not_a_server_error,positive_data_acceptance,unsupported_method",
        "--request-timeout", "30",
        # Every warning except two the policy routes cannot avoid: missing_test_data (closing a review or deleting
        # an entity with a random id is 404) and validation_mismatch (random Cedar entities and requests are
        # mostly refused as invalid Cedar, which JSON Schema cannot express).
        "--warnings", "missing_auth,base_url_mismatch,missing_deserializer,unused_openapi_auth,unsupported_regex,"
        "method_not_allowed,unmatched_filter,unresolvable_reference,rate_limited,timeout_units",
    ]
    try:
        p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    finally:
        listener.shutdown()
        listener.server_close()
    out = p.stdout + p.stderr
    assert p.returncode == 0, f"schemathesis found problems (exit {p.returncode}):\n{out[-12000:]}"
    assert "No issues found" in out, out[-3000:]
    assert server.alive
