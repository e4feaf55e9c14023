"""Console sessions with the real binary: a signed-in browser stays signed in across a server restart (sessions are
kept in the store, hashed), signing out ends the session for good, and failed sign-ins are throttled per client
address as well as per username."""

from __future__ import annotations

import sqlite3

import pytest
import requests

from conftest import Server, run_cli

PASSWORD = "console session password"


@pytest.fixture()
def data(tmp_path):
    data = tmp_path / "data"
    run_cli("users", "add", "--data", str(data), "--username", "ann", "--role", "privacy-officer", "--actor",
            "overseer-ann", input=PASSWORD + "\n", check=True, timeout=60)
    return data


def sign_in(server: Server) -> requests.Session:
    s = requests.Session()
    r = s.post(server.url + "/login", data={"username": "ann", "password": PASSWORD, "next": "/"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    return s


def test_a_restart_keeps_the_session_and_sign_out_ends_it(data):
    server = Server(data).start()
    try:
        s = sign_in(server)
        cookie = s.cookies["custos_session"]
        assert s.get(server.url + "/rules", allow_redirects=False, timeout=30).status_code == 200
    finally:
        server.stop()
    # Only the SHA-256 of the cookie is in the database.
    db = sqlite3.connect(data / "custos.sqlite")
    rows = db.execute("SELECT key, username, label FROM console_sessions").fetchall()
    db.close()
    assert len(rows) == 1 and rows[0][1] == "ann"
    assert cookie not in " ".join(str(c) for c in rows[0])

    server = Server(data).start()
    try:
        base = server.url
        s.cookies.clear()
        s.cookies.set("custos_session", cookie)
        page = s.get(base + "/ledger", allow_redirects=False, timeout=30)
        assert page.status_code == 200, page.status_code
        token = page.text.split('name="csrf" value="')[1].split('"')[0]
        # The CSRF token survives the restart too (it is derived from the cookie, never stored).
        r = s.post(base + "/logout", data={"csrf": token}, headers={"Origin": base}, allow_redirects=False,
                   timeout=30)
        assert r.status_code == 302
        s.cookies.set("custos_session", cookie)
        r = s.get(base + "/ledger", allow_redirects=False, timeout=30)
        assert r.status_code == 303 and r.headers["Location"].startswith("/login")
    finally:
        server.stop()


def test_failed_sign_ins_are_throttled_per_client_address(data):
    server = Server(data).start()
    try:
        for i in range(20):
            r = requests.post(server.url + "/login", data={"username": f"guess{i}", "password": "wrong"},
                              allow_redirects=False, timeout=30)
            assert r.status_code == 401, (i, r.status_code)
        r = requests.post(server.url + "/login", data={"username": "ann", "password": PASSWORD},
                          allow_redirects=False, timeout=30)
        assert r.status_code == 429
        assert "Set-Cookie" not in r.headers
    finally:
        server.stop()
