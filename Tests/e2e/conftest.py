"""Fixtures for the end-to-end tests: they drive the real `custos` binary (CLI and server) over loopback.

Environment:
  CUSTOS_BIN   the custos binary (default .build/debug/custos of this checkout)
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

CUSTOS_BIN = os.environ.get("CUSTOS_BIN", str(Path(__file__).resolve().parents[2] / ".build" / "debug" / "custos"))
REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_PATH = REPO_ROOT / "Sources" / "CustosServer" / "Resources" / "openapi.json"
LISTENING = re.compile(r"Custos is listening on (http://\S+) \(data: (.*)\)")
START_TIMEOUT = 30.0


def run_cli(*args: str, input: bytes | str | None = None, timeout: float = 120, check: bool = False,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs `custos ARGS…` and returns the completed process (text mode)."""
    if isinstance(input, bytes):
        input = input.decode()
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([CUSTOS_BIN, *args], input=input, capture_output=True, text=True, timeout=timeout, env=e)
    if check and p.returncode != 0:
        raise AssertionError(f"custos {' '.join(args)} exited {p.returncode}\nstdout:{p.stdout}\nstderr:{p.stderr}")
    return p


def create_key(data_dir: str | Path, owner: str, *scopes: str, name: str | None = None) -> str:
    """Creates an API key with `custos keys create` and returns its bearer token."""
    args = ["keys", "create", "--name", name or f"{owner}-{'-'.join(scopes)}", "--owner", owner]
    for s in scopes:
        args += ["--scope", s]
    args += ["--data", str(data_dir)]
    p = run_cli(*args, check=True, timeout=60)
    token = p.stdout.strip().splitlines()[-1].strip()
    assert re.fullmatch(r"custos_[A-Za-z0-9]{12}_[A-Za-z0-9]{43}", token), p.stdout
    return token


def key_id(token: str) -> str:
    return token.split("_")[1]


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class Server:
    """A `custos serve` process on a free loopback port."""

    def __init__(self, data_dir: str | Path, config: str | Path | None = None):
        self.data_dir = str(data_dir)
        self.config = str(config) if config else None
        self.proc: subprocess.Popen | None = None
        self.url: str | None = None
        self.log_path = Path(self.data_dir).parent / f"server-{uuid.uuid4().hex[:8]}.log"
        self._stderr = None

    def start(self) -> "Server":
        args = [CUSTOS_BIN, "serve", "--data", self.data_dir, "--port", "0", "--host", "127.0.0.1"]
        if self.config:
            args += ["--config", self.config]
        self._stderr = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        found: list[str] = []

        def read_stdout():
            assert self.proc and self.proc.stdout
            for line in self.proc.stdout:
                m = LISTENING.search(line)
                if m and not found:
                    found.append(m.group(1))
            # Keep draining so the server never blocks on a full pipe.

        t = threading.Thread(target=read_stdout, daemon=True)
        t.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not found:
            if self.proc.poll() is not None:
                raise AssertionError(f"custos serve exited {self.proc.returncode}: {self.log()}")
            if time.monotonic() > deadline:
                self.kill9()
                raise AssertionError(f"custos serve did not report listening within {START_TIMEOUT}s: {self.log()}")
            time.sleep(0.02)
        self.url = found[0]
        assert self.url.startswith("http://127.0.0.1:"), self.url
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 15) -> int | None:
        """SIGTERM, then SIGKILL if it does not exit in time."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._stderr:
            self._stderr.close()
        return self.proc.returncode if self.proc else None

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        if self._stderr:
            self._stderr.close()

    @property
    def alive(self) -> bool:
        return bool(self.proc) and self.proc.poll() is None

    # HTTP helpers -------------------------------------------------------------------------------------------------

    def get(self, path: str, token: str | None = None, **kw) -> requests.Response:
        headers = kw.pop("headers", {}) or {}
        if token:
            headers.update(auth(token))
        return requests.get(self.url + path, headers=headers, timeout=kw.pop("timeout", 30), **kw)

    def post_events(self, body, token: str | None, content_type: str = "application/json",
                    **kw) -> requests.Response:
        headers = {"Content-Type": content_type}
        if token:
            headers.update(auth(token))
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        return requests.post(self.url + "/v1/events", data=body, headers=headers, timeout=kw.pop("timeout", 60), **kw)

    def all_events(self, token: str, page: int = 1000, **filters) -> list[dict]:
        """Every event matching `filters`, oldest first, by cursor paging (order=asc)."""
        out: list[dict] = []
        params = dict(filters, order="asc", limit=str(page))
        while True:
            r = self.get("/v1/events", token, params=params)
            assert r.status_code == 200, (r.status_code, r.text)
            doc = r.json()
            out.extend(doc["events"])
            if doc["next_cursor"] is None:
                return out
            params["cursor"] = doc["next_cursor"]


_counter = itertools.count()


def make_event(**over) -> dict:
    """A valid access event with a unique id; keyword arguments replace or add fields."""
    n = next(_counter)
    e = {
        "id": f"ev-{uuid.uuid4().hex}",
        "time": "2026-11-20T10:00:00.000Z",
        "actor": {"id": "officer-1", "session": "s-1", "roles": ["analyst"]},
        "action": "view",
        "resource": {"type": "record", "id": f"persons/{n}", "dataset": "persons"},
        "subjects": [f"person:{n}"],
        "rows": 1,
        "bytes": 100,
        "outcome": "success",
        "app": "casebook",
    }
    e.update(over)
    return e


def ndjson(events) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# Fixtures ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not os.access(CUSTOS_BIN, os.X_OK):
        pytest.exit(f"custos binary not found at {CUSTOS_BIN}; set CUSTOS_BIN", returncode=2)


@pytest.fixture
def tmp_data(tmp_path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


class Deployment:
    """A server on its own data directory with keys of every kind."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.admin = create_key(data_dir, "supervisor-1", "admin", name="admin")
        self.ingest = create_key(data_dir, "casebook-host", "ingest", name="ingest-only")
        self.read = create_key(data_dir, "auditor-1", "read", name="read-only")
        self.both = create_key(data_dir, "svc-both", "ingest", "read", name="ingest-read")
        self.server = Server(data_dir).start()

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def deployment():
    """One running server per test module (with admin, ingest-only, read-only and ingest+read keys)."""
    with tempfile.TemporaryDirectory(prefix="custos-e2e-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        d = Deployment(data)
        try:
            yield d
        finally:
            d.server.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Starts servers on demand; stops (or kills) all of them at the end of the test."""
    started: list[Server] = []

    def start(data_dir: Path, config: Path | None = None) -> Server:
        s = Server(data_dir, config).start()
        started.append(s)
        return s

    yield start
    for s in started:
        if s.alive:
            s.stop()
