"""CLI round trips: `custos ingest` and `custos query` against a data directory and against a running server."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess

from conftest import CUSTOS_BIN, create_key, make_event, ndjson, run_cli, unique


def write_ndjson(path, events):
    path.write_text(ndjson(events))
    return path


def test_ingest_file_then_query_data_dir(tmp_path, tmp_data):
    app = unique("cli")
    events = [make_event(app=app) for _ in range(25)]
    f = write_ndjson(tmp_path / "events.ndjson", events)
    p = run_cli("ingest", str(f), "--data", str(tmp_data), "--batch", "10")
    assert p.returncode == 0, p.stderr
    assert "25 stored" in p.stderr
    p = run_cli("query", "events", "--data", str(tmp_data), "--app", app, "--format", "json", check=True)
    doc = json.loads(p.stdout)
    assert {e["id"] for e in doc["events"]} == {e["id"] for e in events}
    # Re-running the same file stores nothing new.
    p = run_cli("ingest", str(f), "--data", str(tmp_data), check=True)
    assert "0 stored, 25 already present" in p.stderr
    # A local query is itself recorded, as the local user.
    p = run_cli("query", "events", "--data", str(tmp_data), "--action", "custos.read", "--format", "json",
                check=True)
    reads = json.loads(p.stdout)["events"]
    assert reads and all(e["actor"]["id"].startswith("local:") for e in reads)
    assert any(f"app={app}" in e["query"] for e in reads)


def test_ingest_from_stdin(tmp_data):
    app = unique("cli")
    events = [make_event(app=app) for _ in range(3)]
    p = run_cli("ingest", "-", "--data", str(tmp_data), input=ndjson(events))
    assert p.returncode == 0, p.stderr
    doc = json.loads(run_cli("query", "events", "--data", str(tmp_data), "--app", app, "--format", "json",
                             check=True).stdout)
    assert len(doc["events"]) == 3


def test_ingest_into_running_server(tmp_path, tmp_data, server_factory):
    key = create_key(tmp_data, "host-app", "ingest", "read")
    server = server_factory(tmp_data)
    app = unique("cli")
    events = [make_event(app=app) for _ in range(40)]
    f = write_ndjson(tmp_path / "events.ndjson", events)
    p = run_cli("ingest", str(f), "--server", server.url, "--key", key, "--batch", "15", "--parallel", "2")
    assert p.returncode == 0, p.stderr
    assert {e["id"] for e in server.all_events(key, app=app)} == {e["id"] for e in events}
    # The key may also come from CUSTOS_API_KEY; a retry stores nothing.
    p = run_cli("ingest", str(f), "--server", server.url, env={"CUSTOS_API_KEY": key})
    assert p.returncode == 0, p.stderr
    assert "0 stored, 40 already present" in p.stderr
    # Query through the server as well.
    p = run_cli("query", "events", "--server", server.url, "--key", key, "--app", app, "--limit", "1000",
                "--format", "json", check=True)
    assert len(json.loads(p.stdout)["events"]) == 40
    p = run_cli("query", "subject", events[0]["subjects"][0], "--server", server.url, "--key", key,
                "--format", "json", check=True)
    assert json.loads(p.stdout)["total"] == 1


def test_csv_and_table_output(tmp_path, tmp_data):
    app = unique("cli")
    events = [make_event(app=app, query="name = \"Smith, J\"") for _ in range(3)]
    run_cli("ingest", str(write_ndjson(tmp_path / "e.ndjson", events)), "--data", str(tmp_data), check=True)
    p = run_cli("query", "events", "--data", str(tmp_data), "--app", app, "--format", "csv", check=True)
    rows = list(csv.reader(io.StringIO(p.stdout)))
    assert rows[0][:3] == ["seq", "time", "actor"]
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert {r["resource"] for r in body} == {e["resource"]["id"] for e in events}
    assert all(r["query"] == 'name = "Smith, J"' and r["app"] == app for r in body)
    p = run_cli("query", "events", "--data", str(tmp_data), "--app", app, "--format", "table", check=True)
    lines = p.stdout.strip().splitlines()
    assert lines[0].split()[:4] == ["seq", "time", "actor", "session"]
    assert len(lines) == 4
    for e in events:
        assert any(e["resource"]["id"] in line for line in lines[1:])
    # Other listings print too.
    p = run_cli("query", "timeline", "officer-1", "--data", str(tmp_data), "--format", "table", check=True)
    assert "s-1" in p.stdout
    p = run_cli("query", "dataset", "persons", "--data", str(tmp_data), "--format", "csv", check=True)
    assert "officer-1" in p.stdout
    p = run_cli("query", "session", "s-1", "--data", str(tmp_data), "--format", "json", check=True)
    assert json.loads(p.stdout)["session"] == "s-1"


def test_ingest_on_a_terminal_draws_progress(tmp_path, tmp_data):
    # On a terminal (a pseudo-terminal here) the load redraws a line with done/total, share, rate and time left; enough
    # events that the load outlasts the first redraw.
    app = unique("cli")
    f = write_ndjson(tmp_path / "many.ndjson", [make_event(app=app) for _ in range(20000)])
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([CUSTOS_BIN, "ingest", str(f), "--data", str(tmp_data)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert proc.wait(timeout=300) == 0
    text = output.decode()
    lines = [line.strip() for line in text.split("\r") if "events/s" in line and "/20000 events" in line]
    assert lines, text
    m = re.fullmatch(r"(\d+)/20000 events \((\d+)%\), (\d+) events/s, (\d+) (s|min) left", lines[0])
    assert m, lines[0]
    assert int(m.group(2)) == int(m.group(1)) * 100 // 20000 and int(m.group(3)) > 0
    assert "Ingested 20000 events" in text and "20000 stored" in text, text


def test_invalid_line_names_line_and_field(tmp_path, tmp_data):
    app = unique("cli")
    events = [make_event(app=app) for _ in range(4)]
    del events[2]["actor"]["id"]
    f = write_ndjson(tmp_path / "bad.ndjson", events)
    p = run_cli("ingest", str(f), "--data", str(tmp_data))
    assert p.returncode != 0
    assert "line 3" in p.stderr and "actor.id" in p.stderr, p.stderr
    doc = json.loads(run_cli("query", "events", "--data", str(tmp_data), "--app", app, "--format", "json",
                             check=True).stdout)
    assert doc["events"] == []


def test_invalid_line_through_server(tmp_path, tmp_data, server_factory):
    key = create_key(tmp_data, "host-app", "ingest")
    server = server_factory(tmp_data)
    events = [make_event(app=unique("cli")) for _ in range(3)]
    events[1]["rows"] = -5
    p = run_cli("ingest", str(write_ndjson(tmp_path / "bad.ndjson", events)), "--server", server.url, "--key", key)
    assert p.returncode != 0
    assert "400" in p.stderr and "rows" in p.stderr and "line 2" in p.stderr, p.stderr


def test_invalid_line_after_blank_lines_is_named_exactly(tmp_path, tmp_data, server_factory):
    # Blank lines hold no event: the error names the file's line, not the event's index, directly and via a server.
    events = [make_event(app=unique("cli")) for _ in range(3)]
    events[2]["rows"] = -5
    f = tmp_path / "blanks.ndjson"
    f.write_text(json.dumps(events[0]) + "\n\n\n" + json.dumps(events[1]) + "\n\n" + json.dumps(events[2]) + "\n")
    p = run_cli("ingest", str(f), "--data", str(tmp_data))
    assert p.returncode != 0 and "line 6: rows" in p.stderr, p.stderr
    key = create_key(tmp_data, "host-app", "ingest")
    server = server_factory(tmp_data)
    p = run_cli("ingest", str(f), "--server", server.url, "--key", key)
    assert p.returncode != 0 and "line 6: rows" in p.stderr, p.stderr


def test_serve_refuses_a_port_out_of_range(tmp_data):
    for args in (["serve", "--port", "70000"], ["demo", "--port=-1"]):
        p = run_cli(*args, "--data", str(tmp_data), timeout=60)
        assert p.returncode != 0 and "--port: must be a whole number from 0 to 65535" in p.stderr, p.stderr


def test_serve_on_a_taken_port_names_the_address(tmp_path, tmp_data, server_factory):
    running = server_factory(tmp_data)
    port = int(running.url.rsplit(":", 1)[1])
    p = run_cli("serve", "--port", str(port), "--data", str(tmp_path / "other"), timeout=60)
    assert p.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}:" in p.stderr and "in use" in p.stderr, p.stderr


def test_bad_query_option_exits_non_zero(tmp_path, tmp_data):
    run_cli("ingest", str(write_ndjson(tmp_path / "one.ndjson", [make_event()])), "--data", str(tmp_data), check=True)
    p = run_cli("query", "events", "--data", str(tmp_data), "--limit", "0", "--format", "json")
    assert p.returncode != 0 and "limit" in p.stderr


def test_reading_a_directory_without_a_store_fails_and_creates_nothing(tmp_path):
    # A mistyped --data must not answer "no events" from a store the read itself created.
    missing = tmp_path / "typo"
    for args in (["query", "events"], ["query", "subject", "person:1"], ["keys", "list"], ["verify"]):
        p = run_cli(*args, "--data", str(missing))
        assert p.returncode != 0 and "holds no custos.sqlite" in p.stderr, (args, p.stderr)
        assert not missing.exists(), args


def test_unreadable_input_and_unwritable_output_are_named(tmp_path):
    data = tmp_path / "data"
    for path, reason in ((tmp_path, "it is a directory"), (tmp_path / "missing.ndjson", "no such file")):
        p = run_cli("ingest", str(path), "--data", str(data))
        assert p.returncode != 0 and f"cannot read {path}: {reason}" in p.stderr, p.stderr
        assert not data.exists()  # nothing is created for a load that cannot start
    # /proc refuses new directories even to root.
    p = run_cli("simulate", "--officers", "5", "--days", "2", "--out", "/proc/custos-nope")
    assert p.returncode != 0 and "cannot write /proc/custos-nope: No such file or directory" in p.stderr, p.stderr
    assert "NSCocoaErrorDomain" not in p.stderr


def test_an_empty_id_is_refused(tmp_data):
    for kind, label in (("timeline", "actor"), ("session", "session"), ("dataset", "dataset"), ("subject", "subject")):
        p = run_cli("query", kind, "", "--data", str(tmp_data))
        assert p.returncode != 0 and f"the {label} id must not be empty" in p.stderr, (kind, p.stderr)


def test_an_unreachable_server_is_named(tmp_path):
    f = write_ndjson(tmp_path / "one.ndjson", [make_event()])
    for args in (["query", "events"], ["ingest", str(f)]):
        p = run_cli(*args, "--server", "http://127.0.0.1:1", "--key", "custos_x")
        assert p.returncode != 0 and "cannot reach http://127.0.0.1:1:" in p.stderr, (args, p.stderr)
        assert "NSURLErrorDomain" not in p.stderr, p.stderr
