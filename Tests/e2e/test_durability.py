"""kill -9 during concurrent ingest: every acknowledged event survives, batches are atomic, seqs stay gapless."""

from __future__ import annotations

import threading
import time
import uuid

import requests

from conftest import auth, create_key, ndjson

BATCH = 500
CLIENTS = 4
ACKED_BEFORE_KILL = 40  # batches (20,000 events)


def batch_events(app: str, client: int, n: int) -> list[dict]:
    return [
        {"id": f"c{client}-b{n}-{i}-{uuid.uuid4().hex[:8]}", "time": "2026-11-20T10:00:00Z",
         "actor": {"id": f"client-{client}", "session": f"c{client}-b{n}"}, "action": "view",
         "resource": {"type": "record", "id": f"persons/{i}", "dataset": "persons"}, "subjects": [f"person:{i}"],
         "rows": 1, "app": app}
        for i in range(BATCH)
    ]


def test_kill_9_keeps_every_acknowledged_event(tmp_data, server_factory):
    key = create_key(tmp_data, "durability", "ingest", "read")
    server = server_factory(tmp_data)
    app = "durable"
    lock = threading.Lock()
    acked: list[tuple[list[str], list[int]]] = []   # (ids, seqs) of every 200
    unknown: list[list[str]] = []                   # in flight when the server died
    refused: list[list[str]] = []                   # 503 (nothing stored)
    stop = threading.Event()

    def client(c: int):
        session = requests.Session()
        n = 0
        while not stop.is_set():
            events = batch_events(app, c, n)
            n += 1
            ids = [e["id"] for e in events]
            try:
                r = session.post(server.url + "/v1/events", data=ndjson(events), timeout=30,
                                 headers={"Content-Type": "application/x-ndjson", **auth(key)})
            except requests.RequestException:
                with lock:
                    unknown.append(ids)
                return
            with lock:
                if r.status_code == 200:
                    doc = r.json()
                    assert doc["accepted"] == BATCH and doc["stored"] == BATCH, doc
                    acked.append((ids, doc["seqs"]))
                elif r.status_code == 503:
                    refused.append(ids)
                else:
                    unknown.append(ids)
                    raise AssertionError(f"unexpected {r.status_code}: {r.text[:300]}")

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while True:
        with lock:
            if len(acked) >= ACKED_BEFORE_KILL:
                break
        assert time.monotonic() < deadline, f"only {len(acked)} batches acknowledged in 60 s"
        assert any(t.is_alive() for t in threads), "every client stopped before the kill"
        time.sleep(0.01)
    server.kill9()  # mid-stream: the clients are still sending
    stop.set()
    for t in threads:
        t.join(timeout=40)
        assert not t.is_alive()

    restarted = server_factory(tmp_data)
    everything = restarted.all_events(key)
    seqs = [e["seq"] for e in everything]
    assert seqs == list(range(len(seqs))), "seqs are not gapless from 0"
    by_id = {e["id"]: e for e in everything if e["app"] == app}
    assert len(by_id) == sum(1 for e in everything if e["app"] == app), "an id was stored twice"

    # Every acknowledged event is there, under the seq its receipt gave.
    for ids, receipt in acked:
        for i, s in zip(ids, receipt):
            assert i in by_id, f"acknowledged event {i} lost"
            assert by_id[i]["seq"] == s
    # Batches are atomic: an unacknowledged batch is stored whole or not at all; a refused one not at all.
    for ids in unknown:
        present = sum(1 for i in ids if i in by_id)
        assert present in (0, BATCH), f"partial batch after kill -9: {present}/{BATCH}"
    for ids in refused:
        assert not any(i in by_id for i in ids)
    print(f"kill -9 after {len(acked)} acknowledged batches; {len(unknown)} in flight "
          f"({sum(1 for ids in unknown if ids[0] in by_id)} of them committed); {len(everything)} events in all")
    acked_count = len(acked) * BATCH
    stored_unknown = sum(BATCH for ids in unknown if ids[0] in by_id)
    assert len(by_id) == acked_count + stored_unknown

    # The restarted server keeps going from the next seq.
    events = batch_events(app, 99, 0)
    r = restarted.post_events(ndjson(events), key, content_type="application/x-ndjson")
    assert r.status_code == 200, r.text
    first_new = r.json()["seqs"][0]
    after = restarted.all_events(key)
    assert [e["seq"] for e in after] == list(range(len(after)))
    assert first_new > seqs[-1]


def test_sigterm_shuts_down_cleanly_and_keeps_data(tmp_data, server_factory):
    key = create_key(tmp_data, "graceful", "ingest", "read")
    server = server_factory(tmp_data)
    events = batch_events("graceful", 0, 0)
    r = server.post_events(ndjson(events), key, content_type="application/x-ndjson")
    assert r.status_code == 200
    assert server.stop() == 0, server.log()
    restarted = server_factory(tmp_data)
    stored = restarted.all_events(key, app="graceful")
    assert [e["id"] for e in stored] == [e["id"] for e in events]


def test_a_read_is_recorded_before_its_answer_leaves(tmp_data, server_factory):
    key = create_key(tmp_data, "reader-x", "read")
    server = server_factory(tmp_data)
    r = server.get("/v1/subjects/person:42/access", key)
    assert r.status_code == 200
    server.kill9()
    restarted = server_factory(tmp_data)
    reads = restarted.all_events(key, action="custos.read", actor="reader-x")
    assert reads and reads[0]["query"] == "GET /v1/subjects/person:42/access"
    assert reads[0]["subjects"] == ["person:42"]
