"""Webhooks end to end: `custos serve` configured with endpoints that are real Python HTTP listeners; the test
ping arrives signed as documented (the HMAC is recomputed here), failures are dead-lettered, listed and retried, and
no secret leaves the server."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import auth, create_key

SECRET = "whsec-e2e-5d0c6a1f9b2e4c7a"
SECRET_FILE_SECRET = "whsec-from-file-8e1b2c3d4e5f"


class Listener:
    """An HTTP listener on 127.0.0.1 that records every POST and answers with `status` (a list is used up first)."""

    def __init__(self, statuses: list[int] | None = None):
        self.received: list[dict] = []
        self.statuses = list(statuses or [])
        self.lock = threading.Lock()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with listener.lock:
                    listener.received.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                              "body": body, "path": self.path, "at": time.monotonic()})
                    status = listener.statuses.pop(0) if listener.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/custos"

    def wait_for(self, count: int, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self.lock:
            return list(self.received)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def verify(secret: str, request: dict) -> bool:
    """The receiver's check, exactly as docs/notifications.md gives it."""
    timestamp = request["headers"]["custos-timestamp"]
    signed = timestamp.encode() + b"." + request["body"]
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"]["custos-signature"])


@pytest.fixture
def listeners():
    made: list[Listener] = []

    def make(statuses=None) -> Listener:
        listener = Listener(statuses)
        made.append(listener)
        return listener

    yield make
    for listener in made:
        listener.close()


def start(tmp_path, tmp_data, server_factory, endpoints):
    config = tmp_path / "custos.json"
    config.write_text(json.dumps({"webhooks": endpoints}))
    admin = create_key(tmp_data, "supervisor-1", "admin")
    read = create_key(tmp_data, "auditor-1", "read")
    return server_factory(tmp_data, config), admin, read


def wait_status(server, admin, delivery_id, status, timeout=20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = server.get(f"/v1/webhooks/deliveries/{delivery_id}", admin)
        assert r.status_code == 200, r.text
        if r.json()["status"] == status or time.monotonic() > deadline:
            return r.json()
        time.sleep(0.05)


def test_ping_arrives_signed(tmp_path, tmp_data, server_factory, listeners):
    listener = listeners()
    (tmp_path / "pager.secret").write_text(SECRET_FILE_SECRET + "\n")
    server, admin, read = start(tmp_path, tmp_data, server_factory, [
        {"name": "siem", "url": listener.url, "secret": SECRET, "kinds": ["alert.*"]},
        {"name": "pager", "url": listener.url, "secret_file": "pager.secret", "kinds": ["alert.opened"]},
    ])
    r = requests.post(server.url + "/v1/webhooks/test", headers=auth(read), timeout=30)
    assert r.status_code == 403
    r = requests.post(server.url + "/v1/webhooks/test", headers=auth(admin), timeout=30)
    assert r.status_code == 202, r.text
    deliveries = {d["endpoint"]: d for d in r.json()["deliveries"]}
    assert set(deliveries) == {"siem", "pager"}
    assert all(d["kind"] == "ping" and d["status"] == "pending" for d in deliveries.values())

    got = listener.wait_for(2)
    assert len(got) == 2
    by_id = {g["headers"]["custos-delivery"]: g for g in got}
    for name, secret in (("siem", SECRET), ("pager", SECRET_FILE_SECRET)):
        request = by_id[deliveries[name]["id"]]
        assert request["path"] == "/hooks/custos"
        assert request["headers"]["content-type"] == "application/json"
        assert request["headers"]["custos-event"] == "ping"
        assert abs(int(request["headers"]["custos-timestamp"]) - time.time()) < 60
        assert verify(secret, request), name
        other = SECRET if secret != SECRET else SECRET_FILE_SECRET
        assert not verify(other, request)
        tampered = dict(request, body=request["body"] + b" ")
        assert not verify(secret, tampered)
        body = json.loads(request["body"])
        assert body["id"] == deliveries[name]["id"] and body["kind"] == "ping"
        assert body["data"] == {"message": "Custos webhook test"}
        assert wait_status(server, admin, body["id"], "delivered")["attempts"] == 1

    r = requests.post(server.url + "/v1/webhooks/test", headers=auth(admin), json={"endpoint": "pager"}, timeout=30)
    assert r.status_code == 202 and [d["endpoint"] for d in r.json()["deliveries"]] == ["pager"]
    assert len(listener.wait_for(3)) == 3
    server.stop()
    log = server.log()
    assert SECRET not in log and SECRET_FILE_SECRET not in log


def test_failures_are_dead_lettered_listed_and_retried(tmp_path, tmp_data, server_factory, listeners):
    listener = listeners([500, 503])
    server, admin, read = start(tmp_path, tmp_data, server_factory, [
        {"name": "flaky", "url": listener.url, "secret": SECRET, "max_attempts": 2,
         "backoff_base_seconds": 0.05, "timeout_seconds": 2},
    ])
    r = requests.post(server.url + "/v1/webhooks/test", headers=auth(admin), timeout=30)
    assert r.status_code == 202, r.text
    delivery_id = r.json()["deliveries"][0]["id"]
    dead = wait_status(server, admin, delivery_id, "dead")
    assert dead["status"] == "dead" and dead["attempts"] == 2
    assert dead["last_status"] == 503 and dead["last_error"] == "HTTP 503"

    assert server.get("/v1/webhooks/deliveries?status=dead", read).status_code == 403
    r = server.get("/v1/webhooks/deliveries?status=dead", admin)
    assert r.status_code == 200
    listed = r.json()["deliveries"]
    assert [d["id"] for d in listed] == [delivery_id]
    assert listed[0]["notification"]["kind"] == "ping"
    assert SECRET not in r.text and listener.url not in r.text

    r = requests.post(server.url + f"/v1/webhooks/deliveries/{delivery_id}/retry", headers=auth(admin), timeout=30)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "pending"
    delivered = wait_status(server, admin, delivery_id, "delivered")
    assert delivered["status"] == "delivered" and delivered["attempts"] == 1
    got = listener.wait_for(3)
    assert len(got) == 3 and all(verify(SECRET, g) for g in got)
    assert len({g["body"] for g in got}) == 1, "every attempt sends the same bytes"

    r = requests.post(server.url + f"/v1/webhooks/deliveries/{delivery_id}/retry", headers=auth(admin), timeout=30)
    assert r.status_code == 409 and r.headers["Content-Type"] == "application/problem+json"
    r = server.get("/v1/webhooks/deliveries?status=sideways", admin)
    assert r.status_code == 400 and r.json()["errors"][0]["path"] == "status"


def test_a_restart_resumes_a_waiting_delivery(tmp_path, tmp_data, server_factory, listeners):
    listener = listeners([500])
    endpoints = [{"name": "slow", "url": listener.url, "secret": SECRET, "backoff_base_seconds": 3,
                  "max_attempts": 5}]
    server, admin, _ = start(tmp_path, tmp_data, server_factory, endpoints)
    r = requests.post(server.url + "/v1/webhooks/test", headers=auth(admin), timeout=30)
    delivery_id = r.json()["deliveries"][0]["id"]
    assert len(listener.wait_for(1)) == 1
    time.sleep(0.5)  # the failed attempt is recorded
    server.kill9()  # no graceful shutdown: the delivery waits in the outbox for its retry
    again = server_factory(tmp_data, tmp_path / "custos.json")
    delivered = wait_status(again, admin, delivery_id, "delivered")
    assert delivered["status"] == "delivered" and delivered["attempts"] == 2
    got = listener.wait_for(2)
    assert [g["headers"]["custos-delivery"] for g in got] == [delivery_id, delivery_id]


def test_a_detected_alert_and_its_triage_arrive_signed(tmp_path, tmp_data, server_factory, listeners):
    """The detection service's alert changes reach the webhooks: a broad search opens an alert (`alert.opened`),
    resolving it sends `alert.triaged`; the user is pseudonymised in every body."""
    from conftest import REPO_ROOT, make_event
    import shutil

    shutil.copytree(REPO_ROOT / "rules", tmp_data / "rules")
    listener = listeners()
    server, admin, _ = start(tmp_path, tmp_data, server_factory, [
        {"name": "siem", "url": listener.url, "secret": SECRET, "kinds": ["alert.*"]},
    ])
    broad = make_event(action="search", rows=5000, query="surname LIKE '%'",
                       actor={"id": "officer-77", "session": "s-9", "roles": ["analyst"]})
    assert server.post_events([broad], admin).status_code == 200
    got = listener.wait_for(1, timeout=30)
    assert got, "no alert notification arrived"
    opened = [g for g in got if g["headers"]["custos-event"] == "alert.opened"]
    assert opened, [g["headers"]["custos-event"] for g in got]
    assert verify(SECRET, opened[0])
    body = json.loads(opened[0]["body"])
    assert body["kind"] == "alert.opened" and body["data"]["change"] == "opened"
    alert = body["data"]["alert"]
    assert alert["pseudonymised"] is True and alert["actor"] != "officer-77"
    assert b"officer-77" not in opened[0]["body"]

    r = requests.post(server.url + f"/v1/alerts/{alert['id']}/resolve", headers=auth(admin), timeout=30,
                      json={"disposition": "benign"})
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 30
    triaged = []
    while not triaged and time.monotonic() < deadline:
        triaged = [g for g in listener.wait_for(len(got) + 1, timeout=1)
                   if g["headers"]["custos-event"] == "alert.triaged"]
    assert triaged, "no alert.triaged notification"
    assert verify(SECRET, triaged[0])
    data = json.loads(triaged[0]["body"])["data"]
    assert data["change"] == "triaged" and data["alert"]["status"] == "resolved"
    assert data["alert"]["disposition"] == "benign"
