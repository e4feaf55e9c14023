"""C2SP tlog-witness end to end: a `custos serve` log submits its checkpoints to a `custos witness` on loopback; the
witness cosigns them, and refuses a forked log (same origin and key, another history) and a rolled-back checkpoint."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import CUSTOS_BIN, auth, create_key, make_event, run_cli, unique

WITNESS_LISTENING = re.compile(r"Custos witness is listening on (http://\S+) ")
WITNESS_KEY = re.compile(r"Witness verifier key: (\S+)")
ORIGIN = "custos.local/log"


class Witness:
    """A `custos witness` process on a free loopback port."""

    def __init__(self, config: Path):
        self.config = config
        self.log_path = config.parent / "witness.log"
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.vkey = ""

    def start(self) -> "Witness":
        self._stderr = open(self.log_path, "wb")
        self.proc = subprocess.Popen([CUSTOS_BIN, "witness", "--config", str(self.config), "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        found: dict[str, str] = {}

        def read():
            assert self.proc and self.proc.stdout
            for line in self.proc.stdout:
                if m := WITNESS_KEY.search(line):
                    found["key"] = m.group(1)
                if m := WITNESS_LISTENING.search(line):
                    found["url"] = m.group(1)

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + 30
        while "url" not in found:
            assert self.proc.poll() is None, f"custos witness exited: {self.log_path.read_text()}"
            assert time.monotonic() < deadline, "custos witness did not start"
            time.sleep(0.02)
        self.url, self.vkey = found["url"], found["key"]
        assert self.url.startswith("http://127.0.0.1:")
        return self

    def add_checkpoint(self, old: int, proof: list[str], note: str) -> requests.Response:
        body = f"old {old}\n" + "".join(h + "\n" for h in proof) + "\n" + note
        return requests.post(self.url + "/add-checkpoint", data=body.encode(), timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self._stderr.close()


def split_note(text: str):
    body, _, sigs = text.partition("\n\n")
    lines = [line for line in sigs.split("\n") if line.startswith("\u2014 ")]
    return body + "\n", lines


def verify_cosignature(vkey: str, body: str, lines: list[str]) -> int:
    """Checks the witness's cosignature/v1 line over the checkpoint body with `cryptography`; returns its time."""
    ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    name, key_id, material = vkey.split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == 4, "a cosignature/v1 verifier key has type 0x04"
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_id
    mine = [base64.b64decode(line.split(" ")[2]) for line in lines if line.split(" ")[1] == name]
    assert mine, f"no cosignature by {name} in {lines}"
    sig = mine[0]
    assert sig[:4].hex() == key_id and len(sig) == 4 + 8 + 64
    timestamp = int.from_bytes(sig[4:12], "big")
    message = f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()
    ed25519.Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[12:], message)
    return timestamp


def wait_for(predicate, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def witnessed(tmp_path, server_factory):
    """A witness, and a log (data dir `log`) configured with it, with admin, ingest and read keys."""
    run_cli("keygen", "--origin", "witness.example/w1", "--out", str(tmp_path / "wkeys"), check=True)
    log_data = tmp_path / "log"
    run_cli("keygen", "--origin", ORIGIN, "--out", str(log_data / "keys"), check=True)
    log_vkey = (log_data / "keys" / "verifier.vkey").read_text().strip()
    config = tmp_path / "witness.json"
    config.write_text(json.dumps({"key": "wkeys/signer.key", "state": "witness-state.json",
                                  "logs": [{"origin": ORIGIN, "key": log_vkey}]}))
    witness = Witness(config).start()
    printed = run_cli("witness", "--config", str(config), "--print-verifier-key", check=True).stdout.strip()
    assert printed == witness.vkey
    server_config = tmp_path / "log.json"
    server_config.write_text(json.dumps({"checkpoint_interval_seconds": 1,
                                         "witnesses": [{"name": "w1", "url": witness.url, "key": witness.vkey}]}))
    keys = {scope: create_key(log_data, f"{scope}-owner", scope) for scope in ("admin", "ingest", "read")}
    try:
        yield tmp_path, witness, log_data, server_config, keys, server_factory
    finally:
        witness.stop()


def cosigned_checkpoint(server, vkey: str, min_size: int):
    """Waits until /checkpoint carries the witness's cosignature for a checkpoint of at least `min_size`."""
    def ready():
        text = server.get("/checkpoint").text
        body, lines = split_note(text)
        size = int(body.split("\n")[1])
        name = vkey.split("+")[0]
        if size >= min_size and any(line.split(" ")[1] == name for line in lines):
            return text
        return None
    return wait_for(ready, f"a cosigned checkpoint of size >= {min_size}")


def test_log_checkpoints_are_cosigned_and_forks_and_rollbacks_refused(witnessed):
    tmp_path, witness, log_data, server_config, keys, server_factory = witnessed
    log = server_factory(log_data, server_config)

    # Two rounds of ingest: each checkpoint is cosigned, and the second proves consistency with the first.
    r = log.post_events([make_event(id=unique("w")) for _ in range(20)], keys["ingest"])
    assert r.status_code == 200, r.text
    first = cosigned_checkpoint(log, witness.vkey, 20)
    first_body, first_lines = split_note(first)
    verify_cosignature(witness.vkey, first_body, first_lines)
    r = log.post_events([make_event(id=unique("w")) for _ in range(30)], keys["ingest"])
    assert r.status_code == 200, r.text
    second = cosigned_checkpoint(log, witness.vkey, int(first_body.split("\n")[1]) + 30)
    body, lines = split_note(second)
    timestamp = verify_cosignature(witness.vkey, body, lines)
    assert abs(timestamp - time.time()) < 120
    # The log's own signature is still there, first.
    assert lines[0].split(" ")[1] == ORIGIN
    size = int(body.split("\n")[1])

    # /v1/checkpoints lists the cosignatures with each checkpoint.
    listed = log.get("/v1/checkpoints", keys["read"]).json()["checkpoints"]
    with_cosig = [c for c in listed if c["cosignatures"]]
    assert with_cosig and all(c["cosignatures"][0]["witness"] == "w1" for c in with_cosig)
    assert any(c["size"] == size for c in with_cosig)
    assert with_cosig[0]["cosignatures"][0]["signature"] in lines

    # The witness kept the latest size durably (read once the log stopped submitting).
    log.stop()
    state = json.loads((tmp_path / "witness-state.json").read_text())
    witnessed_size = state["logs"][0]["size"]
    assert witnessed_size >= size

    # A rolled-back checkpoint: the first one again. With its own size as old size: 409 naming the witness's size;
    # with the witness's size: 400 (old size above the checkpoint's).
    first_size = int(first_body.split("\n")[1])
    first_note = first_body + "\n" + first_lines[0] + "\n"
    r = witness.add_checkpoint(first_size, [], first_note)
    assert r.status_code == 409 and r.headers["Content-Type"] == "text/x.tlog.size", (r.status_code, r.text)
    assert int(r.text) == witnessed_size and r.text.endswith("\n")
    r = witness.add_checkpoint(witnessed_size, [], first_note)
    assert r.status_code == 400, (r.status_code, r.text)

    # An unknown origin is 404; a bad body 400.
    r = witness.add_checkpoint(0, [], first_note.replace(ORIGIN, "other.example/log"))
    assert r.status_code == 404, (r.status_code, r.text)
    assert witness.add_checkpoint(0, ["not base64"], first_note).status_code == 400

    # A FORKED log: same origin and signing key, another history, larger than what the witness saw.
    fork_data = tmp_path / "fork"
    (fork_data / "keys").mkdir(parents=True)
    shutil.copy(log_data / "keys" / "signer.key", fork_data / "keys" / "signer.key")
    shutil.copy(log_data / "keys" / "verifier.vkey", fork_data / "keys" / "verifier.vkey")
    events = tmp_path / "fork.ndjson"
    events.write_text("".join(json.dumps(make_event(id=unique("fork"))) + "\n"
                              for _ in range(witnessed_size + 40)))
    run_cli("ingest", str(events), "--data", str(fork_data), check=True)
    fork_read = create_key(fork_data, "fork-reader", "read")
    fork = server_factory(fork_data, server_config)

    # The fork submits its checkpoint: the witness answers 409 with its size, then refuses the proof (422). The
    # fork records that as a custos.witness failure event and logs it.
    def refusal():
        found = fork.all_events(fork_read, action="custos.witness")
        return found if any(e["outcome"] == "failure" for e in found) else None
    found = wait_for(refusal, "the fork's custos.witness failure event")
    assert found[0]["attributes"]["witness"] == "w1"
    assert found[0]["attributes"]["status"] == 422, found[0]
    assert "witness refused the checkpoint" in fork.log()
    text = fork.get("/checkpoint").text
    fork_body, fork_lines = split_note(text)
    assert not any(line.split(" ")[1] == "witness.example/w1" for line in fork_lines)

    # The same refusal, asked directly: the fork's honest consistency proof from the witness's size.
    fork_size = int(fork_body.split("\n")[1])
    assert fork_size > witnessed_size
    proof = fork.get(f"/v1/proofs/consistency?from={witnessed_size}&to={fork_size}", fork_read).json()["hashes"]
    r = witness.add_checkpoint(witnessed_size, proof, text)
    assert r.status_code == 422, (r.status_code, r.text)
    assert r.headers["Content-Type"] == "application/problem+json"
    # And nothing moved: the witness still holds the real log's checkpoint.
    assert json.loads((tmp_path / "witness-state.json").read_text())["logs"][0]["size"] == witnessed_size
