"""Bearer keys and scopes: 401 with a challenge, 403 for a missing scope, revocation, public routes."""

from __future__ import annotations

import json
import time

import requests

from conftest import auth, create_key, key_id, make_event, run_cli, unique

READ_ROUTES = ["/v1/events", "/v1/actors/a/timeline", "/v1/datasets/d/access", "/v1/subjects/p/access", "/metrics"]


def assert_401(r):
    assert r.status_code == 401, (r.status_code, r.text)
    assert r.headers["WWW-Authenticate"].startswith("Bearer"), r.headers
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.json()["type"] == "https://custos.dev/problems/unauthorized"


def test_missing_or_garbage_key_is_401(deployment):
    s = deployment.server
    well_formed_unknown = "custos_" + "A" * 12 + "_" + "b" * 43
    wrong_secret = deployment.admin[: -1] + ("x" if deployment.admin[-1] != "x" else "y")
    bad_headers = [
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": deployment.admin},
        auth(well_formed_unknown),
        auth(wrong_secret),
    ]
    for headers in bad_headers:
        for path in READ_ROUTES:
            assert_401(requests.get(s.url + path, headers=headers, timeout=10))
        r = requests.post(s.url + "/v1/events", json=make_event(), headers=headers, timeout=10)
        assert_401(r)


def test_bearer_scheme_is_case_insensitive(deployment):
    r = requests.get(deployment.url + "/v1/events", params={"limit": "1"},
                     headers={"Authorization": "bearer " + deployment.read}, timeout=10)
    assert r.status_code == 200, r.text


def test_ingest_only_key_cannot_read(deployment):
    for path in READ_ROUTES + ["/v1/sessions/s-1"]:
        r = deployment.server.get(path, deployment.ingest)
        assert r.status_code == 403, (path, r.status_code, r.text)
        assert r.json()["type"] == "https://custos.dev/problems/forbidden"
        assert "read" in r.json()["detail"]


def test_read_key_cannot_ingest(deployment):
    app = unique("app")
    r = deployment.server.post_events(make_event(app=app), deployment.read)
    assert r.status_code == 403, r.text
    assert "ingest" in r.json()["detail"]
    assert deployment.server.all_events(deployment.admin, app=app) == []


def test_admin_and_combined_keys_do_both(deployment):
    for token in (deployment.admin, deployment.both):
        app = unique("app")
        assert deployment.server.post_events(make_event(app=app), token).status_code == 200
        assert len(deployment.server.all_events(token, app=app)) == 1


def test_public_routes_need_no_key(deployment):
    r = requests.get(deployment.url + "/health", timeout=10)
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = requests.get(deployment.url + "/openapi.json", timeout=10)
    assert r.status_code == 200 and r.json()["openapi"].startswith("3.1")


def test_metrics_with_read_key(deployment):
    r = deployment.server.get("/metrics", deployment.read)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")


def test_revoked_key_stops_working(deployment):
    data = deployment.data_dir
    token = create_key(data, "temp-owner", "read", "ingest", name="to-revoke")
    assert deployment.server.get("/v1/events", token, params={"limit": "1"}).status_code == 200
    p = run_cli("keys", "revoke", key_id(token), "--data", str(data))
    assert p.returncode == 0, p.stderr
    # Keys are cached for up to 5 s: poll for up to 10 s.
    deadline = time.monotonic() + 10
    while True:
        r = deployment.server.get("/v1/events", token, params={"limit": "1"})
        if r.status_code == 401:
            break
        assert r.status_code == 200, r.text
        assert time.monotonic() < deadline, "a revoked key still worked after 10 s"
        time.sleep(0.25)
    assert_401(r)
    assert "revoked" in r.json()["detail"]
    assert_401(deployment.server.post_events(make_event(), token))
    # Revoking again fails; the listing shows the key as revoked, never its secret.
    assert run_cli("keys", "revoke", key_id(token), "--data", str(data)).returncode != 0
    listing = run_cli("keys", "list", "--data", str(data), "--format", "json", check=True).stdout
    assert token.split("_")[2] not in listing
    keys = {k["id"]: k for k in json.loads(listing)}
    assert keys[key_id(token)]["status"] == "revoked"
    assert keys[key_id(deployment.admin)]["status"] == "active"


def test_expired_key_is_401(deployment):
    p = run_cli("keys", "create", "--name", "old", "--owner", "someone", "--scope", "read",
                "--expires", "2020-01-01T00:00:00Z", "--data", str(deployment.data_dir), check=True)
    token = p.stdout.strip().splitlines()[-1]
    # The command says at once that the key cannot work.
    assert "already past" in p.stderr, p.stderr
    r = deployment.server.get("/v1/events", token)
    assert_401(r)
    assert "expired" in r.json()["detail"]
