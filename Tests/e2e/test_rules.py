"""The built-in rule pack measured end to end: `custos simulate` → `custos eval`, and `custos rules test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli

RULES = str(REPO_ROOT / "rules")

# The misuse kinds the pack claims to cover (docs/rules.md, "Built-in rule pack"): every kind the simulator injects.
COVERED = [
    "bulk_export", "fishing", "sequential_enumeration", "broad_query", "probing", "missing_purpose",
    "watch_list_lookup", "self_lookup", "unassigned_case", "after_role_change", "after_termination",
    "dormant_account", "new_device", "same_surname_lookup", "off_hours",
]


@pytest.fixture(scope="module", params=[11, 23])
def evaluation(request, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp(f"sim{request.param}")
    run_cli("simulate", "--officers", "40", "--days", "16", "--seed", str(request.param), "--out", str(out),
            check=True, timeout=300)
    p = run_cli("eval", "--sim", str(out), "--rules", RULES, "--format", "json", check=True, timeout=600)
    report = json.loads(p.stdout)
    report["_dir"] = str(out)
    return report


def test_recall_of_covered_kinds(evaluation):
    scenarios = evaluation["scenarios"]
    for kind in COVERED:
        assert kind in scenarios, f"the simulation injected no {kind}"
        assert scenarios[kind]["recall"] >= 0.9, (kind, scenarios[kind])


def test_precision_and_benign_look_alikes(evaluation):
    assert evaluation["findings"] > 0
    assert evaluation["precision"] >= 0.9, evaluation["rules"]
    for kind, counts in evaluation["benign"].items():
        assert counts["flagged"] == 0, (kind, counts)


def test_time_to_detect_is_reported(evaluation):
    assert evaluation["median_ttd_seconds"] is not None
    assert evaluation["median_ttd_seconds"] <= 15 * 60


def test_rules_test_writes_findings(evaluation):
    sim = Path(evaluation["_dir"])
    p = run_cli("rules", "test", "--rules", RULES, "--events", str(sim / "events.ndjson"),
                "--reference", str(sim / "entities.json"), check=True, timeout=600)
    lines = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert len(lines) == evaluation["findings"]
    for f in lines:
        assert {"rule", "actor", "time", "severity", "explanation", "evidence"} <= f.keys()
        assert f["evidence"] and all(isinstance(e, str) for e in f["evidence"])


def test_rule_errors_exit_2(tmp_path):
    (tmp_path / "bad.yml").write_text(
        "title: Broken\nlogsource:\n    product: custos\ndetection:\n    selection:\n        action: view\n"
        "    condition: selection and\n")
    events = tmp_path / "events.ndjson"
    events.write_text("")
    p = run_cli("rules", "test", "--rules", str(tmp_path), "--events", str(events))
    assert p.returncode == 2
    assert "bad.yml:7:" in p.stderr
