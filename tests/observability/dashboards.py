#!/usr/bin/env python3
"""Checks of the Grafana dashboards (issue 14), run by ctest.

  dashboards.py DASHBOARD_DIR
      Every *.json parses; the five dashboards exist (api-performance,
      database, sse, business, errors); each has a fixed uid (scoreline-*,
      unique across the folder), a title, schemaVersion 36 or later and a
      templating variable `datasource` of type datasource for Prometheus;
      every panel and every target uses {"type": "prometheus", "uid":
      "${datasource}"}; panel ids are unique in a dashboard; every panel has
      a target with a PromQL expression, and promtool parses each one (as a
      recording rule, $__rate_interval and $__interval read as 5m).
  dashboards.py --self-test DASHBOARD_DIR
      breaks copies in known ways and fails unless each is reported.

A missing promtool is a failure, never a skip.
"""
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPECTED = {"api-performance", "database", "sse", "business", "errors"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
MIN_SCHEMA = 36


def panels_of(panels):
    for p in panels:
        yield p
        yield from panels_of(p.get("panels", []))


def check_dashboard(name, doc, errors, exprs):
    def err(msg):
        errors.append(f"{name}: {msg}")

    uid = doc.get("uid")
    if not isinstance(uid, str) or not re.fullmatch(r"scoreline-[a-z0-9-]{1,30}", uid):
        err(f"uid {uid!r} is not a fixed scoreline-* uid")
    if not doc.get("title"):
        err("no title")
    if not isinstance(doc.get("schemaVersion"), int) or doc["schemaVersion"] < MIN_SCHEMA:
        err(f"schemaVersion {doc.get('schemaVersion')!r} < {MIN_SCHEMA}")
    variables = {v.get("name"): v for v in doc.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        err("no templating variable 'datasource' of type datasource, query prometheus")
    panels = list(panels_of(doc.get("panels", [])))
    if not panels:
        err("no panel")
    ids = [p.get("id") for p in panels]
    if len(ids) != len(set(ids)) or None in ids:
        err(f"panel ids missing or not unique: {ids}")
    for p in panels:
        title = p.get("title", "?")
        if p.get("type") == "row":
            continue
        if p.get("datasource") != DATASOURCE:
            err(f"panel '{title}': datasource {p.get('datasource')!r}, want {DATASOURCE}")
        targets = p.get("targets", [])
        if not targets:
            err(f"panel '{title}': no target")
        for t in targets:
            if t.get("datasource", DATASOURCE) != DATASOURCE:
                err(f"panel '{title}' target {t.get('refId')}: datasource {t.get('datasource')!r}")
            if not str(t.get("expr", "")).strip():
                err(f"panel '{title}' target {t.get('refId')}: no expr")
            else:
                exprs.append((f"{name} '{title}' {t.get('refId')}", t["expr"]))


def write_rules(path, promqls):
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": [
            {"record": f"dashboard:expr{i}:check", "expr": e} for i, e in enumerate(promqls)]}]}, fh)


def promql_errors(exprs):
    """Runs promtool check rules on every expression; returns the failures.

    One promtool run checks them all (a run per expression took most of the
    check's time); only when it fails is each expression run alone, to name
    the broken ones."""
    promtool = shutil.which("promtool")
    if promtool is None:
        return ["promtool not found (Debian package prometheus: scripts/install-deps.sh)"]
    promqls = [re.sub(r"\$__(rate_)?interval|\$__range", "5m", expr) for _, expr in exprs]
    failures = []
    with tempfile.TemporaryDirectory(prefix="scoreline-dashboards-") as tmp:
        path = os.path.join(tmp, "all.yml")
        write_rules(path, promqls)
        together = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
        if together.returncode == 0:
            return failures
        for (where, expr), promql in zip(exprs, promqls):
            write_rules(path, [promql])
            r = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{where}: promtool cannot parse {expr!r}: {r.stdout.strip()} {r.stderr.strip()}")
        if not failures:
            failures.append("promtool refuses the expressions together: "
                            f"{together.stdout.strip()} {together.stderr.strip()}")
    return failures


def check(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.json")))
    errors = []
    names = {os.path.splitext(os.path.basename(f))[0] for f in files}
    for missing in sorted(EXPECTED - names):
        errors.append(f"{missing}.json: missing")
    uids = {}
    exprs = []
    for f in files:
        name = os.path.basename(f)
        try:
            with open(f, encoding="utf-8") as fh:
                doc = json.load(fh)
        except ValueError as e:
            errors.append(f"{name}: not valid JSON: {e}")
            continue
        check_dashboard(name, doc, errors, exprs)
        uid = doc.get("uid")
        if uid in uids:
            errors.append(f"{name}: uid {uid!r} also used by {uids[uid]}")
        uids[uid] = name
    errors += promql_errors(exprs)
    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    if not errors:
        print(f"ok: {len(files)} dashboards, {len(exprs)} PromQL expressions parsed by promtool")
    return 1 if errors else 0


def self_test(directory):
    def first_panel(doc):
        return next(p for p in panels_of(doc["panels"]) if p.get("type") != "row")

    def set_uid(doc, value):
        doc["uid"] = value

    mutations = [
        ("a panel with a fixed datasource uid",
         lambda d: first_panel(d).update(datasource={"type": "prometheus", "uid": "P1809F7CD0C75ACF3"})),
        ("a target with another datasource",
         lambda d: first_panel(d)["targets"][0].update(datasource={"type": "loki", "uid": "x"})),
        ("no datasource variable", lambda d: d["templating"].update(list=[])),
        ("a uid Grafana would invent", lambda d: set_uid(d, None)),
        ("the uid of another dashboard", lambda d: set_uid(d, "scoreline-errors")),
        ("broken PromQL", lambda d: first_panel(d)["targets"][0].update(expr="sum(rate(x[5m])")),
        ("a duplicate panel id", lambda d: d["panels"][1].update(id=d["panels"][0]["id"])),
    ]
    failures = 0
    for what, mutate in mutations:
        with tempfile.TemporaryDirectory(prefix="scoreline-dashboards-self-") as tmp:
            for f in glob.glob(os.path.join(directory, "*.json")):
                shutil.copy(f, tmp)
            target = os.path.join(tmp, "api-performance.json")
            with open(target, encoding="utf-8") as fh:
                doc = json.load(fh)
            broken = copy.deepcopy(doc)
            mutate(broken)
            with open(target, "w", encoding="utf-8") as fh:
                json.dump(broken, fh)
            if check(tmp) == 0:
                print(f"FAIL: self-test: '{what}' passed the check", file=sys.stderr)
                failures += 1
            else:
                print(f"ok: the check catches {what}")
    with tempfile.TemporaryDirectory(prefix="scoreline-dashboards-self-") as tmp:
        for f in glob.glob(os.path.join(directory, "*.json")):
            shutil.copy(f, tmp)
        with open(os.path.join(tmp, "sse.json"), "a", encoding="utf-8") as fh:
            fh.write(",")
        if check(tmp) == 0:
            print("FAIL: self-test: invalid JSON passed the check", file=sys.stderr)
            failures += 1
        else:
            print("ok: the check catches invalid JSON")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 1:
        return check(argv[0])
    if len(argv) == 2 and argv[0] == "--self-test":
        return self_test(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
