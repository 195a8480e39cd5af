#!/usr/bin/env python3
"""Independent checks of buig's JSON and CSV outputs and of the scenario schema.

Uses Python's jsonschema (a validator that shares no code with the engine) and csv module:
 1. docs/scenario.schema.json and docs/output.schema.json are valid Draft 2020-12 schemas;
 2. every shipped scenario is valid against the scenario schema;
 3. every invalid fixture the manifest marks "schemaRejects" is rejected by the schema too, so
    the schema and the decoder cannot drift apart unnoticed;
 4. the JSON output of every shipped scenario (run with the built binary) is valid against the
    output schema, and its CSV output parses with the csv module to the same numbers;
 5. docs/sensitivity.schema.json is a valid schema and the `buig sensitivity` output of every
    shipped scenario (a year, the horizon, the tornado only) is valid against it.

Usage: check_schemas.py BUIG_BINARY. Exits 1 with a line per failure.
"""
import csv
import glob
import io
import json
import os
import subprocess
import sys

import jsonschema

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = sys.argv[1]
failures = []

scenario_schema = json.load(open(os.path.join(root, "docs", "scenario.schema.json")))
output_schema = json.load(open(os.path.join(root, "docs", "output.schema.json")))
sensitivity_schema = json.load(open(os.path.join(root, "docs", "sensitivity.schema.json")))
for s in (scenario_schema, output_schema, sensitivity_schema):
    jsonschema.Draft202012Validator.check_schema(s)
scenarios = jsonschema.Draft202012Validator(scenario_schema)
outputs = jsonschema.Draft202012Validator(output_schema)
sensitivities = jsonschema.Draft202012Validator(sensitivity_schema)

shipped = sorted(glob.glob(os.path.join(root, "scenarios", "*.json")))
if len(shipped) < 6:
    failures.append(f"expected at least 6 shipped scenarios, found {len(shipped)}")
for path in shipped:
    for e in scenarios.iter_errors(json.load(open(path))):
        failures.append(f"{os.path.basename(path)}: schema says {e.json_path}: {e.message[:200]}")

fixtures = os.path.join(root, "Tests", "BuigCLITests", "Fixtures", "invalid")
manifest = json.load(open(os.path.join(fixtures, "manifest.json")))
for case in manifest["cases"]:
    if not case["schemaRejects"]:
        continue
    try:
        doc = json.load(open(os.path.join(fixtures, case["file"]), encoding="utf-8"))
    except ValueError:
        continue  # not JSON at all: nothing for a schema to say
    if scenarios.is_valid(doc):
        failures.append(f"{case['file']}: the schema accepts what the decoder refuses ({case['what']})")

for path in shipped:
    name = os.path.basename(path)
    out = subprocess.run([binary, "run", path, "--format", "json", "--paths", "256", "--quiet"], capture_output=True, text=True)
    if out.returncode != 0:
        failures.append(f"{name}: buig run exited {out.returncode}: {out.stderr[:300]}")
        continue
    doc = json.loads(out.stdout)
    for e in outputs.iter_errors(doc):
        failures.append(f"{name}: output schema says {e.json_path}: {e.message[:200]}")
    c = subprocess.run([binary, "run", path, "--format", "csv", "--paths", "256", "--quiet"], capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(c.stdout, newline="")))
    by_key = {(r["year"], r["quantity"], r["intervention"]): r["value"] for r in rows if r["statistic"] == "expected"}
    means = {(r["year"], r["quantity"]): r["value"] for r in rows if r["statistic"] == "mean" and r["intervention"] == ""}
    for y in doc["years"]:
        for q in ("budget", "spending", "result", "vangnet", "netBurden", "caseload",
                  "interventionCost", "interventionYield"):
            v = by_key.get((str(y["year"]), q, ""))
            if v is None or abs(float(v) - y[q]["expected"]) > 0.005:
                failures.append(f"{name}: CSV {q} {y['year']} = {v}, JSON = {y[q]['expected']}")
            m = means.get((str(y["year"]), q))
            if m is None or abs(float(m) - y[q]["mean"]) > 0.005:
                failures.append(f"{name}: CSV mean of {q} {y['year']} = {m}, JSON = {y[q].get('mean')}")
    for i in doc["interventions"]:
        for y in i["years"]:
            v = by_key.get((str(y["year"]), "yield", i["id"]))
            want = "p.m." if y["yield"] is None else y["yield"]
            if v is None or (want == "p.m." and v != "p.m.") or (want != "p.m." and abs(float(v) - want) > 0.005):
                failures.append(f"{name}: CSV yield of {i['id']} {y['year']} = {v}, JSON = {want}")

for path in shipped:
    name = os.path.basename(path)
    for extra in (["--paths", "256"], ["--paths", "256", "--horizon", "--quantity", "total"], ["--paths", "0"]):
        args = [binary, "sensitivity", path, "--format", "json", "--resamples", "100", "--quiet"] + extra
        out = subprocess.run(args, capture_output=True, text=True)
        if out.returncode != 0:
            failures.append(f"{name}: buig sensitivity {' '.join(extra)} exited {out.returncode}: {out.stderr[:300]}")
            continue
        doc = json.loads(out.stdout)
        for e in sensitivities.iter_errors(doc):
            failures.append(f"{name}: sensitivity schema says {e.json_path}: {e.message[:200]} ({' '.join(extra)})")
        names = [b["input"] for b in doc["tornado"]]
        if sorted(names) != sorted(s["input"] for s in doc["sobol"]) and doc["paths"] > 0:
            failures.append(f"{name}: the tornado and the Sobol indices name different inputs")

for f in failures:
    print(f)
print(f"checked {len(shipped)} scenarios, {len(manifest['cases'])} invalid fixtures: {len(failures)} failures")
sys.exit(1 if failures else 0)
