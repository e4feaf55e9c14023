"""The query API: filters, cursor pages, timeline, session, dataset and subject access, parameter errors, and the
recording of every read."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

from conftest import create_key, key_id, make_event, unique

UNTIL = "2026-04-01T00:00:00Z"  # seeded events are in March 2026; custos.read events are recorded "now"


class Seed:
    def __init__(self, dep):
        t = unique("q")
        self.tag = t
        self.alice, self.bob = f"{t}-alice", f"{t}-bob"
        self.s1, self.s2, self.s3 = f"{t}-s1", f"{t}-s2", f"{t}-s3"
        self.d1, self.d2 = f"{t}-d1", f"{t}-d2"
        self.subject = f"{t}:person"
        self.app_a, self.app_b = f"{t}-appA", f"{t}-appB"

        def ev(actor, session, time, action, dataset, rows, nbytes, outcome="success", subjects=(), app=None,
               resource=None):
            a = {"id": actor}
            if session:
                a["session"] = session
            e = make_event(actor=a, time=time, action=action, rows=rows, bytes=nbytes, outcome=outcome,
                           subjects=list(subjects), app=app or self.app_a,
                           resource={"type": "record", "id": resource or f"{dataset}/{rows}", "dataset": dataset})
            return e

        P = [self.subject]
        self.events = [
            ev(self.alice, self.s1, "2026-03-01T10:00:00Z", "view", self.d1, 1, 10, subjects=P),
            ev(self.alice, self.s1, "2026-03-01T10:05:00Z", "search", self.d1, 10, 20, outcome="denied"),
            ev(self.alice, self.s1, "2026-03-01T10:10:00Z", "export", self.d1, 100, 30, resource=f"{t}-res"),
            ev(self.alice, self.s2, "2026-03-02T09:00:00Z", "view", self.d2, 2, 40, subjects=P),
            ev(self.alice, self.s2, "2026-03-02T09:30:00Z", "view", self.d2, 3, 50, app=self.app_b),
            ev(self.alice, None, "2026-03-03T08:00:00Z", "print", self.d2, 4, 60, outcome="failure"),
            ev(self.alice, None, "2026-03-03T20:00:00Z", "view", self.d2, 5, 70, app=self.app_b),
            ev(self.bob, self.s1, "2026-03-01T11:00:00Z", "view", self.d1, 6, 80, resource=f"{t}-res"),
            ev(self.bob, self.s3, "2026-03-04T12:00:00Z", "search", self.d1, 7, 90, subjects=P),
            ev(self.bob, self.s3, "2026-03-04T12:30:00Z", "view", self.d1, 8, 100, subjects=P + ["other"]),
        ]
        r = dep.server.post_events(self.events, dep.ingest)
        assert r.status_code == 200, r.text
        self.seqs = r.json()["seqs"]
        for e, s in zip(self.events, self.seqs):
            e["_seq"] = s

    def ids(self, pred):
        return {e["id"] for e in self.events if pred(e)}


@pytest.fixture(scope="module")
def seed(deployment):
    return Seed(deployment)


def ids_of(events):
    return {e["id"] for e in events}


def test_each_filter_of_events(deployment, seed):
    s = deployment.server

    def query(**f):
        got = []
        for app in (seed.app_a, seed.app_b):
            got += s.all_events(deployment.read, **dict(f, app=app))
        return ids_of(got)

    assert query(actor=seed.alice) == seed.ids(lambda e: e["actor"]["id"] == seed.alice)
    assert query(session=seed.s1) == seed.ids(lambda e: e["actor"].get("session") == seed.s1)
    assert query(action="view") == seed.ids(lambda e: e["action"] == "view")
    assert query(outcome="denied") == seed.ids(lambda e: e["outcome"] == "denied")
    assert query(outcome="failure") == seed.ids(lambda e: e["outcome"] == "failure")
    assert query(dataset=seed.d2) == seed.ids(lambda e: e["resource"]["dataset"] == seed.d2)
    assert query(resource=f"{seed.tag}-res") == seed.ids(lambda e: e["resource"]["id"] == f"{seed.tag}-res")
    assert query(subject=seed.subject) == seed.ids(lambda e: seed.subject in e["subjects"])
    assert ids_of(s.all_events(deployment.read, app=seed.app_b)) == seed.ids(lambda e: e["app"] == seed.app_b)
    # from is inclusive, to exclusive.
    assert query(**{"from": "2026-03-01T10:05:00Z", "to": "2026-03-02T09:30:00Z"}) == seed.ids(
        lambda e: "2026-03-01T10:05:00Z" <= e["time"] < "2026-03-02T09:30:00Z")
    # Filters combine with AND.
    assert query(actor=seed.bob, action="view", dataset=seed.d1) == seed.ids(
        lambda e: e["actor"]["id"] == seed.bob and e["action"] == "view")
    assert query(actor=seed.bob, outcome="denied") == set()


def test_events_newest_first_by_default(deployment, seed):
    r = deployment.server.get("/v1/events", deployment.read, params={"app": seed.app_a})
    assert r.status_code == 200
    seqs = [e["seq"] for e in r.json()["events"]]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == 8
    assert r.json()["next_cursor"] is None


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_cursor_pages_cover_everything_without_overlap(deployment, order):
    app = unique("page")
    events = [make_event(app=app, actor={"id": "pager"}) for _ in range(250)]
    r = deployment.server.post_events(events, deployment.ingest)
    assert r.status_code == 200
    expected = r.json()["seqs"]
    seen: list[int] = []
    params = {"app": app, "limit": "37", "order": order}
    pages = 0
    while True:
        doc = deployment.server.get("/v1/events", deployment.read, params=params).json()
        pages += 1
        assert len(doc["events"]) <= 37
        seen += [e["seq"] for e in doc["events"]]
        if not doc["next_cursor"]:
            break
        params["cursor"] = doc["next_cursor"]
        assert pages < 20
    assert pages == 7
    assert len(seen) == len(set(seen)) == 250
    assert sorted(seen) == sorted(expected)
    assert seen == sorted(seen, reverse=(order == "desc"))


def test_csv_format(deployment, seed):
    r = deployment.server.get("/v1/events", deployment.read, params={"app": seed.app_b, "format": "csv"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["seq", "time", "actor", "session", "action", "outcome", "app", "dataset", "resource",
                       "subjects", "rows", "bytes", "case", "query"]
    assert sorted(int(x[0]) for x in rows[1:]) == sorted(e["_seq"] for e in seed.events if e["app"] == seed.app_b)
    assert {x[2] for x in rows[1:]} == {seed.alice}


def test_timeline(deployment, seed):
    r = deployment.server.get(f"/v1/actors/{seed.alice}/timeline", deployment.read)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["actor"] == seed.alice and doc["next_cursor"] is None
    sessions = doc["sessions"]
    assert [x["session"] for x in sessions] == ["@2026-03-03", seed.s2, seed.s1]
    s1 = sessions[2]
    assert s1["actor"] == seed.alice
    assert (s1["events"], s1["rows"], s1["bytes"], s1["denied"]) == (3, 111, 60, 1)
    assert s1["start"] == "2026-03-01T10:00:00.000Z" and s1["end"] == "2026-03-01T10:10:00.000Z"
    assert s1["datasets"] == [seed.d1]
    assert s1["actions"] == {"export": 1, "search": 1, "view": 1}
    day = sessions[0]
    assert (day["events"], day["rows"], day["bytes"]) == (2, 9, 130)
    # One session per page.
    got, params = [], {"limit": "1"}
    while True:
        d = deployment.server.get(f"/v1/actors/{seed.alice}/timeline", deployment.read, params=params).json()
        got += [x["session"] for x in d["sessions"]]
        if not d["next_cursor"]:
            break
        params["cursor"] = d["next_cursor"]
    assert got == ["@2026-03-03", seed.s2, seed.s1]
    # The range selects sessions by their start.
    d = deployment.server.get(f"/v1/actors/{seed.alice}/timeline", deployment.read,
                              params={"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z"}).json()
    assert [x["session"] for x in d["sessions"]] == [seed.s2]
    # An unknown actor has an empty timeline.
    d = deployment.server.get(f"/v1/actors/{seed.tag}-nobody/timeline", deployment.read).json()
    assert d["sessions"] == []


def test_timeline_pages_through_sessions_that_start_together(deployment):
    actor = unique("tied")
    sessions = [f"{actor}-{c}" for c in "abcde"]
    events = [make_event(actor={"id": actor, "session": x}, time="2026-05-05T05:05:05Z") for x in sessions]
    assert deployment.server.post_events(events, deployment.ingest).status_code == 200
    got, params = [], {"limit": "2"}
    while True:
        d = deployment.server.get(f"/v1/actors/{actor}/timeline", deployment.read, params=params).json()
        got += [x["session"] for x in d["sessions"]]
        if not d["next_cursor"]:
            break
        params["cursor"] = d["next_cursor"]
        assert len(got) <= 5
    assert got == sorted(sessions, reverse=True)


def test_session(deployment, seed):
    r = deployment.server.get(f"/v1/sessions/{seed.s1}", deployment.read)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["session"] == seed.s1
    assert [(x["actor"], x["events"]) for x in doc["summaries"]] == [(seed.alice, 3), (seed.bob, 1)]
    expected = [e["_seq"] for e in seed.events if e["actor"].get("session") == seed.s1]
    assert [e["seq"] for e in doc["events"]] == sorted(expected)
    assert doc["next_cursor"] is None
    page1 = deployment.server.get(f"/v1/sessions/{seed.s1}", deployment.read, params={"limit": "3"}).json()
    assert len(page1["events"]) == 3 and page1["next_cursor"]
    page2 = deployment.server.get(f"/v1/sessions/{seed.s1}", deployment.read,
                                  params={"limit": "3", "cursor": page1["next_cursor"]}).json()
    assert [e["seq"] for e in page1["events"] + page2["events"]] == sorted(expected)
    assert page2["next_cursor"] is None
    r = deployment.server.get(f"/v1/sessions/{seed.tag}-none", deployment.read)
    assert r.status_code == 404 and r.json()["type"] == "https://custos.dev/problems/not-found"


def test_dataset_access(deployment, seed):
    r = deployment.server.get(f"/v1/datasets/{seed.d1}/access", deployment.read)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["dataset"] == seed.d1 and doc["total_actors"] == 2
    rows = {a["actor"]: a for a in doc["actors"]}
    for actor in (seed.alice, seed.bob):
        mine = [e for e in seed.events if e["actor"]["id"] == actor and e["resource"]["dataset"] == seed.d1]
        a = rows[actor]
        assert a["events"] == len(mine)
        assert a["rows"] == sum(e["rows"] for e in mine)
        assert a["bytes"] == sum(e["bytes"] for e in mine)
        assert a["first"] == min(e["time"] for e in mine).replace("Z", ".000Z")
        assert a["last"] == max(e["time"] for e in mine).replace("Z", ".000Z")
    # Equal counts: ordered by actor.
    assert [a["actor"] for a in doc["actors"]] == [seed.alice, seed.bob]
    d = deployment.server.get(f"/v1/datasets/{seed.d1}/access", deployment.read, params={"limit": "1"}).json()
    assert len(d["actors"]) == 1 and d["total_actors"] == 2
    # Partial days at both edges of the range.
    d = deployment.server.get(f"/v1/datasets/{seed.d1}/access", deployment.read,
                              params={"from": "2026-03-01T10:03:00Z", "to": "2026-03-04T12:15:00Z"}).json()
    got = {a["actor"]: (a["events"], a["rows"]) for a in d["actors"]}
    assert got == {seed.alice: (2, 110), seed.bob: (2, 13)}
    # Only one end of the range, mid-day.
    d = deployment.server.get(f"/v1/datasets/{seed.d1}/access", deployment.read,
                              params={"to": "2026-03-01T10:07:00Z"}).json()
    assert {a["actor"]: (a["events"], a["rows"]) for a in d["actors"]} == {seed.alice: (2, 11)}
    d = deployment.server.get(f"/v1/datasets/{seed.d1}/access", deployment.read,
                              params={"from": "2026-03-04T12:15:00+00:00"}).json()
    assert {a["actor"]: (a["events"], a["rows"]) for a in d["actors"]} == {seed.bob: (1, 8)}
    d = deployment.server.get(f"/v1/datasets/{seed.d1}/access", deployment.read,
                              params={"from": "2026-03-01T10:01:00Z", "to": "2026-03-01T10:06:00Z"}).json()
    assert {a["actor"]: a["events"] for a in d["actors"]} == {seed.alice: 1}
    # Whole days.
    d = deployment.server.get(f"/v1/datasets/{seed.d1}/access", deployment.read,
                              params={"from": "2026-03-02T00:00:00Z", "to": "2026-03-05T00:00:00Z"}).json()
    assert {a["actor"]: a["events"] for a in d["actors"]} == {seed.bob: 2}
    d = deployment.server.get(f"/v1/datasets/{seed.tag}-none/access", deployment.read).json()
    assert d["actors"] == [] and d["total_actors"] == 0


def test_subject_access(deployment, seed):
    path = f"/v1/subjects/{quote(seed.subject)}/access"
    expected = sorted((e["_seq"] for e in seed.events if seed.subject in e["subjects"]), reverse=True)
    r = deployment.server.get(path, deployment.read, params={"to": UNTIL})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["subject"] == seed.subject
    assert doc["total"] == 4 and [e["seq"] for e in doc["events"]] == expected
    p1 = deployment.server.get(path, deployment.read, params={"to": UNTIL, "limit": "3"}).json()
    assert p1["total"] == 4 and len(p1["events"]) == 3 and p1["next_cursor"]
    p2 = deployment.server.get(path, deployment.read,
                               params={"to": UNTIL, "limit": "3", "cursor": p1["next_cursor"]}).json()
    assert p2["total"] == 4 and p2["next_cursor"] is None
    assert [e["seq"] for e in p1["events"] + p2["events"]] == expected
    d = deployment.server.get(path, deployment.read,
                              params={"from": "2026-03-04T00:00:00Z", "to": UNTIL}).json()
    assert d["total"] == 2
    d = deployment.server.get(f"/v1/subjects/{seed.tag}:nobody/access", deployment.read).json()
    assert d["total"] == 0 and d["events"] == []


BAD = [
    ("/v1/events", {"limit": "0"}, "limit"),
    ("/v1/events", {"limit": "1001"}, "limit"),
    ("/v1/events", {"limit": "ten"}, "limit"),
    ("/v1/events", {"from": "yesterday"}, "from"),
    ("/v1/events", {"to": "2026-13-01T00:00:00Z"}, "to"),
    ("/v1/events", {"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "to"),
    ("/v1/events", {"cursor": "abc"}, "cursor"),
    ("/v1/events", {"outcome": "maybe"}, "outcome"),
    ("/v1/events", {"order": "sideways"}, "order"),
    ("/v1/events", {"format": "table"}, "format"),
    ("/v1/events", {"actor": ""}, "actor"),
    ("/v1/events", {"actor": "a" * 1025}, "actor"),
    ("/v1/events", {"colour": "blue"}, "colour"),
    ("/v1/actors/a/timeline", {"limit": "1001"}, "limit"),
    ("/v1/actors/a/timeline", {"action": "view"}, "action"),
    ("/v1/sessions/s", {"limit": "5001"}, "limit"),
    ("/v1/sessions/s", {"from": "2026-01-01T00:00:00Z"}, "from"),
    ("/v1/datasets/d/access", {"limit": "100001"}, "limit"),
    ("/v1/datasets/d/access", {"cursor": "1"}, "cursor"),
    ("/v1/subjects/p/access", {"limit": "-1"}, "limit"),
    ("/v1/subjects/p/access", {"to": "2026-01-01T00:00:00"}, "to"),
    ("/v1/subjects/" + "p" * 1025 + "/access", {}, "id"),
]


@pytest.mark.parametrize("path,params,name", BAD, ids=[f"{p.split('/')[2]}-{n}" for p, _, n in BAD])
def test_bad_parameters_are_400_naming_the_parameter(deployment, path, params, name):
    r = deployment.server.get(path, deployment.read, params=params)
    assert r.status_code == 400, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/problem+json")
    doc = r.json()
    assert doc["type"] == "https://custos.dev/problems/invalid-parameter"
    assert doc["errors"][0]["path"] == name, doc
    assert doc["detail"].startswith(name), doc


def test_repeated_parameter_is_400(deployment):
    r = deployment.server.get("/v1/events?actor=a&actor=b", deployment.read)
    assert r.status_code == 400 and r.json()["errors"][0]["path"] == "actor", r.text


def test_every_read_is_recorded(deployment):
    owner = unique("supervisor")
    token = create_key(deployment.data_dir, owner, "read")
    subject = unique("person")
    r = deployment.server.get(f"/v1/subjects/{subject}/access", token)
    assert r.status_code == 200 and r.json()["total"] == 0
    reads = deployment.server.all_events(deployment.admin, action="custos.read", actor=owner)
    assert len(reads) == 1, reads
    e = reads[0]
    assert e["actor"] == {"id": owner, "session": "key:" + key_id(token)}
    assert e["app"] == "custos"
    assert e["query"].startswith("GET ") and f"/v1/subjects/{subject}/access" in e["query"]
    assert e["subjects"] == [subject]
    assert e["resource"]["type"] == "custos.api"
    # The read now shows up in the subject's own accounting of disclosures.
    doc = deployment.server.get(f"/v1/subjects/{subject}/access", token).json()
    assert doc["total"] == 1 and doc["events"][0]["seq"] == e["seq"]
    # Every read route is recorded, with its query string.
    for path in ["/v1/events?limit=1", f"/v1/actors/{owner}/timeline", f"/v1/datasets/{subject}/access"]:
        assert deployment.server.get(path, token).status_code == 200
    queries = [x["query"] for x in deployment.server.all_events(deployment.admin, action="custos.read", actor=owner)]
    assert queries[-3:] == ["GET /v1/events?limit=1", f"GET /v1/actors/{owner}/timeline",
                            f"GET /v1/datasets/{subject}/access"]
    # Refused reads are not recorded as reads.
    assert deployment.server.get("/v1/events?limit=0", token).status_code == 400
    assert len(deployment.server.all_events(deployment.admin, action="custos.read", actor=owner)) == 5


def test_read_of_unusual_subject_does_not_poison_the_ledger(server_factory, tmp_data):
    token = create_key(tmp_data, "sup", "admin")
    server = server_factory(tmp_data)
    r = server.get("/v1/subjects/" + "x" * 300 + "/access", token)
    assert r.status_code in (200, 400), r.text
    r = server.get("/v1/actors/a%01b/timeline", token)
    assert r.status_code in (200, 400), r.text
    r = server.get("/v1/events", token, params={"subject": "y" * 300})
    assert r.status_code in (200, 400), r.text
    r = server.get("/v1/events", token, params={"limit": "1000"})
    assert r.status_code == 200, r.text
