#!/usr/bin/env python3
"""Independent checks of buig's JSON and CSV outputs and of the scenario schema.

Uses Python's jsonschema (a validator that shares no code with the engine) and csv module:
 1. docs/scenario.schema.json and docs/output.schema.json are valid Draft 2020-12 schemas;
 2. every shipped scenario is valid against the scenario schema;
 3. every invalid fixture the manifest marks "schemaRejects" is rejected by the schema too, so
    the schema and the decoder cannot drift apart unnoticed;
 4. the JSON output of every shipped scenario (run with the built binary) is valid against the
    output schema, and its CSV output parses with the csv module to the same numbers;
 5. so is the output of a run with --set, which records the edit under run.set;
 6. docs/sensitivity.schema.json is a valid schema and the `buig sensitivity` output of every
    shipped scenario (a year, the horizon, the tornado only) is valid against it;
 7. buig compare (with and without paths) and buig reserve outputs are valid against
    docs/compare.schema.json and docs/reserve.schema.json, the compare's expected horizon
    difference equals two runs' sums to the cent, and the reserve's 95% equals the run's p95;
 8. docs/position.schema.json is a valid schema, the built-in position and the example of
    docs/position-format.md are valid against it, and buig position reads the example.

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

# The position format: its schema is valid, the built-in position and the example of
# docs/position-format.md are valid against it, and buig position reads the example.
position_schema = json.load(open(os.path.join(root, "docs", "position.schema.json")))
jsonschema.Draft202012Validator.check_schema(position_schema)
positions = jsonschema.Draft202012Validator(position_schema)
builtin_position = os.path.join(root, "Sources", "BuigScenario", "Resources", "groningen-2018-position.json")
position_doc = open(os.path.join(root, "docs", "position-format.md")).read()
position_example = position_doc.split("```json\n")[1].split("```")[0]
for label, doc in (("groningen-2018-position.json", json.load(open(builtin_position))),
                   ("docs/position-format.md example", json.loads(position_example))):
    for e in positions.iter_errors(doc):
        failures.append(f"{label}: position schema says {e.json_path}: {e.message[:200]}")
example_path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"buig-position-example-{os.getpid()}.json")
with open(example_path, "w") as f:
    f.write(position_example)
r = subprocess.run([binary, "position", example_path, "--format", "json"], capture_output=True, text=True)
os.remove(example_path)
if r.returncode != 0:
    failures.append(f"buig position refuses the example of docs/position-format.md: {r.stderr.strip()}")

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
    worths = [("(package)", doc["package"]["total"])] + [(i["id"], i["total"]) for i in doc["interventions"]]
    for wid, total in worths:
        for q in ("cost", "netAfterVangnet", "npv"):
            v = by_key.get(("horizon", q, wid))
            want = total[q]
            if v is None or (want is None and v != "p.m.") or (want is not None and abs(float(v) - want) > 0.005):
                failures.append(f"{name}: CSV horizon {q} of {wid} = {v}, JSON = {want}")
    realised = {y["year"] for y in doc["years"] if y["realised"]}
    flags = {r["year"]: r["value"] for r in rows if r["quantity"] == "realised" and r["statistic"] == "flag"}
    for y in doc["years"]:
        if flags.get(str(y["year"])) != ("1" if y["realised"] else "0"):
            failures.append(f"{name}: CSV realised flag of {y['year']} = {flags.get(str(y['year']))}, JSON = {y['realised']}")
    known = {r["year"]: r["value"] for r in rows if r["quantity"] == "vangnetRatesKnown" and r["statistic"] == "flag"}
    for y in doc["years"]:
        rule = y.get("vangnetRule") or {}
        if "ratesKnown" in rule:
            want = "1" if rule["ratesKnown"] else "0"
            if known.get(str(y["year"])) != want:
                failures.append(f"{name}: CSV vangnetRatesKnown of {y['year']} = {known.get(str(y['year']))}, JSON = {want}")
            if not rule["ratesKnown"] and not any("rate" in c and "not found" in c for c in rule["caveats"]):
                failures.append(f"{name}: {y['year']} has a rate not known but no caveat says so")
        elif str(y["year"]) in known:
            failures.append(f"{name}: CSV vangnetRatesKnown for {y['year']}, a year without a rule")
    if any(y["year"] == 2025 for y in doc["years"]) and known.get("2025") != "0":
        failures.append(f"{name}: 2025's CSV does not say the uitgebreid vangnet's rate is unknown")
    for i in doc["interventions"]:
        for y in i["years"]:
            v = by_key.get((str(y["year"]), "yield", i["id"]))
            missing = "not known" if y["year"] in realised else "p.m."
            want = missing if y["yield"] is None else y["yield"]
            if v is None or (want == missing and v != missing) or (want != missing and abs(float(v) - want) > 0.005):
                failures.append(f"{name}: CSV yield of {i['id']} {y['year']} = {v}, JSON = {want}")

# buig compare (expected values and common random numbers) and buig reserve, against their
# own schemas; the compare's expected horizon difference against two runs' sums, to the cent.
compare_schema = json.load(open(os.path.join(root, "docs", "compare.schema.json")))
reserve_schema = json.load(open(os.path.join(root, "docs", "reserve.schema.json")))
for s in (compare_schema, reserve_schema):
    jsonschema.Draft202012Validator.check_schema(s)
base = os.path.join(root, "scenarios", "groningen-2018.json")
variant = os.path.join(root, "scenarios", "groningen-2018-mechanistic.json")
def run_json(args):
    out = subprocess.run([binary] + args + ["--format", "json", "--quiet"], capture_output=True, text=True)
    if out.returncode != 0:
        failures.append(f"buig {' '.join(args)} exited {out.returncode}: {out.stderr[:300]}")
        return None
    return json.loads(out.stdout)
for paths in ("0", "256"):
    doc = run_json(["compare", base, variant, "--paths", paths])
    if doc is not None:
        for e in jsonschema.Draft202012Validator(compare_schema).iter_errors(doc):
            failures.append(f"compare --paths {paths}: schema says {e.json_path}: {e.message[:200]}")
        if paths == "0":
            sums = []
            for path in (base, variant):
                r = run_json(["run", path, "--paths", "0"])
                sums.append(sum(round(y["netBurden"]["expected"] + y["interventionCost"]["expected"], 2) for y in r["years"]))
            want = round(sums[1] - sums[0], 2)
            got = doc["horizon"]["total"]["difference"]["expected"]
            if abs(got - want) > 0.005:
                failures.append(f"compare --paths 0: horizon total difference {got}, two runs give {want}")
doc = run_json(["reserve", base, "--paths", "512"])
if doc is not None:
    for e in jsonschema.Draft202012Validator(reserve_schema).iter_errors(doc):
        failures.append(f"reserve: schema says {e.json_path}: {e.message[:200]}")
    r = run_json(["run", base, "--paths", "512"])
    p95 = [x["amount"] for x in doc["cumulative"]["reserve"] if x["certaintyPercent"] == 95][0]
    if p95 != r["horizon"]["netBurden"]["p95"]:
        failures.append(f"reserve 95% cumulative {p95} differs from run's horizon.netBurden.p95 {r['horizon']['netBurden']['p95']}")
# A run with --set: its edits are recorded under run.set, and the output still fits the schema.
edited = os.path.join(root, "scenarios", "groningen-2018.json")
edit = 'caseload={"byYear": {"2018": 10000, "2019": 10100, "2020": 10200, "2021": 10300}}'
out = subprocess.run([binary, "run", edited, "--format", "json", "--paths", "256", "--quiet", "--set", edit], capture_output=True, text=True)
if out.returncode != 0:
    failures.append(f"buig run --set exited {out.returncode}: {out.stderr[:300]}")
else:
    doc = json.loads(out.stdout)
    for e in outputs.iter_errors(doc):
        failures.append(f"run --set: output schema says {e.json_path}: {e.message[:200]}")
    if doc["run"].get("set") != [edit]:
        failures.append(f"run --set: run.set is {doc['run'].get('set')}, expected [{edit!r}]")
for path in shipped:
    name = os.path.basename(path)
    for extra in (["--paths", "256", "--resamples", "100"],
                  ["--paths", "256", "--resamples", "100", "--horizon", "--quantity", "total"],
                  ["--paths", "0"]):
        args = [binary, "sensitivity", path, "--format", "json", "--quiet"] + extra
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
