#!/usr/bin/env python3
"""Times cedarpy (Rust Cedar) on the files `custos bench policy` generates, for the side-by-side figures of
docs/performance.md: each request decided alone with `cedarpy.is_authorized` against a pre-parsed PolicySet and
Entities, its latency measured around the call.

    python3 scripts/bench_cedarpy.py DIR --policies 5,100,1000

DIR holds entities.json, requests.ndjson and policies-N.cedar. One JSON line a policy count is printed:
{"policies": N, "requests": R, "p50_us": …, "p99_us": …, "allowed": A}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cedarpy


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--policies", default="5,100,1000")
    parser.add_argument("--requests", type=int, default=0, help="at most this many requests (0: all)")
    args = parser.parse_args()
    base = Path(args.dir)
    entities = cedarpy.Entities.from_json_str((base / "entities.json").read_text())
    requests = [json.loads(line) for line in (base / "requests.ndjson").read_text().splitlines() if line.strip()]
    if args.requests:
        requests = requests[: args.requests]
    for n in [int(x) for x in args.policies.split(",")]:
        policies = cedarpy.PolicySet.from_str((base / f"policies-{n}.cedar").read_text())
        for r in requests[:50]:  # warm up
            cedarpy.is_authorized(r, policies, entities)
        latencies = []
        allowed = 0
        for r in requests:
            start = time.perf_counter_ns()
            answer = cedarpy.is_authorized(r, policies, entities)
            latencies.append(time.perf_counter_ns() - start)
            allowed += answer.decision == cedarpy.Decision.Allow
        latencies.sort()

        def q(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(len(latencies) * p))] / 1000

        print(json.dumps({"policies": n, "requests": len(requests), "p50_us": round(q(0.5), 2),
                          "p99_us": round(q(0.99), 2), "allowed": allowed}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
