"""Exports with proofs checked alone (`custos verify --event`), and a running log checked from outside
(`custos verify --server`): consistency with a state file, re-derivation from tiles, a forked log refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import requests

from conftest import auth, create_key, make_event, ndjson, run_cli, unique


def start_log(data: Path, server_factory):
    keys = {scope: create_key(data, f"{scope}-owner", scope) for scope in ("admin", "ingest", "read")}
    return server_factory(data), keys


def checkpoint_now(server, admin: str) -> int:
    r = requests.post(server.url + "/v1/checkpoints", headers=auth(admin), timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["size"]


def test_exported_events_verify_alone_and_a_changed_field_is_named(tmp_data, server_factory, tmp_path):
    server, keys = start_log(tmp_data, server_factory)
    app = unique("export")
    r = server.post_events([make_event(id=unique("e"), app=app) for _ in range(12)], keys["ingest"])
    assert r.status_code == 200, r.text
    checkpoint_now(server, keys["admin"])
    p = run_cli("query", "events", "--server", server.url, "--key", keys["read"], "--app", app, "--proofs",
                "--format", "ndjson", "--limit", "10", check=True)
    lines = p.stdout.strip().split("\n")
    assert len(lines) == 10
    first = json.loads(lines[0])
    assert first["ledger"]["checkpoint"].startswith("custos.local/log\n")
    export = tmp_path / "export.ndjson"
    export.write_text(p.stdout)
    vkey = str(tmp_data / "keys" / "verifier.vkey")
    ok = run_cli("verify", "--event", str(export), "--key", vkey)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK: 10 exported events verify" in ok.stdout

    # One field of one event altered: verify names the event and the field, and exits 1.
    altered = json.loads(lines[3])
    altered["actor"]["id"] = "someone-else"
    lines[3] = json.dumps(altered)
    export.write_text("\n".join(lines) + "\n")
    bad = run_cli("verify", "--event", str(export), "--key", vkey)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"seq {altered['seq']}" in bad.stdout and "altered: actor" in bad.stdout
    assert "1 of 10 exported events do not verify" in bad.stdout

    # A checkpoint signed by another key is not trusted.
    other = tmp_path / "other"
    run_cli("keygen", "--origin", "custos.local/log", "--out", str(other), check=True)
    lines[3] = json.dumps(first)
    export.write_text("\n".join(lines) + "\n")
    untrusted = run_cli("verify", "--event", str(export), "--key", str(other / "verifier.vkey"))
    assert untrusted.returncode == 1 and "does not verify with the trusted key" in untrusted.stdout


def test_verify_server_follows_the_log_and_refuses_a_fork(tmp_path, server_factory):
    data = tmp_path / "log"
    data.mkdir()
    server, keys = start_log(data, server_factory)
    vkey = str(data / "keys" / "verifier.vkey")
    state = tmp_path / "monitor-state"
    r = server.post_events([make_event(id=unique("m")) for _ in range(20)], keys["ingest"])
    assert r.status_code == 200, r.text
    first = checkpoint_now(server, keys["admin"])
    p = run_cli("verify", "--server", server.url, "--key", vkey, "--state", str(state))
    assert p.returncode == 0, p.stdout + p.stderr
    assert state.read_text().split("\n")[1] == str(first)

    # The log grows past a tile boundary: consistent with the state, and the tiles re-derive the root.
    r = server.post_events([make_event(id=unique("m")) for _ in range(300)], keys["ingest"])
    assert r.status_code == 200, r.text
    second = checkpoint_now(server, keys["admin"])
    p = run_cli("verify", "--server", server.url, "--key", vkey, "--state", str(state), "--tiles")
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"Consistent with the checkpoint of size {first}" in p.stdout
    assert f"Re-derived {second} entries" in p.stdout
    assert state.read_text().split("\n")[1] == str(second)
    server.stop()

    # A fork: the same origin and key, another history. The monitor's state proves it.
    fork = tmp_path / "fork"
    (fork / "keys").mkdir(parents=True)
    for name in ("signer.key", "verifier.vkey"):
        shutil.copy(data / "keys" / name, fork / "keys" / name)
    events = tmp_path / "fork.ndjson"
    events.write_text(ndjson(make_event(id=unique("f")) for _ in range(second + 50)))
    run_cli("ingest", str(events), "--data", str(fork), check=True)
    forked = server_factory(fork)
    p = run_cli("verify", "--server", forked.url, "--key", vkey, "--state", str(state))
    assert p.returncode == 1, p.stdout + p.stderr
    assert "not consistent with the checkpoint" in p.stdout
    assert state.read_text().split("\n")[1] == str(second), "a failed check must not move the state"

    # A log smaller than the state (a rollback) also fails; an unreachable server exits 2.
    small = tmp_path / "small"
    (small / "keys").mkdir(parents=True)
    for name in ("signer.key", "verifier.vkey"):
        shutil.copy(data / "keys" / name, small / "keys" / name)
    rolled = server_factory(small)
    p = run_cli("verify", "--server", rolled.url, "--key", vkey, "--state", str(state))
    assert p.returncode == 1 and "rolled back" in p.stdout, p.stdout
    p = run_cli("verify", "--server", "http://127.0.0.1:9", "--key", vkey)
    assert p.returncode == 2, p.stdout + p.stderr


def test_export_with_proofs_from_a_data_directory(tmp_path):
    data = tmp_path / "data"
    run_cli("keygen", "--origin", "custos.local/log", "--out", str(data / "keys"), check=True)
    events = tmp_path / "events.ndjson"
    app = unique("local")
    events.write_text(ndjson(make_event(id=unique("l"), app=app) for _ in range(7)))
    run_cli("ingest", str(events), "--data", str(data), check=True)
    # No checkpoint was signed yet: the export signs one covering every event.
    p = run_cli("query", "events", "--data", str(data), "--app", app, "--proofs", "--format", "ndjson", check=True)
    export = tmp_path / "export.ndjson"
    export.write_text(p.stdout)
    assert len(p.stdout.strip().split("\n")) == 7
    ok = run_cli("verify", "--event", str(export), "--key", str(data / "keys" / "verifier.vkey"))
    assert ok.returncode == 0 and "OK: 7 exported events verify" in ok.stdout, ok.stdout + ok.stderr
    # Without a signing key there is nothing to prove against.
    bare = tmp_path / "bare"
    run_cli("ingest", str(events), "--data", str(bare), check=True)
    p = run_cli("query", "events", "--data", str(bare), "--proofs", "--format", "ndjson")
    assert p.returncode != 0 and "signing key" in p.stderr
