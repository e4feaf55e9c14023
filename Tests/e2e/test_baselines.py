"""Baselines, protected reference data and explanation-based auditing through the real `custos` binary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli

RULES = str(REPO_ROOT / "rules")


@pytest.fixture(scope="module")
def sim(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    run_cli("simulate", "--officers", "30", "--days", "16", "--seed", "5", "--out", str(out), check=True, timeout=300)
    return out


def findings(rules: str, sim: Path, reference: Path, *extra: str) -> list[dict]:
    p = run_cli("rules", "test", "--rules", rules, "--events", str(sim / "events.ndjson"),
                "--reference", str(reference), *extra, check=True, timeout=600)
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def test_protect_hides_names_is_idempotent_and_matches_the_same(sim, tmp_path):
    key = tmp_path / "key"
    key.write_bytes(bytes(range(32)))
    once, twice = tmp_path / "once.json", tmp_path / "twice.json"
    run_cli("reference", "protect", "--key", str(key), "--in", str(sim / "entities.json"), "--out", str(once),
            check=True)
    run_cli("reference", "protect", "--key", str(key), "--in", str(once), "--out", str(twice), check=True)
    assert once.read_bytes() == twice.read_bytes()
    plain = json.loads((sim / "entities.json").read_text())
    protected = json.loads(once.read_text())
    text = once.read_text()
    people = [e for e in plain if e["uid"]["type"] == "Custos::Person"]
    for person in people[:200]:
        assert f'"surname":"{person["attrs"]["surname"]}"' not in text
        assert person["attrs"]["address"]["street"] not in text
    users = {e["uid"]["id"]: e for e in protected if e["uid"]["type"] == "Custos::User"}
    assert users["officer-0001"]["attrs"]["surname"].startswith("hmac:v1:")
    assert users["officer-0001"]["attrs"]["home_address"].startswith("hmac:v1:")
    # Detection (the namesake rule reads surnames) gives exactly the same findings.
    assert findings(RULES, sim, once) == findings(RULES, sim, sim / "entities.json")


def test_protect_refuses_a_short_key(sim, tmp_path):
    key = tmp_path / "key"
    key.write_text("short\n")
    p = run_cli("reference", "protect", "--key", str(key), "--in", str(sim / "entities.json"),
                "--out", str(tmp_path / "x.json"))
    assert p.returncode != 0
    assert "16 bytes" in p.stderr
    assert not (tmp_path / "x.json").exists()


def test_explain_reports_shares_and_the_unexplained(sim):
    p = run_cli("explain", "--events", str(sim / "events.ndjson"), "--reference", str(sim / "entities.json"),
                "--format", "json", check=True, timeout=600)
    report = json.loads(p.stdout)
    total = report["total"]
    assert total["accesses"] > 1000
    assert 0.9 < total["share_explained"] < 1.0
    assert total["accesses"] - total["explained"] == len(report["unexplained"])
    assert sum(r["accesses"] for r in report["by_role"].values()) == total["accesses"]
    assert report["by_reason"]["assignment"] > 0
    labels = [json.loads(line) for line in (sim / "labels.ndjson").read_text().splitlines()]
    fishing = next(label for label in labels if label["scenario"] == "fishing")
    unexplained_events = {u["event"] for u in report["unexplained"]}
    assert set(fishing["event_ids"]) & unexplained_events
    table = run_cli("explain", "--events", str(sim / "events.ndjson"), "--reference", str(sim / "entities.json"),
                    check=True, timeout=600).stdout
    assert "subject accesses" in table and "unexplained accesses:" in table


def test_baselines_run_with_the_rules_and_can_be_switched_off(sim):
    with_baselines = findings(RULES, sim, sim / "entities.json")
    without = findings(RULES, sim, sim / "entities.json", "--no-baselines")
    assert not any(f["rule"].startswith("baseline.") for f in without)
    assert [f for f in with_baselines if not f["rule"].startswith("baseline.")] == without
    dormancy = [f for f in with_baselines if f["rule"] == "baseline.dormancy"]
    labels = [json.loads(line) for line in (sim / "labels.ndjson").read_text().splitlines()]
    dormant = {label["actor"] for label in labels if label["scenario"] == "dormant_account"}
    assert dormant and dormant <= {f["actor"] for f in dormancy}


def test_a_bad_baselines_file_exits_2_with_its_line(tmp_path):
    shutil.copy(REPO_ROOT / "rules" / "self_lookup.yml", tmp_path / "self_lookup.yml")
    (tmp_path / "baselines.yml").write_text("window_days: 30\nmeasures:\n  daily_rows: {level: severe}\n")
    events = tmp_path / "events.ndjson"
    events.write_text("")
    p = run_cli("rules", "test", "--rules", str(tmp_path), "--events", str(events))
    assert p.returncode == 2
    assert "baselines.yml:3:" in p.stderr
    (tmp_path / "baselines.yml").write_text("window_days: 30\n")
    p = run_cli("rules", "test", "--rules", str(tmp_path), "--events", str(events))
    assert p.returncode == 0, p.stderr
