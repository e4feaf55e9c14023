#!/usr/bin/env python3
"""Differential oracle for CustosDetect: which events does pySigma say each Sigma rule matches?

Usage: sigma_differential.py RULES_DIR EVENTS_NDJSON OUTPUT_JSON

RULES_DIR holds *.yml Sigma detection rules (one per file). EVENTS_NDJSON holds one flat JSON object per line
whose keys are dotted field paths ("actor.id") and whose values are scalars (string, number, boolean or null).
Each rule is converted to SQL with pySigma's sqlite backend (collate_nocase=true, so plain equality ignores
case as Sigma specifies); the events are loaded into an in-memory SQLite table with one column per field path
(no type affinity, so numbers stay numbers and strings stay strings) and a REGEXP function backed by Python's re.
The output maps each rule file name to the sorted 0-based indices of the events it matches, or to
{"error": message} when pySigma cannot convert the rule.

Requires: pip install pysigma pysigma-backend-sqlite
"""

import json
import os
import re
import sqlite3
import sys

from sigma.backends.sqlite import sqliteBackend
from sigma.collection import SigmaCollection


def load_events(path):
    events = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                events.append(json.loads(line))
    return events


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def regexp(pattern, value):
    if value is None:
        return False
    if isinstance(value, bool):
        value = "true" if value else "false"
    return re.search(pattern, str(value)) is not None


def build_database(events, extra_fields):
    connection = sqlite3.connect(":memory:")
    connection.create_function("REGEXP", 2, regexp, deterministic=True)
    fields = sorted({key for event in events for key in event} | set(extra_fields))
    columns = ", ".join(["idx INTEGER"] + [quote(field) for field in fields])
    connection.execute(f"CREATE TABLE logs ({columns})")
    placeholders = ", ".join(["?"] * (len(fields) + 1))
    rows = []
    for index, event in enumerate(events):
        values = [event.get(field) for field in fields]
        rows.append([index] + [int(v) if isinstance(v, bool) else v for v in values])
    connection.executemany(f"INSERT INTO logs VALUES ({placeholders})", rows)
    return connection


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    rules_dir, events_path, output_path = sys.argv[1:]
    events = load_events(events_path)
    backend = sqliteBackend(collate_nocase=True)
    queries = {}
    results = {}
    fields = set()
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith(".yml"):
            continue
        with open(os.path.join(rules_dir, name), encoding="utf-8") as handle:
            text = handle.read()
        try:
            collection = SigmaCollection.from_yaml(text)
            converted = backend.convert(collection)
            queries[name] = converted[0]
            # Every quoted identifier of the query is a field the table needs (NULL where an event lacks it).
            fields.update(f.replace("``", "`") for f in re.findall(r"`((?:[^`]|``)+)`", converted[0]))
        except Exception as error:  # noqa: BLE001 - report every conversion problem per rule
            results[name] = {"error": f"{type(error).__name__}: {error}"}
    connection = build_database(events, fields)
    connection.row_factory = sqlite3.Row
    for name, query in queries.items():
        try:
            matched = sorted(row["idx"] for row in connection.execute(query))
            results[name] = {"matches": matched, "sql": query}
        except sqlite3.Error as error:
            results[name] = {"error": f"sqlite: {error}", "sql": query}
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
