#!/usr/bin/env python3
"""Independent check of buig's xlsx workbooks against its JSON output.

Reads the workbooks with openpyxl (a reader that shares no code with buig's writer):
 1. `buig run groningen-2018 --format xlsx` with --paths 0 and --paths 512 opens, has the
    documented sheets with frozen header rows, and every number in it (expected values, Monte
    Carlo statistics, interventions, worth, attribution, reserve, audit trail) equals the number
    at the same place in `buig run ... --format json`, to the cent;
 2. every euro cell carries a euro number format, every probability, fraction or ROI cell a
    percent format, every household cell `#,##0.00`, and numbers are numbers, not text;
 3. two writes of the same run are byte-identical;
 4. `buig compare` (with and without paths) and `buig reserve` workbooks hold the numbers of their
    JSON outputs.

Usage: check_xlsx.py BUIG_BINARY. Exits 1 with a line per failure; the last line counts them.
"""
import json
import os
import subprocess
import sys
import tempfile

import openpyxl

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = sys.argv[1]
scenario = os.path.join(root, "scenarios", "groningen-2018.json")
mechanistic = os.path.join(root, "scenarios", "groningen-2018-mechanistic.json")
failures = []
checked = 0
tmp = tempfile.mkdtemp(prefix="buig-xlsx-")


def fail(msg):
    failures.append(msg)


def run_json(args):
    out = subprocess.run([binary] + args + ["--format", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"buig {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout)


def run_xlsx(args, name):
    path = os.path.join(tmp, name)
    out = subprocess.run(
        [binary] + args + ["--format", "xlsx", "--output", path], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"buig {' '.join(args)} --format xlsx failed: {out.stderr}")
    if out.stdout:
        fail(f"{name}: xlsx run wrote to stdout")
    return path


def same(where, cell, expected, unit=None):
    """A number cell equal to the JSON number (to the cent), with the format its unit needs."""
    global checked
    checked += 1
    value = cell.value
    if expected is None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            fail(f"{where}: JSON has null, the workbook {value!r}")
        return
    if isinstance(expected, bool) or not isinstance(expected, (int, float)):
        if value != expected:
            fail(f"{where}: workbook {value!r}, JSON {expected!r}")
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        fail(f"{where}: expected a number cell ({expected}), found {value!r}")
        return
    if abs(value - expected) > 0.001:
        fail(f"{where}: workbook {value}, JSON {expected}")
    if unit is not None:
        check_format(where, cell, unit)


def check_format(where, cell, unit):
    fmt = cell.number_format
    if unit == "EUR" and "€" not in fmt:
        fail(f"{where}: a euro amount with number format {fmt!r}")
    if unit in ("probability", "fraction", "percent") and "%" not in fmt:
        fail(f"{where}: a {unit} with number format {fmt!r}")
    if unit == "households" and fmt != "#,##0.00":
        fail(f"{where}: households with number format {fmt!r}")


def rows(ws):
    """The sheet's rows below the header as dicts header -> cell."""
    it = ws.iter_rows()
    header = [c.value for c in next(it)]
    return header, [dict(zip(header, r)) for r in it]


def check_formats(ws, unit_column="unit"):
    """Every number cell of a row with a unit carries that unit's format."""
    header, body = rows(ws)
    if unit_column not in header:
        return
    values = header[header.index(unit_column) + 1:]
    for r in body:
        unit = r[unit_column].value
        for h, c in r.items():
            if h not in values:
                continue
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                check_format(f"{ws.title}!{c.coordinate}", c, unit)


def check_run(paths):
    args = [scenario, "--paths", str(paths), "--quiet"] if paths else [scenario, "--paths", "0"]
    doc = run_json(args)
    path = run_xlsx(args, f"run-{paths}.xlsx")
    again = run_xlsx(args, f"run-{paths}-again.xlsx")
    if open(path, "rb").read() != open(again, "rb").read():
        fail(f"run --paths {paths}: two writes of the same run differ")
    wb = openpyxl.load_workbook(path)
    want = ["Meerjarenbeeld", "Interventions", "Worth"]
    if paths:
        want += ["Monte Carlo", "Reserve"]
    want += ["Attribution", "Audit trail", "Metadata"]
    if wb.sheetnames != want:
        fail(f"run --paths {paths}: sheets {wb.sheetnames}, expected {want}")
    for ws in wb:
        if ws.freeze_panes != "A2":
            fail(f"{ws.title}: header row not frozen ({ws.freeze_panes})")
        if not ws.column_dimensions["A"].width:
            fail(f"{ws.title}: no column widths")
    tag = f"run --paths {paths}"

    # Meerjarenbeeld: years as columns, the horizon last.
    ws = wb["Meerjarenbeeld"]
    header, body = rows(ws)
    years = [y["year"] for y in doc["years"]]
    if header[4:] != [str(y) for y in years] + [f"{years[0]}-{years[-1]}"]:
        fail(f"{tag}: Meerjarenbeeld columns {header[4:]}")
    seen = set()
    for r in body:
        key, unit, stat = r["key"].value, r["unit"].value, r["statistic"].value
        seen.add((key, stat))
        for i, y in enumerate(doc["years"]):
            c = r[str(years[i])]
            where = f"{tag} Meerjarenbeeld {key} {stat} {years[i]}"
            if key == "total":
                same(where, c, round(y["netBurden"]["expected"] + y["interventionCost"]["expected"], 2), unit)
                continue
            if key.startswith("baseline."):
                same(where, c, y["baseline"][key.split(".")[1]], unit)
            elif key.startswith("budgetBasis."):
                same(where, c, y["budgetBasis"][key.split(".")[1]], unit)
            elif key == "vangnetRule.deficitPercent":
                v = y["vangnetRule"].get("deficitPercent")
                same(where, c, None if v is None else v / 100, unit)
            elif key in ("vangnetRule.regime", "vangnetRule.band"):
                v = y["vangnetRule"].get(key.split(".")[1])
                if v is not None and c.value != v:
                    fail(f"{where}: {c.value!r}, JSON {v!r}")
            elif key in ("pDeficitAboveThreshold", "pNetBurdenAbove"):
                p = y.get(key)
                if p is None:
                    continue
                field = {"probability": "probability", "se": "se", "limit": "limit"}.get(stat)
                if stat == "threshold":
                    same(where, c, p["thresholdPercent"] / 100)
                else:
                    same(where, c, p[field], unit)
            else:
                same(where, c, y[key].get(stat), unit)
        h = r[f"{years[0]}-{years[-1]}"]
        horizon = doc["horizon"].get(key)
        if isinstance(horizon, dict) and stat in horizon:
            same(f"{tag} Meerjarenbeeld {key} {stat} horizon", h, horizon[stat], unit)
        elif h.value is not None and key not in ("pNetBurdenAbove",):
            fail(f"{tag} Meerjarenbeeld {key} {stat}: horizon cell {h.value!r} not in the JSON")
    for key in ("budget", "spending", "result", "vangnet", "netBurden", "caseload",
                "interventionCost", "interventionYield"):
        stats = ["expected"] + (["mean", "se", "p5", "p25", "p50", "p75", "p95"] if paths else [])
        for s in stats:
            if (key, s) not in seen:
                fail(f"{tag}: Meerjarenbeeld has no row {key} {s}")
    check_formats(ws)

    # Interventions per year.
    _, body = rows(wb["Interventions"])
    by_id = {i["id"]: i for i in doc["interventions"]}
    n = 0
    for r in body:
        i = by_id[r["intervention"].value]
        y = next(y for y in i["years"] if y["year"] == r["year"].value)
        n += 1
        for col, key, unit in [
            ("cost", "cost", "EUR"), ("yield", "yield", "EUR"),
            ("effect before vangnet", "effectBeforeVangnet", "EUR"),
            ("effect after vangnet", "effectAfterVangnet", "EUR"),
            ("caseload effect", "caseloadEffect", "households"),
        ]:
            where = f"{tag} Interventions {i['id']} {y['year']} {col}"
            if y[key] is None and r[col].value != "p.m.":
                fail(f"{where}: p.m. expected, found {r[col].value!r}")
            same(where, r[col], y[key], unit)
    if n != sum(len(i["years"]) for i in doc["interventions"]):
        fail(f"{tag}: Interventions has {n} rows")

    # Worth per intervention and for the package.
    _, body = rows(wb["Worth"])
    totals = {i["id"]: i["total"] for i in doc["interventions"]}
    totals["(package)"] = doc["package"]["total"]
    if sorted(r["intervention"].value for r in body) != sorted(totals):
        fail(f"{tag}: Worth rows {[r['intervention'].value for r in body]}")
    for r in body:
        t = totals[r["intervention"].value]
        for col, key, unit in [
            ("cost", "cost", "EUR"), ("yield", "yield", "EUR"),
            ("effect after vangnet", "effectAfterVangnet", "EUR"),
            ("net after vangnet", "netAfterVangnet", "EUR"), ("NPV", "npv", "EUR"),
            ("ROI", "roi", "percent"), ("payback year", "paybackYear", None),
        ]:
            same(f"{tag} Worth {r['intervention'].value} {col}", r[col], t[key], unit)

    # Attribution.
    _, body = rows(wb["Attribution"])
    for r in body:
        a = next(a for a in doc["attribution"] if a["year"] == r["year"].value)
        cause = r["cause"].value
        where = f"{tag} Attribution {r['year'].value} {cause}"
        if cause == "deficit":
            same(where, r["amount"], a["deficit"], "EUR")
        else:
            line = next(l for l in a["lines"] if l["cause"] == cause)
            same(where, r["amount"], line["amount"], "EUR")
            if r["basis"].value != line["basis"]:
                fail(f"{where}: basis differs")

    # Audit trail.
    _, body = rows(wb["Audit trail"])
    trail = [r for r in body if r["path"].value is not None][: len(doc["auditTrail"])]
    for r, t in zip(trail, doc["auditTrail"]):
        if r["path"].value != t["path"]:
            fail(f"{tag} Audit trail: {r['path'].value!r}, JSON {t['path']!r}")
        same(f"{tag} Audit trail {t['path']}", r["value"], t["value"])
        if (r["source"].value or None) != t["source"]:
            fail(f"{tag} Audit trail {t['path']}: source differs")

    # Metadata.
    _, body = rows(wb["Metadata"])
    meta = {r["field"].value: r["value"] for r in body}
    for field, v in [("scenario", doc["scenario"]["name"]), ("scenario sha256", doc["scenario"]["sha256"]),
                     ("scenario origin", doc["scenario"]["origin"]), ("engine version", doc["engine"]["version"])]:
        if meta[field].value != v:
            fail(f"{tag} Metadata {field}: {meta[field].value!r}, JSON {v!r}")
    same(f"{tag} Metadata seed", meta["seed"], doc["run"]["seed"])
    same(f"{tag} Metadata discount rate", meta["discount rate"], doc["run"]["discountRate"]["percent"] / 100, "percent")
    if meta["discount rate source"].value != doc["run"]["discountRate"]["source"]:
        fail(f"{tag} Metadata: discount rate source differs")
    if paths:
        same(f"{tag} Metadata paths", meta["paths"], doc["monteCarlo"]["paths"])
        if meta["BLAS core"].value != doc["monteCarlo"]["blasCore"]:
            fail(f"{tag} Metadata: BLAS core differs")

    if not paths:
        return
    # Monte Carlo statistics.
    header, body = rows(wb["Monte Carlo"])
    stats = header[5:]
    n = 0
    for r in body:
        key, iid, period = r["key"].value, r["intervention"].value, r["period"].value
        where = f"{tag} Monte Carlo {key} {iid or ''} {period}"
        if isinstance(period, int):
            if iid:
                y = next(y for y in by_id[iid]["years"] if y["year"] == period)
                src = y[key + "Statistics"]
            else:
                y = next(y for y in doc["years"] if y["year"] == period)
                src = y[key]
        elif iid:
            ts = doc["package"]["totalStatistics"] if iid == "(package)" else by_id[iid]["totalStatistics"]
            if key == "paybackYear.pWithinHorizon":
                src = {"mean": ts["paybackYear"]["pWithinHorizon"]["probability"],
                       "se": ts["paybackYear"]["pWithinHorizon"]["se"]}
            elif key == "paybackYear":
                src = ts["paybackYear"]
            else:
                src = ts[key]
        else:
            src = doc["horizon"][key]
        if key.startswith("p") and key not in ("paybackYear",) and "probability" in src:
            src = {"mean": src["probability"], "se": src["se"]}
        for s in stats:
            c = r[s]
            if c.value is None:
                if s in src and src[s] is not None and key != "paybackYear":
                    fail(f"{where} {s}: missing, JSON {src[s]}")
                continue
            if c.value == "none":
                if src.get(s) is not None:
                    fail(f"{where} {s}: none, JSON {src[s]}")
                continue
            same(f"{where} {s}", c, src[s], None)
            n += 1
    if n < 500:
        fail(f"{tag}: only {n} Monte Carlo statistics compared")
    check_formats(wb["Monte Carlo"])

    # Reserve: the net burden's quantiles of the run.
    header, body = rows(wb["Reserve"])
    for r in body:
        period = r["period"].value
        src = doc["horizon"]["netBurden"] if "-" in period else next(
            y for y in doc["years"] if str(y["year"]) == period)["netBurden"]
        for pct in (75, 80, 90, 95, 99):
            same(f"{tag} Reserve {period} {pct}%", r[f"{pct}%"], src[f"p{pct}"], "EUR")
            same(f"{tag} Reserve {period} {pct}% low", r[f"{pct}% low"], src["intervals"][f"p{pct}"]["low"], "EUR")
            same(f"{tag} Reserve {period} {pct}% high", r[f"{pct}% high"], src["intervals"][f"p{pct}"]["high"], "EUR")
        for s in ("expected", "mean", "se"):
            same(f"{tag} Reserve {period} {s}", r[s], src[s], "EUR")


def check_compare(paths):
    args = ["compare", scenario, mechanistic, "--paths", str(paths), "--quiet"]
    doc = run_json(args)
    wb = openpyxl.load_workbook(run_xlsx(args, f"compare-{paths}.xlsx"))
    if wb.sheetnames != ["Comparison", "Metadata"]:
        fail(f"compare: sheets {wb.sheetnames}")
    _, body = rows(wb["Comparison"])
    tag = f"compare --paths {paths}"
    n = 0
    for r in body:
        period, key = r["period"].value, r["key"].value
        src = doc["horizon"] if isinstance(period, str) else next(
            y for y in doc["years"] if y["year"] == period)
        item = src[key]
        unit = "households" if key == "caseload" else "EUR"
        where = f"{tag} {period} {key}"
        same(f"{where} base", r["base expected"], item["base"]["expected"], unit)
        same(f"{where} variant", r["variant expected"], item["variant"]["expected"], unit)
        same(f"{where} difference", r["difference expected"], item["difference"]["expected"], unit)
        n += 1
        if paths:
            same(f"{where} base mean", r["base mean"], item["base"]["mean"], unit)
            same(f"{where} variant se", r["variant se"], item["variant"]["se"], unit)
            for s in ("mean", "se", "p5", "p50", "p95"):
                same(f"{where} difference {s}", r[f"difference {s}"], item["difference"][s], unit)
            same(f"{where} independent se", r["independent se"], item["independentSE"], unit)
            p = {"netBurden": "pVariantBetter", "total": "pVariantCheaper"}.get(key)
            if p:
                same(f"{where} {p}", r["P(variant lower)"], src[p]["probability"], "probability")
                same(f"{where} {p} se", r["P se"], src[p]["se"], "probability")
    if n != len(doc["years"]) * 9 + 3:
        fail(f"{tag}: {n} comparison rows")


def check_reserve():
    args = ["reserve", scenario, "--paths", "512", "--quiet"]
    doc = run_json(args)
    wb = openpyxl.load_workbook(run_xlsx(args, "reserve.xlsx"))
    if wb.sheetnames != ["Reserve", "Metadata"]:
        fail(f"reserve: sheets {wb.sheetnames}")
    _, body = rows(wb["Reserve"])
    cols = doc["years"] + [doc["cumulative"]]
    if len(body) != len(cols):
        fail(f"reserve: {len(body)} rows, JSON {len(cols)}")
    for r, src in zip(body, cols):
        period = r["period"].value
        for s in ("expected", "mean", "se"):
            same(f"reserve {period} {s}", r[s], src[s], "EUR")
        for level in src["reserve"]:
            pct = level["certaintyPercent"]
            same(f"reserve {period} {pct}%", r[f"{pct}%"], level["amount"], "EUR")
            same(f"reserve {period} {pct}% low", r[f"{pct}% low"], level["low"], "EUR")
            same(f"reserve {period} {pct}% high", r[f"{pct}% high"], level["high"], "EUR")


check_run(0)
check_run(512)
check_compare(0)
check_compare(256)
check_reserve()
for f in failures:
    print(f)
print(f"{checked} numbers compared, {len(failures)} failures")
sys.exit(1 if failures else 0)
