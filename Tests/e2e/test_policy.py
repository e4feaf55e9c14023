"""`custos policy check`: worked examples, a differential test against the Cedar reference implementation (the
PyPI package `cedarpy`, Rust Cedar underneath), and bad inputs.

The differential tests need `pip install cedarpy`; without it they fail (CI installs it).
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest

from conftest import run_cli

try:
    import cedarpy
except ImportError:  # pragma: no cover - CI installs it
    cedarpy = None

FIXTURES = Path(__file__).resolve().parent / "policy_fixtures"
# A checkout of github.com/cedar-policy/cedar-integration-tests (its handwritten tests/ and sample-data/).
# The repository is cloned with shared/ beside it (as in CI).
CEDAR_TESTS = Path(os.environ.get(
    "CEDAR_INTEGRATION_TESTS",
    str(Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cedar" / "integration-tests")))


def need_cedarpy():
    if cedarpy is None:
        pytest.fail("the differential tests need the Cedar reference implementation: pip install cedarpy")


def write_requests(path: Path, requests: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in requests))
    return path


def policy_check(tmp_path: Path, policies, entities, requests: list, schema=None, *extra: str):
    """Runs `custos policy check` on all `requests` at once; returns the decoded output lines."""
    args = ["policy", "check", "--policies", str(policies), "--entities", str(entities),
            "--requests", str(write_requests(tmp_path / "requests.ndjson", requests))]
    if schema:
        args += ["--schema", str(schema)]
    p = run_cli(*args, *extra)
    assert p.returncode == 0, f"exit {p.returncode}\nstderr:\n{p.stderr}"
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(lines) == len(requests), p.stdout
    return lines


def result(decision: str, reasons=(), errors=()) -> dict:
    return {"decision": decision, "reasons": sorted(reasons), "errors": sorted(errors)}


# ---------------------------------------------------------------------------------------------------------------
# 1. Worked example: an agency.

AGENCY_POLICIES = FIXTURES / "agency.cedar"
AGENCY_ENTITIES = FIXTURES / "agency.entities.json"
AGENCY_SCHEMA = FIXTURES / "agency.cedarschema"


def req(principal: str, resource: str, action: str = "view", context: dict | None = None) -> dict:
    return {"principal": f'Officer::"{principal}"', "action": f'Action::"{action}"',
            "resource": f'Person::"{resource}"', "context": context or {}}


AGENCY_CASES = [
    # alice's case c1 holds p1 (not restricted).
    (req("alice", "p1"), result("allow", ["view-assigned"])),
    # p2 is restricted at level 2; alice's clearance 3 reaches it.
    (req("alice", "p2"), result("allow", ["view-assigned"])),
    # p3 is in bob's case but restricted and bob has no clearance: the forbid wins.
    (req("bob", "p3"), result("deny", ["restricted"])),
    # p3 is not in alice's cases, and level 5 is above her clearance.
    (req("alice", "p3"), result("deny", ["restricted"])),
    # p4 is restricted but has no level: the forbid fails to evaluate (an error), so it does not apply.
    (req("alice", "p4"), result("allow", ["view-assigned"], ["restricted"])),
    # Break glass: bob is a duty officer and gives an emergency reason.
    (req("bob", "p1", context={"reason": "medical emergency"}), result("allow", ["break-glass"])),
    # … but not without a reason, nor with a reason of the wrong type (an error).
    (req("bob", "p1"), result("deny")),
    (req("bob", "p1", context={"reason": 42}), result("deny", [], ["break-glass"])),
    # carol is no duty officer.
    (req("carol", "p1", context={"reason": "emergency"}), result("deny")),
    # Break glass does not override the restriction.
    (req("bob", "p2", context={"reason": "emergency"}), result("deny", ["restricted"])),
    # No policy permits editing.
    (req("alice", "p1", action="edit"), result("deny")),
    # An officer who does not exist: `principal.cases` fails, `has` is false.
    (req("nobody", "p1"), result("deny", [], ["view-assigned"])),
]


def test_agency_worked_example(tmp_path):
    out = policy_check(tmp_path, AGENCY_POLICIES, AGENCY_ENTITIES, [r for r, _ in AGENCY_CASES])
    for (request, expected), got in zip(AGENCY_CASES, out):
        assert got == expected, request


def test_agency_entity_forms_and_positional_ids(tmp_path):
    forms = [
        {"principal": {"type": "Officer", "id": "alice"}, "action": {"type": "Action", "id": "view"},
         "resource": {"type": "Person", "id": "p4"}, "context": {}},
        {"principal": {"__entity": {"type": "Officer", "id": "alice"}},
         "action": {"__entity": {"type": "Action", "id": "view"}},
         "resource": {"__entity": {"type": "Person", "id": "p4"}}},
        {"principal": 'Officer::"alice"', "action": 'Action::"view"', "resource": 'Person::"p4"'},
    ]
    out = policy_check(tmp_path, AGENCY_POLICIES, AGENCY_ENTITIES, forms)
    assert out == [result("allow", ["view-assigned"], ["restricted"])] * 3
    out = policy_check(tmp_path, AGENCY_POLICIES, AGENCY_ENTITIES, forms, None, "--positional-ids")
    assert out == [result("allow", ["policy0"], ["policy1"])] * 3


SCHEMAS = [AGENCY_SCHEMA, FIXTURES / "agency.cedarschema.json"]  # the same schema in Cedar and JSON syntax


@pytest.mark.parametrize("schema", SCHEMAS, ids=["cedar", "json"])
def test_agency_with_schema(tmp_path, schema):
    # The corrected policies validate; `resource has level` now guards the access, so p4 (restricted, no level)
    # no longer errors: the restriction applies.
    out = policy_check(tmp_path, FIXTURES / "agency-valid.cedar", AGENCY_ENTITIES,
                       [req("alice", "p4"), req("bob", "p1", context={"reason": "an emergency"}),
                        req("bob", "p3")], schema)
    assert out == [result("deny", ["restricted"]), result("allow", ["break-glass"]), result("deny", ["restricted"])]


def test_templates_are_not_evaluated(tmp_path):
    pol = tmp_path / "t.cedar"
    pol.write_text('permit (principal == ?principal, action, resource);\n@id("all") permit (principal, action, resource);\n')
    p = run_cli("policy", "check", "--policies", str(pol), "--entities", str(AGENCY_ENTITIES),
                "--requests", str(write_requests(tmp_path / "r.ndjson", [req("alice", "p1")])))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == result("allow", ["all"])
    assert "templates are not evaluated" in p.stderr and "policy0" in p.stderr


def test_table_format(tmp_path):
    p = run_cli("policy", "check", "--policies", str(AGENCY_POLICIES), "--entities", str(AGENCY_ENTITIES),
                "--requests", str(write_requests(tmp_path / "r.ndjson", [req("alice", "p4"), req("bob", "p3")])),
                "--format", "table")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["LINE", "PRINCIPAL", "ACTION", "RESOURCE", "DECISION", "REASONS", "ERRORS"]
    assert lines[1].split() == ["1", 'Officer::"alice"', 'Action::"view"', 'Person::"p4"', "allow",
                                "view-assigned", "restricted"]
    assert lines[2].split() == ["2", 'Officer::"bob"', 'Action::"view"', 'Person::"p3"', "deny", "restricted"]


# ---------------------------------------------------------------------------------------------------------------
# 2. Differential against cedarpy.

ERROR_POLICY = re.compile(r"error while evaluating policy `([^`]+)`")


def cedarpy_results(policies_text: str, entities: list, requests: list, schema: str | None = None,
                    positional: bool = False) -> list[dict]:
    """cedarpy's answers, in the command's shape. cedarpy reports positional ids (policy0, …); unless
    `positional`, they are mapped to the @id annotation, as the command names policies."""
    need_cedarpy()
    annotations = {}
    for pid, policy in json.loads(cedarpy.policies_to_json_str(policies_text))["staticPolicies"].items():
        if "id" in policy.get("annotations", {}) and not positional:
            annotations[pid] = policy["annotations"]["id"]
    policy_set = cedarpy.PolicySet.from_str(policies_text) if hasattr(cedarpy, "PolicySet") else policies_text
    answers = cedarpy.is_authorized_batch(requests, policy_set, json.dumps(entities), schema=schema)
    out = []
    for request, answer in zip(requests, answers):
        decision = answer.decision
        assert decision in (cedarpy.Decision.Allow, cedarpy.Decision.Deny), (request, answer._authz_resp)
        errors = []
        for message in answer.diagnostics.errors:
            m = ERROR_POLICY.match(message)
            assert m, f"cedarpy gave a non-evaluation error for {request}: {message}"
            errors.append(annotations.get(m.group(1), m.group(1)))
        reasons = [annotations.get(r, r) for r in answer.diagnostics.reasons]
        out.append(result(decision.value.lower(), reasons, errors))
    return out


def assert_same(requests, ours, theirs, label):
    disagreements = [(r, o, t) for r, o, t in zip(requests, ours, theirs) if o != t]
    assert not disagreements, f"{label}: {len(disagreements)} of {len(requests)} requests disagree; first: " + \
        json.dumps(disagreements[:3], indent=1)


DIFF_POLICIES = r"""
@id("u0-anything")
permit (principal == User::"u0", action, resource);

permit (principal in Unit::"north", action == Action::"view", resource is Case)
when { resource in Unit::"north" };

permit (principal in Role::"supervisor", action in Action::"read", resource);

@id("delete-only-supervisors")
forbid (principal, action == Action::"delete", resource)
unless { principal in Role::"supervisor" };

permit (principal is User, action, resource is Person)
when { principal has clearance && resource has age && principal.clearance > resource.age };

permit (principal, action in [Action::"view", Action::"edit"], resource is Person)
when { principal.clearance >= 3 };

permit (principal, action == Action::"view", resource is Dataset)
when { resource.classification like "pub*" };

permit (principal, action, resource)
when { principal.tags.contains("oncall") };

permit (principal, action, resource is Case)
when { resource.labels.containsAll(["pii", "open"]) };

permit (principal, action, resource is Case)
when { resource has labels && principal has tags && resource.labels.containsAny(principal.tags) };

forbid (principal, action, resource is Case)
when { resource.owner == principal && context.amount > 1000 };

permit (principal, action == Action::"export", resource)
when { context.amount + principal.clearance < 100 };

forbid (principal, action, resource)
when { principal has clearance && principal.clearance * 1000000000000 > 5000000000000000 };

permit (principal, action, resource)
when { if context has mfa then context.mfa else false };

permit (principal, action, resource is Dataset)
when { context has src && context.src.isInRange(ip("10.0.0.0/8")) };

forbid (principal, action, resource is Dataset)
when { context has src && context.src.isLoopback() };

permit (principal, action == Action::"view", resource)
when { principal has risk && principal.risk.lessThan(decimal("0.5")) };

@id("intel-analysts")
permit (principal, action, resource)
when { principal.profile.dept == "intel" && principal.profile.level >= 2 };

permit (principal, action, resource is Person)
when { resource in principal.manager.cases };

permit (principal, action, resource)
when { {a: 1, b: principal.clearance}.b == 2 };

forbid (principal, action, resource)
when { context has risk && context.risk.greaterThan(decimal("0.9")) };

permit (principal, action, resource)
when { context.reason like "*emergency*" };

@id("restricted")
forbid (principal, action, resource is Person)
when { resource.restricted }
unless { principal in Role::"auditor" };

permit (principal, action, resource)
when { -principal.clearance == 7 };

permit (principal, action, resource)
when { principal has manager && principal.manager in Unit::"hq" };

permit (principal is User in Unit::"south", action, resource)
when { principal.hasTag("team") && principal.getTag("team") == "red" };

permit (principal, action == Action::"edit", resource)
when { ip(context.host).isIpv4() && decimal(context.limit) > decimal("1.5") };

forbid (principal, action, resource is Dataset)
unless { resource has owner && (resource.owner == principal || principal in resource.owner) };

permit (principal, action, resource)
when { principal.profile has level && principal.profile.level - 9223372036854775807 < context.amount };

permit (principal, action, resource)
when { [1, 2, principal.clearance].contains(context.amount) && !(context has mfa) };
"""


def uid(t: str, i: str) -> dict:
    return {"type": t, "id": i}


def ext(fn: str, arg: str) -> dict:
    return {"__extn": {"fn": fn, "arg": arg}}


def diff_entities(rng: random.Random) -> list:
    ents = []

    def add(t, i, attrs=None, parents=(), tags=None):
        e = {"uid": uid(t, i), "attrs": attrs or {}, "parents": list(parents)}
        if tags is not None:
            e["tags"] = tags
        ents.append(e)

    add("Unit", "hq")
    add("Unit", "north", parents=[uid("Unit", "hq")])
    add("Unit", "south", parents=[uid("Unit", "hq")])
    add("Unit", "north-1", parents=[uid("Unit", "north")])
    for r in ["analyst", "supervisor", "auditor"]:
        add("Role", r)
    add("Action", "read")
    for a in ["view", "export"]:
        add("Action", a, parents=[uid("Action", "read")])
    for a in ["edit", "delete"]:
        add("Action", a)
    units = ["hq", "north", "south", "north-1"]
    cases = [f"c{i}" for i in range(6)]
    users = [f"u{i}" for i in range(10)]
    big = [9223372036854775807, -9223372036854775808, 9223372036853, -7, 0, 1, 2, 3, 5, 9, 40, 90]
    for c in cases:
        attrs = {"sensitivity": rng.randint(0, 5), "open": rng.random() < 0.5,
                 "owner": {"__entity": uid("User", rng.choice(users))}}
        if rng.random() < 0.8:
            attrs["labels"] = rng.sample(["pii", "open", "closed", "oncall", "red", "minor"], rng.randint(0, 4))
        add("Case", c, attrs, parents=[uid("Unit", rng.choice(units))])
    for i, u in enumerate(users):
        attrs = {}
        if rng.random() < 0.75:
            attrs["clearance"] = rng.choice(big)
        if rng.random() < 0.6:
            attrs["tags"] = rng.sample(["oncall", "pii", "red", "night", "open"], rng.randint(0, 3))
        if rng.random() < 0.5:
            attrs["risk"] = ext("decimal", rng.choice(["0.1", "0.4999", "0.5", "0.95", "-1.0"]))
        if rng.random() < 0.6:
            profile = {"dept": rng.choice(["intel", "patrol", "admin"])}
            if rng.random() < 0.7:
                profile["level"] = rng.choice([0, 1, 2, 3, -9223372036854775808])
            attrs["profile"] = profile
        if rng.random() < 0.5:
            attrs["manager"] = {"__entity": uid(rng.choice(["User", "Unit"]), rng.choice(users + units + ["ghost"]))}
        if rng.random() < 0.5:
            attrs["cases"] = [{"__entity": uid("Case", c)} for c in rng.sample(cases, rng.randint(0, 3))]
        parents = [uid("Unit", u2) for u2 in rng.sample(units, rng.randint(0, 2))]
        parents += [uid("Role", r) for r in rng.sample(["analyst", "supervisor", "auditor"], rng.randint(0, 2))]
        tags = {"team": rng.choice(["red", "blue"])} if rng.random() < 0.6 else None
        if u == "u0":
            attrs.setdefault("clearance", 1)
        add("User", u, attrs, parents, tags)
    for i in range(8):
        attrs = {"restricted": rng.random() < 0.3}
        if rng.random() < 0.7:
            attrs["age"] = rng.randint(0, 90)
        add("Person", f"p{i}", attrs, parents=[uid("Case", c) for c in rng.sample(cases, rng.randint(0, 2))])
    for i in range(4):
        attrs = {"classification": rng.choice(["public", "pub", "restricted", "Public"])}
        if rng.random() < 0.6:
            attrs["owner"] = {"__entity": uid(rng.choice(["User", "Unit"]), rng.choice(users + units))}
        add("Dataset", f"d{i}", attrs)
    return ents


def diff_requests(rng: random.Random, n: int) -> list:
    principals = [uid("User", f"u{i}") for i in range(10)] + [uid("User", "ghost"), uid("Unit", "north")]
    resources = ([uid("Case", f"c{i}") for i in range(6)] + [uid("Person", f"p{i}") for i in range(8)]
                 + [uid("Dataset", f"d{i}") for i in range(4)] + [uid("Person", "nobody")])
    actions = ["view", "edit", "export", "delete", "read"]
    out = []
    for k in range(n):
        context = {}
        if rng.random() < 0.6:
            context["amount"] = rng.choice([0, 1, 2, 3, 50, 5000, 9223372036854775807, -9223372036854775808, -1])
        if rng.random() < 0.3:
            context["mfa"] = rng.random() < 0.5
        if rng.random() < 0.3:
            context["src"] = ext("ip", rng.choice(["10.1.2.3", "127.0.0.1", "192.168.0.1", "::1", "10.0.0.0/16"]))
        if rng.random() < 0.2:
            context["risk"] = ext("decimal", rng.choice(["0.95", "0.1", "0.9"]))
        if rng.random() < 0.3:
            context["reason"] = rng.choice(["emergency", "an emergency call", "routine", 7])
        if rng.random() < 0.3:
            context["host"] = rng.choice(["10.0.0.1", "::1", "not-an-ip", "300.1.1.1"])
            context["limit"] = rng.choice(["2.0", "1.5", "abc", "1.23456", "922337203685477.5807"])
        p, a, r = rng.choice(principals), uid("Action", rng.choice(actions)), rng.choice(resources)
        # The three spellings of an entity: {"type","id"}, {"__entity": …} and a Cedar literal.
        form = k % 3
        if form == 1:
            p = {"__entity": p}
        elif form == 2:
            r = f'{r["type"]}::"{r["id"]}"'
        out.append({"principal": p, "action": a, "resource": r, "context": context})
    return out


def to_cedarpy_request(r: dict) -> dict:
    def entity(v):
        if isinstance(v, dict) and "__entity" in v:
            return v["__entity"]
        return v
    return {**r, "principal": entity(r["principal"]), "action": entity(r["action"]), "resource": entity(r["resource"])}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_differential_generated(tmp_path, seed):
    need_cedarpy()
    rng = random.Random(seed)
    entities = diff_entities(rng)
    requests = diff_requests(rng, 200)
    (tmp_path / "p.cedar").write_text(DIFF_POLICIES)
    (tmp_path / "e.json").write_text(json.dumps(entities))
    cedar_requests = [to_cedarpy_request(r) for r in requests]
    for positional in (False, True):
        extra = ("--positional-ids",) if positional else ()
        ours = policy_check(tmp_path, tmp_path / "p.cedar", tmp_path / "e.json", requests, None, *extra)
        theirs = cedarpy_results(DIFF_POLICIES, entities, cedar_requests, positional=positional)
        assert_same(requests, ours, theirs, f"seed {seed}, positional={positional}")
    # The generator must exercise every outcome: allow, deny by forbid, default deny, and errors.
    assert any(o["decision"] == "allow" for o in ours)
    assert any(o["decision"] == "deny" and o["reasons"] for o in ours)
    assert any(o["decision"] == "deny" and not o["reasons"] for o in ours)
    assert sum(1 for o in ours if o["errors"]) > len(ours) // 4
    assert len({p for o in ours for p in o["reasons"]}) >= 15, "too few policies ever determine a decision"


def test_differential_agency(tmp_path):
    """The worked example agrees with cedarpy as well."""
    requests = [r for r, _ in AGENCY_CASES]
    ours = policy_check(tmp_path, AGENCY_POLICIES, AGENCY_ENTITIES, requests)
    theirs = cedarpy_results(AGENCY_POLICIES.read_text(), json.loads(AGENCY_ENTITIES.read_text()), requests)
    assert_same(requests, ours, theirs, "agency")


def integration_tests():
    return sorted(CEDAR_TESTS.glob("tests/*/*.json"))


def test_cedar_integration_tests_are_present():
    """The conformance data must be there (beside the repository), or the differential run below proves nothing."""
    assert len(integration_tests()) == 22, f"expected the 22 handwritten Cedar integration tests under {CEDAR_TESTS}"


@pytest.mark.parametrize("test_file", integration_tests(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_differential_cedar_integration(tmp_path, test_file):
    need_cedarpy()
    spec = json.loads(test_file.read_text())
    policies = CEDAR_TESTS / spec["policies"]
    entities = CEDAR_TESTS / spec["entities"]
    schema = CEDAR_TESTS / spec["schema"]
    assert spec["shouldValidate"] and all(r.get("validateRequest", True) for r in spec["requests"])
    requests = [{k: r[k] for k in ("principal", "action", "resource", "context") if k in r} for r in spec["requests"]]
    ours = policy_check(tmp_path, policies, entities, requests, schema, "--positional-ids")
    theirs = cedarpy_results(policies.read_text(), json.loads(entities.read_text()), requests,
                             schema=schema.read_text(), positional=True)
    assert_same(requests, ours, theirs, test_file.name)
    # And both agree with the expectations written in the test.
    expected = [result(r["decision"].lower(), r["reason"], r["errors"]) for r in spec["requests"]]
    assert ours == expected


@pytest.mark.parametrize("schema", SCHEMAS, ids=["cedar", "json"])
def test_differential_validation(tmp_path, schema):
    """Strict validation: our verdict agrees with cedarpy's on the agency policies."""
    need_cedarpy()
    schema_text = schema.read_text()
    for name, valid in [("agency.cedar", False), ("agency-valid.cedar", True)]:
        assert cedarpy.validate_policies((FIXTURES / name).read_text(), schema_text).validation_passed is valid
        p = run_cli("policy", "check", "--policies", str(FIXTURES / name), "--entities", str(AGENCY_ENTITIES),
                    "--schema", str(schema),
                    "--requests", str(write_requests(tmp_path / "r.ndjson", [req("alice", "p1")])))
        assert p.returncode == (0 if valid else 2), p.stderr
        if not valid:
            assert p.stderr.splitlines() == [
                f"{FIXTURES / name}:10:60: policy restricted: unsafe access to optional attribute `level`"]


# ---------------------------------------------------------------------------------------------------------------
# 3. Bad input.

def run_check(tmp_path, policies=AGENCY_POLICIES, entities=AGENCY_ENTITIES, requests_text=None, schema=None):
    rpath = tmp_path / "requests.ndjson"
    rpath.write_text(requests_text if requests_text is not None else json.dumps(req("alice", "p1")) + "\n")
    args = ["policy", "check", "--policies", str(policies), "--entities", str(entities), "--requests", str(rpath)]
    if schema:
        args += ["--schema", str(schema)]
    return run_cli(*args), rpath


def test_unparsable_policy(tmp_path):
    bad = tmp_path / "bad.cedar"
    bad.write_text('permit (principal, action, resource);\n\nforbid (principal, action, resource)\n'
                   'when { principal.x == };\n')
    p, _ = run_check(tmp_path, policies=bad)
    assert p.returncode == 2
    assert p.stdout == ""
    assert f"{bad}:4:23:" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and "Fatal" not in p.stderr


def test_duplicate_policy_id(tmp_path):
    bad = tmp_path / "dup.cedar"
    bad.write_text('@id("a") permit (principal, action, resource);\n@id("a") forbid (principal, action, resource);\n')
    p, _ = run_check(tmp_path, policies=bad)
    assert p.returncode == 2
    assert f"{bad}:2:1:" in p.stderr and "duplicate policy id `a`" in p.stderr, p.stderr


def test_malformed_request_lines(tmp_path):
    good = json.dumps(req("alice", "p1"))
    text = "\n".join([good, "", '{"principal": tru}', good, '{"principal": "Officer::\\"a\\""}',
                      json.dumps({**req("alice", "p1"), "resource": "Person::p1"}), "[1]"]) + "\n"
    p, rpath = run_check(tmp_path, requests_text=text)
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert lines[0].startswith(f"{rpath}:3:15: malformed JSON"), p.stderr
    assert lines[1].startswith(f"{rpath}:5: invalid request") and "`principal`, `action` and `resource`" in lines[1]
    assert lines[2].startswith(f"{rpath}:6: invalid request: resource: invalid entity literal"), p.stderr
    assert lines[3].startswith(f"{rpath}:7: invalid request"), p.stderr
    assert len(lines) == 4


def test_malformed_entities(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[\n  {"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": []},\n  {"uid": }\n]\n')
    p, _ = run_check(tmp_path, entities=bad)
    assert p.returncode == 2 and f"{bad}:3:" in p.stderr, p.stderr
    bad.write_text('[{"uid": {"type": "User", "id": "a"}, "attrs": {"n": 1.5}, "parents": []}]')
    p, _ = run_check(tmp_path, entities=bad)
    assert p.returncode == 2 and 'entity [0] User::"a": attrs.n:' in p.stderr, p.stderr


def test_missing_file(tmp_path):
    p, _ = run_check(tmp_path, policies=tmp_path / "nope.cedar")
    assert p.returncode == 2 and "nope.cedar: no such file" in p.stderr


def test_schema_validation_errors(tmp_path):
    # The original agency policies read the optional `level` without checking `has`: strict validation fails.
    p, _ = run_check(tmp_path, schema=AGENCY_SCHEMA)
    assert p.returncode == 2 and p.stdout == ""
    assert f"{AGENCY_POLICIES}:10:60: policy restricted: unsafe access to optional attribute `level`" in p.stderr

    # A policy naming an unknown entity type.
    ghost = tmp_path / "ghost.cedar"
    ghost.write_text('permit (principal, action, resource);\npermit (principal is Ghost, action, resource);\n')
    p, _ = run_check(tmp_path, policies=ghost, schema=AGENCY_SCHEMA)
    assert p.returncode == 2
    assert f"{ghost}:2:1: policy policy1: unrecognized entity type `Ghost`" in p.stderr, p.stderr

    valid = FIXTURES / "agency-valid.cedar"
    # An entity of an unknown type.
    ents = json.loads(AGENCY_ENTITIES.read_text()) + [{"uid": uid("Ghost", "g"), "attrs": {}, "parents": []}]
    (tmp_path / "e.json").write_text(json.dumps(ents))
    p, _ = run_check(tmp_path, policies=valid, entities=tmp_path / "e.json", schema=AGENCY_SCHEMA)
    assert p.returncode == 2
    assert "Ghost::\"g\"" in p.stderr and "entity type `Ghost` is not declared in the schema" in p.stderr, p.stderr

    # A request with a principal of an unknown type, and one whose context has the wrong type.
    text = json.dumps({**req("alice", "p1"), "principal": 'Ghost::"x"'}) + "\n" + \
        json.dumps(req("alice", "p1", context={"reason": 42})) + "\n"
    p, rpath = run_check(tmp_path, policies=valid, requests_text=text, schema=AGENCY_SCHEMA)
    assert p.returncode == 2
    assert f"{rpath}:1: invalid request: principal:" in p.stderr and "Ghost" in p.stderr, p.stderr
    assert f"{rpath}:2: invalid request: context: attribute `reason`" in p.stderr, p.stderr
