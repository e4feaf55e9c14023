"""The decision point's state files against the real `custos` binary: the entities and review files are replaced
crash-safely (temporary file synced, renamed, directory synced — seen with strace), and a break-glass decision
stored without its review (a crash or failed write between the two) has its review re-opened on restart."""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest
import conftest
from conftest import Server, create_key
from test_policy_service import FIXTURES, VIEW_P4, agency, post

EMERGENCY = {"principal": 'Officer::"bob"', **VIEW_P4, "resource": 'Person::"p1"',
             "context": {"reason": "emergency: child at risk"}}


def break_glass(tmp_data: Path) -> Path:
    config = agency(tmp_data, poll=0)
    text = (FIXTURES / "agency.cedar").read_text().replace('@id("break-glass")', '@id("break-glass")\n@break_glass')
    (tmp_data / "policies.cedar").write_text(text)
    return config


class TracedServer(Server):
    """`custos serve` under strace, logging each fsync and rename with the paths of their file descriptors."""

    def __init__(self, data_dir, config, trace: Path):
        super().__init__(data_dir, config)
        self.trace = trace

    def start(self):
        real = conftest.CUSTOS_BIN
        wrapper = Path(self.data_dir).parent / "traced-custos"
        wrapper.write_text(f'#!/bin/sh\nexec strace -f -y -qq -e trace=fsync,rename,renameat,renameat2 '
                           f'-o {self.trace} {real} "$@"\n')
        wrapper.chmod(0o755)
        conftest.CUSTOS_BIN = str(wrapper)
        try:
            return super().start()
        finally:
            conftest.CUSTOS_BIN = real

    def stop(self, timeout: float = 15):
        """SIGTERM to the traced server itself (strace would only detach from it), then wait for strace."""
        if self.proc and self.proc.poll() is None:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            for pid in children:
                os.kill(int(pid), signal.SIGTERM)
        return super().stop(timeout)


def synced_replacements(trace: str, data_dir: Path, name: str) -> bool:
    """Whether the trace shows `name` replaced durably: its temporary file fsynced, renamed over it, then the data
    directory fsynced."""
    real = str(data_dir.resolve())
    tmp, final = f"{data_dir}/{name}.tmp", f"{data_dir}/{name}"
    lines = [re.sub(r"^\d+\s+", "", line) for line in trace.splitlines()]
    for i, line in enumerate(lines):
        if not (line.startswith("fsync(") and f"<{real}/{name}.tmp>" in line and line.rstrip().endswith("= 0")):
            continue
        for j in range(i + 1, len(lines)):
            if "rename" in lines[j] and f'"{tmp}"' in lines[j] and f'"{final}"' in lines[j]:
                return any(lines[k].startswith("fsync(") and f"<{real}>" in lines[k]
                           for k in range(j + 1, len(lines)))
    return False


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace (installed by .ci/run)")
def test_entities_and_reviews_are_replaced_crash_safely(tmp_data):
    config = break_glass(tmp_data)
    host = create_key(tmp_data, "casebook-host", "ingest")
    admin = create_key(tmp_data, "entity-admin", "admin")
    trace = tmp_data.parent / "strace.log"
    server = TracedServer(tmp_data, config, trace).start()
    try:
        carol = {"uid": {"type": "Officer", "id": "carol"}, "parents": [], "attrs": {"cases": [], "clearance": 1}}
        r = post(server, "/v1/entities/upsert", admin, carol)
        assert r.status_code == 200, r.text
        r = post(server, "/v1/authorize", host, EMERGENCY)
        assert r.status_code == 200 and "review_id" in r.json(), r.text
        r = post(server, f"/v1/reviews/{r.json()['review_id']}/close", admin, {"outcome": "justified"})
        assert r.status_code == 200, r.text
    finally:
        server.stop()
    text = trace.read_text(errors="replace")
    for name in ["entities.json", "entities.version", "reviews.json"]:
        assert synced_replacements(text, Path(tmp_data), name), f"{name} not replaced durably:\n{text[-3000:]}"


def test_break_glass_decision_without_its_review_is_reopened_on_restart(tmp_data, server_factory):
    config = break_glass(tmp_data)
    host = create_key(tmp_data, "casebook-host", "ingest")
    reader = create_key(tmp_data, "auditor-1", "read")
    # A non-empty directory where reviews.json goes: the decision is stored, its review cannot be written — the
    # state a crash between the two leaves behind.
    blocker = tmp_data / "reviews.json"
    blocker.mkdir()
    (blocker / "keep").write_text("x")
    server = server_factory(tmp_data, config)
    r = post(server, "/v1/authorize", host, EMERGENCY)
    assert r.status_code == 503 and r.json()["type"].endswith("/review-not-opened"), r.text
    event = server.all_events(reader, action="authorize")[-1]
    assert event["attributes"]["break_glass"] is True
    server.kill9()

    shutil.rmtree(blocker)
    server = server_factory(tmp_data, config)
    reviews = server.get("/v1/reviews", reader).json()["reviews"]
    assert [v["id"] for v in reviews] == [event["attributes"]["review"]], reviews
    review = reviews[0]
    assert review["status"] == "open" and review["decision_id"] == event["decision"]
    assert review["principal"] == 'Officer::"bob"' and review["resource"] == 'Person::"p1"'
    assert review["policy"] == "break-glass" and review["purpose"] == {"reason": "emergency: child at risk"}

    # A clean restart re-opens nothing twice.
    server.stop()
    server = server_factory(tmp_data, config)
    assert len(server.get("/v1/reviews", reader).json()["reviews"]) == 1
