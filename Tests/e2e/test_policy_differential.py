"""Differential testing of the Cedar implementation against cedarpy (Rust Cedar) on generated random policies,
entities (a 4-level group hierarchy) and requests: every decision, determining policy and erroring policy must
agree. CI runs 100,000 cases with fixed seeds (in about a minute); CUSTOS_DIFF_ROUNDS=500 runs 1,000,000 and
CUSTOS_DIFF_SEED picks other seeds (docs/policy.md).

Each round is one `custos policy check` process over all of its requests, so the run stays within minutes."""

from __future__ import annotations

import json
import os
import random

import pytest

from policy_generator import World
from test_policy import assert_same, cedarpy_results, need_cedarpy, policy_check

REQUESTS_PER_ROUND = 2_000
ROUNDS = max(50, int(os.environ.get("CUSTOS_DIFF_ROUNDS", "50")))
BASE_SEED = int(os.environ.get("CUSTOS_DIFF_SEED", "20261123"))


def as_entity(literal: str) -> dict:
    kind, quoted = literal.split("::", 1)
    return {"type": kind, "id": json.loads(quoted)}


def cedar_request(r: dict) -> dict:
    return {**r, "principal": as_entity(r["principal"]), "action": as_entity(r["action"]),
            "resource": as_entity(r["resource"])}


def test_random_policies_agree_with_cedarpy(tmp_path):
    need_cedarpy()
    totals = {"cases": 0, "allow": 0, "forbid": 0, "default": 0, "errors": 0}
    determining = set()
    for round_ in range(ROUNDS):
        seed = BASE_SEED + round_
        world = World(random.Random(seed))
        policies = world.policies(random.Random(seed).randint(5, 40))
        entities = world.entities()
        requests = world.requests(REQUESTS_PER_ROUND)
        (tmp_path / "p.cedar").write_text(policies)
        (tmp_path / "e.json").write_text(json.dumps(entities))
        ours = policy_check(tmp_path, tmp_path / "p.cedar", tmp_path / "e.json", requests, None, "--positional-ids")
        theirs = cedarpy_results(policies, entities, [cedar_request(r) for r in requests], positional=True)
        assert_same(requests, ours, theirs, f"seed {seed} (CUSTOS_DIFF_SEED={BASE_SEED}, round {round_})")
        totals["cases"] += len(requests)
        for o in ours:
            if o["decision"] == "allow":
                totals["allow"] += 1
            elif o["reasons"]:
                totals["forbid"] += 1
            else:
                totals["default"] += 1
            totals["errors"] += bool(o["errors"])
            determining.update((seed, p) for p in o["reasons"])
    print(f"differential: {totals}")
    assert totals["cases"] >= ROUNDS * REQUESTS_PER_ROUND >= 100_000
    # The generator must exercise every outcome: allow, deny by forbid, default deny, and evaluation errors.
    for outcome in ("allow", "forbid", "default", "errors"):
        assert totals[outcome] > totals["cases"] // 50, (outcome, totals)
    assert len(determining) > ROUNDS * 3, "too few policies ever determine a decision"
