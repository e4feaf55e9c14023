"""POST /v1/events: framings, the 200 receipt, validation errors, idempotency, conflicts and limits."""

from __future__ import annotations

import json

import pytest

from conftest import make_event, ndjson, unique


def app_events(dep, app):
    return dep.server.all_events(dep.admin, app=app)


def assert_problem(r, status, kind=None):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/problem+json"), r.headers
    doc = r.json()
    assert doc["status"] == status
    assert doc["title"] and doc["detail"]
    if kind:
        assert doc["type"] == f"https://custos.dev/problems/{kind}", doc
    return doc


def test_one_object(deployment):
    app = unique("app")
    r = deployment.server.post_events(make_event(app=app), deployment.ingest)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    doc = r.json()
    assert set(doc) == {"accepted", "stored", "duplicates", "seqs"}
    assert doc["accepted"] == 1 and doc["stored"] == 1 and doc["duplicates"] == 0
    assert len(doc["seqs"]) == 1 and doc["seqs"][0] >= 0
    stored = app_events(deployment, app)
    assert [e["seq"] for e in stored] == doc["seqs"]


def test_array_keeps_order_and_content(deployment):
    app = unique("app")
    events = [make_event(app=app, rows=i) for i in range(5)]
    r = deployment.server.post_events(events, deployment.ingest)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["accepted"], doc["stored"], doc["duplicates"]) == (5, 5, 0)
    seqs = doc["seqs"]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    stored = app_events(deployment, app)
    assert [e["seq"] for e in stored] == seqs
    for sent, got in zip(events, stored):
        assert got["id"] == sent["id"]
        assert got["rows"] == sent["rows"]
        assert got["actor"] == sent["actor"]
        assert got["resource"] == sent["resource"]
        assert got["subjects"] == sent["subjects"]
        assert got["time"] == "2026-11-20T10:00:00.000Z"
        assert got["received"].endswith("Z")


def test_ndjson_and_jsonl(deployment):
    app = unique("app")
    events = [make_event(app=app) for _ in range(4)]
    body = ndjson(events[:3]) + "\n"  # a trailing blank line is allowed
    r = deployment.server.post_events(body, deployment.ingest, content_type="application/x-ndjson")
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 3 and r.json()["stored"] == 3
    r = deployment.server.post_events(ndjson(events[3:]), deployment.ingest, content_type="application/jsonl")
    assert r.status_code == 200, r.text
    assert {e["id"] for e in app_events(deployment, app)} == {e["id"] for e in events}


def test_time_is_normalised_to_utc_milliseconds(deployment):
    app = unique("app")
    e = make_event(app=app, time="2026-11-20T11:30:00.123456789+01:30")
    r = deployment.server.post_events(e, deployment.ingest)
    assert r.status_code == 200, r.text
    [got] = app_events(deployment, app)
    assert got["time"] == "2026-11-20T10:00:00.123Z"


def test_invalid_batch_lists_every_problem_and_stores_nothing(deployment):
    app = unique("app")
    events = [make_event(app=app) for _ in range(6)]
    events[1]["actor"] = {"id": ""}
    events[2]["time"] = "2026-02-30T10:00:00Z"
    events[3]["rows"] = -1
    events[3]["outcome"] = "maybe"
    events[4]["subjects"] = ["person:1", ""]
    events[4]["colour"] = "blue"
    events[5]["action"] = "custos.read"
    r = deployment.server.post_events(events, deployment.ingest)
    doc = assert_problem(r, 400, "invalid-events")
    got = {(e.get("index"), e["path"]) for e in doc["errors"]}
    expected = {(1, "actor.id"), (2, "time"), (3, "rows"), (3, "outcome"), (4, "subjects[1]"), (4, "colour"),
                (5, "action")}
    assert expected <= got, doc["errors"]
    assert all(e["reason"] for e in doc["errors"])
    reasons = {(e["index"], e["path"]): e["reason"] for e in doc["errors"]}
    assert "empty" in reasons[(1, "actor.id")]
    assert "negative" in reasons[(3, "rows")]
    assert "unknown field" in reasons[(4, "colour")]
    assert doc["invalid_events"] == 5
    assert "nothing was stored" in doc["detail"]
    assert app_events(deployment, app) == []


def test_invalid_ndjson_line_is_reported(deployment):
    app = unique("app")
    good = make_event(app=app)
    body = json.dumps(good) + "\n" + '{"time": "2026-01-01T00:00:00Z", "actor": {"id": "a"}, "action": "view"}\n'
    r = deployment.server.post_events(body, deployment.ingest, content_type="application/x-ndjson")
    doc = assert_problem(r, 400, "invalid-events")
    assert {"index": 1, "path": "app", "reason": "is required"} in doc["errors"], doc
    r = deployment.server.post_events(json.dumps(good) + "\n{not json\n", deployment.ingest,
                                      content_type="application/x-ndjson")
    doc = assert_problem(r, 400, "invalid-events")
    [err] = doc["errors"]
    assert err.get("index") == 1 and "line 2" in err["reason"], doc
    assert app_events(deployment, app) == []


def test_empty_and_malformed_bodies(deployment):
    for body, ctype in [("[]", "application/json"), ("", "application/x-ndjson"), ("{", "application/json"),
                        ("42", "application/json")]:
        r = deployment.server.post_events(body, deployment.ingest, content_type=ctype)
        assert_problem(r, 400, "invalid-events")


def test_idempotent_retry_returns_same_seqs_and_stores_nothing(deployment):
    app = unique("app")
    events = [make_event(app=app) for _ in range(10)]
    first = deployment.server.post_events(events, deployment.ingest)
    assert first.status_code == 200, first.text
    again = deployment.server.post_events(events, deployment.ingest)
    assert again.status_code == 200, again.text
    a, b = first.json(), again.json()
    assert b["seqs"] == a["seqs"]
    assert (b["accepted"], b["stored"], b["duplicates"]) == (10, 0, 10)
    # A retry that mixes old and new events stores only the new ones.
    extra = make_event(app=app)
    mixed = deployment.server.post_events(events[:3] + [extra], deployment.ingest)
    assert mixed.status_code == 200, mixed.text
    m = mixed.json()
    assert (m["stored"], m["duplicates"]) == (1, 3)
    assert m["seqs"][:3] == a["seqs"][:3] and m["seqs"][3] > max(a["seqs"])
    assert len(app_events(deployment, app)) == 11


def test_same_id_in_another_app_is_another_event(deployment):
    app1, app2 = unique("app"), unique("app")
    e1 = make_event(app=app1, id="shared-id")
    e2 = make_event(app=app2, id="shared-id")
    assert deployment.server.post_events(e1, deployment.ingest).status_code == 200
    r = deployment.server.post_events(e2, deployment.ingest)
    assert r.status_code == 200 and r.json()["stored"] == 1, r.text


def test_same_id_different_content_is_409_and_nothing_stored(deployment):
    app = unique("app")
    original = make_event(app=app, rows=1)
    r = deployment.server.post_events(original, deployment.ingest)
    assert r.status_code == 200
    seq = r.json()["seqs"][0]
    changed = dict(original, rows=2)
    fresh = make_event(app=app)
    r = deployment.server.post_events([fresh, changed], deployment.ingest)
    doc = assert_problem(r, 409, "id-conflict")
    assert doc["detail"] == "1 event reuses an id with different content; nothing was stored"
    assert len(doc["errors"]) == 1
    err = doc["errors"][0]
    assert err["index"] == 1 and err["path"] == "id" and err["existing_seq"] == seq
    assert original["id"] in err["reason"]
    stored = app_events(deployment, app)
    assert [e["id"] for e in stored] == [original["id"]]
    assert stored[0]["rows"] == 1


def test_duplicate_ids_in_one_batch_are_400(deployment):
    app = unique("app")
    a = make_event(app=app)
    b = make_event(app=app, id=a["id"])
    r = deployment.server.post_events([a, make_event(app=app), b], deployment.ingest)
    doc = assert_problem(r, 400, "invalid-events")
    assert [(e["index"], e["path"]) for e in doc["errors"]] == [(2, "id")]
    assert "event 0" in doc["errors"][0]["reason"]
    # Even an exact repeat of the same event inside one batch is refused.
    r = deployment.server.post_events([a, a], deployment.ingest)
    assert_problem(r, 400, "invalid-events")
    assert app_events(deployment, app) == []


def test_wrong_content_type_is_415(deployment):
    app = unique("app")
    for ctype in ["text/plain", "application/xml", "application/x-www-form-urlencoded"]:
        r = deployment.server.post_events(json.dumps(make_event(app=app)), deployment.ingest, content_type=ctype)
        assert_problem(r, 415, "unsupported-media-type")
    assert app_events(deployment, app) == []


def test_subject_limit_10000_accepted_10001_refused(deployment):
    app = unique("app")
    base = unique("p")
    too_many = make_event(app=app, subjects=[f"{base}:{i}" for i in range(10_001)])
    r = deployment.server.post_events(too_many, deployment.ingest)
    doc = assert_problem(r, 400, "invalid-events")
    assert doc["errors"][0]["path"] == "subjects" and "10001" in doc["errors"][0]["reason"]
    assert app_events(deployment, app) == []
    ok = make_event(app=app, subjects=[f"{base}:{i}" for i in range(10_000)])
    r = deployment.server.post_events(ok, deployment.ingest)
    assert r.status_code == 200, r.text
    seq = r.json()["seqs"][0]
    for subject in (f"{base}:0", f"{base}:9999"):
        s = deployment.server.get(f"/v1/subjects/{subject}/access", deployment.read).json()
        assert s["total"] == 1 and [e["seq"] for e in s["events"]] == [seq]


def test_batch_of_10001_events_refused(deployment):
    app = unique("app")
    one = {"time": "2026-01-01T00:00:00Z", "actor": {"id": "a"}, "action": "view", "app": app}
    r = deployment.server.post_events(ndjson([one] * 10_001), deployment.ingest, content_type="application/x-ndjson")
    doc = assert_problem(r, 400, "invalid-events")
    assert "10000" in doc["detail"], doc
    r = deployment.server.post_events([one] * 10_000, deployment.ingest)  # events without ids may repeat
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 10_000


def test_field_limits(deployment):
    app = unique("app")
    cases = [
        ({"actor": {"id": "x" * 257}}, "actor.id"),
        ({"resource": {"id": "r" * 1025}}, "resource.id"),
        ({"query": "q" * 65_537}, "query"),
        ({"rows": 9_007_199_254_740_992}, "rows"),
        ({"bytes": 1.5}, "bytes"),
        ({"actor": {"id": "a", "ip": "10.0.0.01"}}, "actor.ip"),
        ({"actor": {"id": "a", "roles": ["r"] * 65}}, "actor.roles"),
        ({"action": "View"}, "action"),
        ({"time": "1969-12-31T23:59:59Z"}, "time"),
        ({"time": "2026-01-01T00:00:00"}, "time"),
        ({"purpose": {"case": "C-1", "why": "x"}}, "purpose.why"),
        ({"attributes": {"blob": "x" * 70_000}}, "attributes"),
        ({"app": "a\u0001b"}, "app"),
    ]
    for over, path in cases:
        r = deployment.server.post_events(make_event(**dict({"app": app}, **over)), deployment.ingest)
        doc = assert_problem(r, 400, "invalid-events")
        assert path in [e["path"] for e in doc["errors"]], (over, doc)
    ok = [
        {"actor": {"id": "x" * 256, "ip": "2001:db8::1"}},
        {"resource": {"id": "r" * 1024}},
        {"rows": 9_007_199_254_740_991, "bytes": 0},
        {"query": "line1\nline2\ttab"},
        {"outcome": "denied", "decision": "d-1", "purpose": {"case": "C-1", "reason": "warrant"}},
        {"attributes": {"nested": {"a": [1, 2.5, None, True]}}},
        {"time": "9999-12-31T23:59:59.999Z"},
    ]
    for over in ok:
        r = deployment.server.post_events(make_event(app=app, **over), deployment.ingest)
        assert r.status_code == 200, (over, r.text)


def test_retry_with_other_formatting_is_a_duplicate(deployment):
    app = unique("app")
    e = make_event(app=app, time="2026-11-20T10:00:00Z")
    first = deployment.server.post_events(e, deployment.ingest)
    assert first.status_code == 200
    # Same event, other key order, other spelling of the same instant, explicit nulls for absent fields.
    again = dict(reversed(list(e.items())))
    again["time"] = "2026-11-20T11:00:00.000+01:00"
    again["decision"] = None
    r = deployment.server.post_events(json.dumps(again, indent=2), deployment.ingest)
    assert r.status_code == 200, r.text
    assert r.json()["duplicates"] == 1 and r.json()["seqs"] == first.json()["seqs"]


def test_concurrent_conflicting_ids_store_exactly_one(deployment):
    from concurrent.futures import ThreadPoolExecutor

    app = unique("app")
    pairs = [(make_event(app=app, id=f"race-{i}", rows=1), make_event(app=app, id=f"race-{i}", rows=2))
             for i in range(20)]

    def send(e):
        return deployment.server.post_events(e, deployment.ingest)

    with ThreadPoolExecutor(8) as pool:
        results = [(a, b, pool.submit(send, a), pool.submit(send, b)) for a, b in pairs]
        outcomes = [(a, b, fa.result(), fb.result()) for a, b, fa, fb in results]
    stored = {e["id"]: e for e in app_events(deployment, app)}
    assert len(stored) == 20
    for a, b, ra, rb in outcomes:
        assert sorted([ra.status_code, rb.status_code]) == [200, 409], (ra.text, rb.text)
        winner = a if ra.status_code == 200 else b
        assert stored[a["id"]]["rows"] == winner["rows"]


def test_integral_number_with_fraction_or_exponent(deployment):
    for literal in ("5.0", "1e2"):
        body = ('{"time": "2026-01-01T00:00:00Z", "actor": {"id": "a"}, "action": "view", "app": "x", '
                f'"rows": {literal}}}')
        r = deployment.server.post_events(body, deployment.ingest)
        if r.status_code == 400:
            reason = r.json()["errors"][0]["reason"]
            assert "at most" not in reason, f"rows: {literal} refused with a false reason: {reason}"
        else:
            assert r.status_code == 200, r.text
