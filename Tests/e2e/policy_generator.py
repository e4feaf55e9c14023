"""Random Cedar policies, entities (a 4-level group hierarchy) and requests, for differential testing against
cedarpy (test_policy_differential.py). Deterministic for a given random.Random."""

from __future__ import annotations

import random

ACTIONS = ["view", "edit", "export", "delete", "print"]
ACTION_GROUPS = {"read": ["view", "export", "print"], "write": ["edit", "delete"]}
LEVELS = ["Org", "Division", "Unit", "Team"]  # each Group level's parent is the one before
STRINGS = ["alpha", "beta", "pii", "open", "red", "", "a*b", "emergency call", "Ünïcode"]
INTS = [0, 1, 2, 3, 5, 10, -1, 100, 9223372036854775807, -9223372036854775808]


def uid(t: str, i: str) -> dict:
    return {"type": t, "id": i}


def literal(t: str, i: str) -> str:
    return f'{t}::"{i}"'


class World:
    """The entity population: ids of each kind, so policies and requests name entities that exist (mostly)."""

    def __init__(self, rng: random.Random, users: int = 12, scale: int = 1):
        self.rng = rng
        self.groups = {level: [f"{level.lower()}{i}" for i in range(n * scale)]
                       for level, n in zip(LEVELS, [2, 3, 5, 8])}
        self.users = [f"u{i}" for i in range(users * scale)]
        self.roles = ["analyst", "supervisor", "auditor"]
        self.datasets = [f"d{i}" for i in range(3 * scale)]
        self.cases = [f"c{i}" for i in range(6 * scale)]
        self.records = [f"r{i}" for i in range(10 * scale)]

    def group(self) -> str:
        level = self.rng.choice(LEVELS)
        return literal("Group", self.rng.choice(self.groups[level]))

    def principal(self) -> str:
        r = self.rng.random()
        if r < 0.85:
            return literal("User", self.rng.choice(self.users))
        if r < 0.95:
            return literal("User", "ghost")
        return self.group()

    def resource(self) -> str:
        kind = self.rng.choice(["Record", "Record", "Case", "Dataset"])
        pool = {"Record": self.records, "Case": self.cases, "Dataset": self.datasets}[kind]
        return literal(kind, self.rng.choice(pool + ["nowhere"] if self.rng.random() < 0.05 else pool))

    # -- entities ---------------------------------------------------------------------------------------------

    def entities(self) -> list:
        rng = self.rng
        out = []

        def add(t, i, attrs=None, parents=(), tags=None):
            e = {"uid": uid(t, i), "attrs": attrs or {}, "parents": list(parents)}
            if tags is not None:
                e["tags"] = tags
            out.append(e)

        for depth, level in enumerate(LEVELS):
            for g in self.groups[level]:
                parents = [] if depth == 0 else [uid("Group", rng.choice(self.groups[LEVELS[depth - 1]]))]
                add("Group", g, {"level": depth, "name": rng.choice(STRINGS)}, parents)
        for r in self.roles:
            add("Role", r)
        for group, members in ACTION_GROUPS.items():
            add("Action", group)
        for a in ACTIONS:
            add("Action", a, parents=[uid("Action", g) for g, ms in ACTION_GROUPS.items() if a in ms])
        for u in self.users:
            attrs = {}
            if rng.random() < 0.8:
                attrs["clearance"] = rng.choice(INTS[:8])
            if rng.random() < 0.7:
                attrs["tags"] = rng.sample(STRINGS, rng.randint(0, 3))
            if rng.random() < 0.6:
                attrs["active"] = rng.random() < 0.8
            if rng.random() < 0.5:
                attrs["name"] = rng.choice(STRINGS)
            if rng.random() < 0.4:
                attrs["risk"] = {"__extn": {"fn": "decimal", "arg": rng.choice(["0.1", "0.5", "0.95", "-1.0"])}}
            if rng.random() < 0.4:
                attrs["home"] = {"__entity": uid("Group", rng.choice(self.groups[rng.choice(LEVELS)]))}
            if rng.random() < 0.4:
                attrs["profile"] = {"dept": rng.choice(["intel", "patrol"]), "level": rng.choice(INTS[:6])}
            parents = [uid("Group", rng.choice(self.groups["Team"])) for _ in range(rng.randint(0, 2))]
            parents += [uid("Role", r) for r in rng.sample(self.roles, rng.randint(0, 2))]
            tags = {"team": rng.choice(["red", "blue"])} if rng.random() < 0.4 else None
            add("User", u, attrs, parents, tags)
        for d in self.datasets:
            add("Dataset", d, {"classification": rng.choice(["public", "restricted", "secret"]),
                               "sensitivity": rng.randint(0, 5)},
                [uid("Group", rng.choice(self.groups[rng.choice(LEVELS)]))])
        for c in self.cases:
            attrs = {"sensitivity": rng.randint(0, 5), "open": rng.random() < 0.5}
            if rng.random() < 0.7:
                attrs["owner"] = {"__entity": uid("User", rng.choice(self.users))}
            if rng.random() < 0.6:
                attrs["labels"] = rng.sample(STRINGS, rng.randint(0, 3))
            add("Case", c, attrs, [uid("Dataset", rng.choice(self.datasets))])
        for r in self.records:
            attrs = {"sensitivity": rng.randint(0, 5)}
            if rng.random() < 0.5:
                attrs["restricted"] = rng.random() < 0.4
            if rng.random() < 0.5:
                attrs["subject_age"] = rng.randint(0, 90)
            add("Record", r, attrs, [uid("Case", c) for c in rng.sample(self.cases, rng.randint(0, 2))])
        return out

    # -- policies ---------------------------------------------------------------------------------------------

    def scope_principal(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return "principal"
        if r < 0.55:
            return f"principal == {literal('User', self.rng.choice(self.users))}"
        if r < 0.8:
            return f"principal in {self.group()}"
        if r < 0.9:
            return "principal is User"
        return f"principal is User in {self.group()}"

    def scope_action(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return "action"
        if r < 0.65:
            return f'action == Action::"{self.rng.choice(ACTIONS)}"'
        if r < 0.85:
            picks = self.rng.sample(ACTIONS, self.rng.randint(1, 3))
            return "action in [" + ", ".join(f'Action::"{a}"' for a in picks) + "]"
        return f'action in Action::"{self.rng.choice(list(ACTION_GROUPS))}"'

    def scope_resource(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return "resource"
        if r < 0.55:
            return f'resource == Record::"{self.rng.choice(self.records)}"'
        if r < 0.75:
            kind, pool = self.rng.choice([("Case", self.cases), ("Dataset", self.datasets)])
            return f'resource in {kind}::"{self.rng.choice(pool)}"'
        if r < 0.9:
            return f"resource is {self.rng.choice(['Record', 'Case', 'Dataset'])}"
        return f'resource is Record in Dataset::"{self.rng.choice(self.datasets)}"'

    def int_expr(self, depth: int) -> str:
        rng = self.rng
        r = rng.random()
        if depth <= 0 or r < 0.3:
            return str(rng.choice(INTS))
        if r < 0.45:
            return rng.choice(["principal.clearance", "resource.sensitivity", "principal.profile.level"])
        if r < 0.6:
            return "context.amount"
        if r < 0.8:
            op = rng.choice(["+", "-", "*"])
            return f"({self.int_expr(depth - 1)} {op} {self.int_expr(depth - 1)})"
        if r < 0.9:
            return f"-{self.int_expr(depth - 1)}"
        return str(rng.choice(INTS))

    def bool_expr(self, depth: int) -> str:
        rng = self.rng
        choices = [
            lambda: f"{self.int_expr(depth - 1)} {rng.choice(['<', '<=', '>', '>=', '==', '!='])} {self.int_expr(depth - 1)}",
            lambda: f"principal has {rng.choice(['clearance', 'tags', 'active', 'risk', 'home', 'profile'])}",
            lambda: f"resource has {rng.choice(['owner', 'labels', 'restricted', 'subject_age'])}",
            lambda: f"context has {rng.choice(['amount', 'purpose', 'mfa', 'src'])}",
            lambda: "principal.active",
            lambda: "resource.restricted",
            lambda: "context.mfa",
            lambda: f"principal in {self.group()}",
            lambda: "resource.owner == principal",
            lambda: "principal in resource.owner",
            lambda: "resource in principal.home",
            lambda: f'principal.tags.contains("{rng.choice(STRINGS)}")',
            lambda: "resource.labels.containsAny(principal.tags)",
            lambda: f'resource.labels.containsAll(["{rng.choice(STRINGS)}"])',
            lambda: f'principal.name like "{rng.choice(["a*", "*", "*e*", "al?ha", "alpha", "*call"])}"',
            lambda: f'context.purpose like "*{rng.choice(["case", "emergency", ""])}*"',
            lambda: f'principal.risk.lessThan(decimal("{rng.choice(["0.5", "0.1", "1.0"])}"))',
            lambda: f'context.src.isInRange(ip("{rng.choice(["10.0.0.0/8", "192.168.0.0/16", "::1/128"])}"))',
            lambda: "context.src.isLoopback()",
            lambda: 'principal.hasTag("team") && principal.getTag("team") == "red"',
            lambda: 'principal.getTag("team") == "blue"',
            lambda: f'principal.profile.dept == "{rng.choice(["intel", "patrol"])}"',
            lambda: f'resource.subject_age < {rng.randint(0, 90)}',
            lambda: f"principal is User",
            lambda: f"resource is {rng.choice(['Record', 'Case'])}",
            lambda: f"action in Action::\"{rng.choice(list(ACTION_GROUPS))}\"",
            lambda: f'{{a: {self.int_expr(0)}, b: principal.clearance}}.b == {rng.choice(INTS[:5])}',
        ]
        if depth > 0:
            choices += [
                lambda: f"({self.bool_expr(depth - 1)} && {self.bool_expr(depth - 1)})",
                lambda: f"({self.bool_expr(depth - 1)} || {self.bool_expr(depth - 1)})",
                lambda: f"!({self.bool_expr(depth - 1)})",
                lambda: f"(if {self.bool_expr(depth - 1)} then {self.bool_expr(depth - 1)} else {self.bool_expr(depth - 1)})",
                lambda: f"(principal has clearance && {self.bool_expr(depth - 1)})",
            ]
        return rng.choice(choices)()

    def policy(self) -> str:
        rng = self.rng
        effect = "permit" if rng.random() < 0.7 else "forbid"
        text = f"{effect} (\n  {self.scope_principal()},\n  {self.scope_action()},\n  {self.scope_resource()}\n)"
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            text += f"\n{rng.choice(['when', 'when', 'unless'])} {{ {self.bool_expr(rng.randint(0, 2))} }}"
        return text + ";\n"

    def policies(self, n: int) -> str:
        return "\n".join(self.policy() for _ in range(n))

    # -- requests ---------------------------------------------------------------------------------------------

    def context(self) -> dict:
        rng = self.rng
        c = {}
        if rng.random() < 0.6:
            c["amount"] = rng.choice(INTS)
        if rng.random() < 0.4:
            c["purpose"] = rng.choice(["case C-1", "emergency", "", "routine"])
        if rng.random() < 0.3:
            c["mfa"] = rng.random() < 0.5
        if rng.random() < 0.3:
            c["src"] = {"__extn": {"fn": "ip", "arg": rng.choice(["10.1.2.3", "127.0.0.1", "192.168.1.1", "::1"])}}
        return c

    def requests(self, n: int) -> list:
        out = []
        for _ in range(n):
            p, r = self.principal(), self.resource()
            a = literal("Action", self.rng.choice(ACTIONS + ["read"]))
            out.append({"principal": p, "action": a, "resource": r, "context": self.context()})
        return out
