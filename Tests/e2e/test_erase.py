"""Erasure under a retention rule: `custos erase` blanks old events' bodies and salts, keeps their entries and is
itself recorded; every proof stays valid, `custos verify` reports the entries as redacted, and a tampered redacted
row (or a blanking no erasure recorded) still fails."""

from __future__ import annotations

import sqlite3

import requests

from conftest import auth, create_key, make_event, ndjson, run_cli, unique


def test_erase_keeps_proofs_valid_and_verify_counts_redacted(tmp_path, tmp_data, server_factory):
    old = [make_event(id=unique("old"), time="2025-01-10T08:00:00.000Z", app="archive", subjects=["person:erased-1"])
           for _ in range(10)]
    other = [make_event(id=unique("keep"), time="2025-01-10T08:00:00.000Z", app="casebook") for _ in range(4)]
    recent = [make_event(id=unique("new"), time="2026-11-20T08:00:00.000Z", app="archive") for _ in range(5)]
    events = tmp_path / "events.ndjson"
    events.write_text(ndjson(old + other + recent))
    run_cli("ingest", str(events), "--data", str(tmp_data), check=True)
    admin = create_key(tmp_data, "supervisor", "admin")
    server = server_factory(tmp_data)
    r = requests.post(server.url + "/v1/checkpoints", headers=auth(admin), timeout=30)
    assert r.status_code == 201, r.text
    size = r.json()["size"]
    before_proof = server.get(f"/v1/proofs/inclusion?seq=3&size={size}", admin).json()
    assert server.stop() == 0

    p = run_cli("erase", "--data", str(tmp_data), "--before", "2026-01-01T00:00:00Z", "--app", "archive")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Erased 10 events (seqs 0-9)" in p.stdout

    key = str(tmp_data / "keys" / "verifier.vkey")
    ok = run_cli("verify", "--data", str(tmp_data), "--key", key)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "(10 redacted by erasure)" in ok.stdout

    # Erasing again finds nothing; the rule is idempotent.
    again = run_cli("erase", "--data", str(tmp_data), "--before", "2026-01-01T00:00:00Z", "--app", "archive")
    assert again.returncode == 0 and "Nothing to erase" in again.stdout

    server = server_factory(tmp_data)
    # The same proof from the same tree: the entry, the tree and the signed checkpoint are untouched.
    assert server.get(f"/v1/proofs/inclusion?seq=3&size={size}", admin).json() == before_proof
    # The erasure is itself recorded, naming the rule, the count and the seqs.
    erase = server.all_events(admin, action="custos.erase")
    assert len(erase) == 1 and erase[0]["attributes"]["count"] == 10 and erase[0]["attributes"]["seqs"] == "0-9"
    # The erased events no longer answer to their app, subjects or content.
    assert server.all_events(admin, app="archive", to="2026-01-01T00:00:00Z") == []
    assert server.get("/v1/subjects/person:erased-1/access", admin).json()["total"] == 0
    placeholders = server.all_events(admin, action="custos.erased")
    assert [e["seq"] for e in placeholders] == list(range(10))
    assert all(e["time"] == "2025-01-10T08:00:00.000Z" and "subjects" not in e for e in placeholders)
    # Exports with proofs skip the proof of an erased event instead of failing.
    page = server.get("/v1/events?order=asc&limit=20&proofs=true", admin)
    assert page.status_code == 200, page.text
    docs = page.json()["events"]
    assert "ledger" not in docs[0] and "ledger" in docs[10]
    assert server.stop() == 0

    # A tampered redacted row still fails: its leaf no longer matches the tiles.
    db = sqlite3.connect(tmp_data / "custos.sqlite")
    db.execute("UPDATE events SET leaf = zeroblob(32) WHERE seq = 4")
    db.commit()
    bad = run_cli("verify", "--data", str(tmp_data), "--key", key)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "entry 4" in bad.stdout
    leaf = db.execute("SELECT leaf FROM events WHERE seq = 5").fetchone()[0]
    db.execute("UPDATE events SET leaf = ? WHERE seq = 4", (leaf,))
    db.commit()
    assert run_cli("verify", "--data", str(tmp_data), "--key", key).returncode == 1

    # Blanking an event that no recorded erasure covers is tampering, not redaction (checked on a fresh store).
    body = db.execute("SELECT body FROM events WHERE seq = 0").fetchone()[0]
    db.close()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    run_cli("ingest", str(events), "--data", str(fresh), check=True)
    db = sqlite3.connect(fresh / "custos.sqlite")
    db.execute("UPDATE events SET body = ?, salts = NULL WHERE seq = 12", (body,))
    db.commit()
    db.close()
    fake = run_cli("verify", "--data", str(fresh), "--key", key)
    assert fake.returncode == 1, fake.stdout + fake.stderr
    assert "no recorded custos.erase covers it" in fake.stdout and "entry 12" in fake.stdout
