#!/usr/bin/env python3
"""Metric names used by the alert rules and the Grafana dashboards (issue 14).

  metric_names.py [--root DIR] [--all]
      Prints one `NAME JOB` line per metric family that a rule expression
      (ansible/roles/monitoring/files/rules/*.rules.yml) or a dashboard target
      (ansible/roles/monitoring/files/dashboards/*.json) names, sorted. JOB is
      the scrape job that must export it: the `job` matcher of the selector
      (job="scoreline-api" or job="scoreline-sse"; a selector without one is
      scoreline-sse's for scoreline_sse_* and scoreline-api's otherwise). The
      names of external-metrics.txt (other exporters) are left out unless
      --all is given. _bucket, _sum and _count are stripped to the family of
      a histogram. The e2e test observability_names_e2e_test checks each line
      against the running stack's /metrics.
  metric_names.py --lint [--root DIR]
      Without a stack: every name is scoreline_* or process_* or listed in
      external-metrics.txt, and every line of that list is used.
  metric_names.py --self-test
      The scanner on expressions whose names are known.

PromQL is read by a small scanner, enough for the expressions of this
repository: string literals, label matchers, range and subquery brackets,
grouping label lists (by, without, on, ignoring, group_left, group_right),
function calls, keywords, numbers and durations are skipped; what is left are
metric names.
"""
import argparse
import glob
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
ALLOW_FILE = os.path.join(HERE, "external-metrics.txt")
OUR_JOBS = ("scoreline-api", "scoreline-sse")

# Followed by a parenthesized list of label names.
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
# Operators and modifiers spelled as words; inf and nan are numbers.
KEYWORDS = {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end"}
# Aggregation operators: `sum by (x) (...)` puts the grouping before the parenthesis.
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                "bottomk", "topk", "quantile"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
NUMBER = re.compile(r"(0x[0-9a-fA-F]+|[0-9][0-9A-Za-z_.]*([eE][+-]?[0-9]+)?)")
MATCHER_JOB = re.compile(r'\bjob\s*=\s*"([^"]*)"')


def _skip_string(expr, i):
    quote = expr[i]
    i += 1
    while i < len(expr) and expr[i] != quote:
        i += 2 if expr[i] == "\\" and quote != "`" else 1
    return i + 1


def _skip_group(expr, i, open_ch, close_ch):
    """From expr[i] == open_ch to just past its matching close_ch."""
    depth = 0
    while i < len(expr):
        c = expr[i]
        if c in "\"'`":
            i = _skip_string(expr, i)
            continue
        if c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"unbalanced {open_ch}{close_ch} in: {expr}")


def _skip_space(expr, i):
    while i < len(expr) and expr[i].isspace():
        i += 1
    return i


def selectors(expr):
    """(metric name, job matcher value or None) for each vector selector."""
    expr = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z]+)?\}?", "1", expr)  # Grafana variables
    out = []
    i = 0
    while i < len(expr):
        c = expr[i]
        if c.isspace():
            i += 1
        elif c in "\"'`":
            i = _skip_string(expr, i)
        elif c == "[":
            i = _skip_group(expr, i, "[", "]")
        elif c == "{":  # a selector without a name ({__name__=...}): not used here
            i = _skip_group(expr, i, "{", "}")
        elif c == "#":  # comment to the end of the line
            nl = expr.find("\n", i)
            i = len(expr) if nl < 0 else nl
        elif c.isdigit() or (c == "." and i + 1 < len(expr) and expr[i + 1].isdigit()):
            i += NUMBER.match(expr, i).end() - i if NUMBER.match(expr, i) else 1
        elif IDENT.match(expr, i):
            word = IDENT.match(expr, i).group(0)
            j = _skip_space(expr, i + len(word))
            if word.lower() in GROUPING:
                i = _skip_group(expr, j, "(", ")") if j < len(expr) and expr[j] == "(" else j
            elif word.lower() in KEYWORDS:
                i = j
            elif word.lower() in AGGREGATIONS or (j < len(expr) and expr[j] == "("):
                i = j  # a function or aggregation: its arguments are scanned
            else:
                job = None
                if j < len(expr) and expr[j] == "{":
                    end = _skip_group(expr, j, "{", "}")
                    m = MATCHER_JOB.search(expr[j:end])
                    job = m.group(1) if m else None
                    i = end
                else:
                    i = j
                out.append((word, job))
        else:
            i += 1
    return out


def family(name):
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def rule_exprs(root):
    for f in sorted(glob.glob(os.path.join(root, "ansible/roles/monitoring/files/rules/*.rules.yml"))):
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for group in doc.get("groups", []):
            for rule in group.get("rules", []):
                yield f"{os.path.basename(f)}: {rule.get('alert') or rule.get('record')}", rule["expr"]


def panels_of(panels):
    for p in panels:
        yield p
        yield from panels_of(p.get("panels", []))


def dashboard_exprs(root):
    for f in sorted(glob.glob(os.path.join(root, "ansible/roles/monitoring/files/dashboards/*.json"))):
        with open(f, encoding="utf-8") as fh:
            doc = json.load(fh)
        for p in panels_of(doc.get("panels", [])):
            for t in p.get("targets", []):
                if t.get("expr"):
                    yield f"{os.path.basename(f)}: {p.get('title')}", t["expr"]


def all_exprs(root):
    yield from rule_exprs(root)
    yield from dashboard_exprs(root)


def default_job(name):
    return "scoreline-sse" if name.startswith("scoreline_sse_") else "scoreline-api"


def read_allow_list(path=ALLOW_FILE):
    """name -> job of the external metrics (NAME JOB  # why)."""
    allow = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                name, job = line.split()
                allow[name] = job
    return allow


def used_names(root):
    """{(family, job): [where, ...]} over every rule and dashboard expression."""
    used = {}
    for where, expr in all_exprs(root):
        for name, job in selectors(expr):
            fam = family(name)
            key = (fam, job or default_job(fam))
            used.setdefault(key, []).append(where)
    return used


def lint(root):
    allow = read_allow_list()
    used = used_names(root)
    errors = []
    names = {name for name, _ in used}
    for (name, job), where in sorted(used.items()):
        if name in allow:
            continue
        if not (name.startswith("scoreline_") or name.startswith("process_")):
            errors.append(f"{name} ({where[0]}): neither scoreline_* nor process_* nor in {ALLOW_FILE}")
        if job not in OUR_JOBS:
            errors.append(f"{name} ({where[0]}): job {job!r} is not one of {OUR_JOBS}")
    for name in sorted(set(allow) - names):
        errors.append(f"{name}: listed in {ALLOW_FILE} but no rule or dashboard uses it")
    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    if not used:
        print("FAIL: no metric name found", file=sys.stderr)
        return 1
    if not errors:
        print(f"ok: {len(names)} metric families, {len(allow)} of them from other exporters")
    return 1 if errors else 0


SELF_TEST_CASES = [
    ('sum by (job) (rate(a_total{job="scoreline-api",status=~"5.."}[5m])) / sum(rate(a_total[5m]))',
     [("a_total", "scoreline-api"), ("a_total", None)]),
    ('histogram_quantile(0.95, sum without (x) (rate(h_bucket{job="scoreline-sse"}[$__rate_interval])))',
     [("h_bucket", "scoreline-sse")]),
    ('max(b) by (le) - on(instance) group_left(version) c_info offset 1h > bool 1e3',
     [("b", None), ("c_info", None)]),
    ('count(up{job=~"x|y"} == 0) or vector(0) and d unless e',
     [("up", None), ("d", None), ("e", None)]),
    ('time() - f_seconds{job="node", l="}"} > 26 * 3600 and inf > nan',
     [("f_seconds", "node")]),
    ('topk(5, g:recorded:rate5m) # a comment naming not_a_metric',
     [("g:recorded:rate5m", None)]),
]


def self_test():
    failures = 0
    for expr, want in SELF_TEST_CASES:
        got = selectors(expr)
        if got != want:
            print(f"FAIL: {expr!r}: got {got}, want {want}", file=sys.stderr)
            failures += 1
    for name, fam in [("x_bucket", "x"), ("x_count", "x"), ("x_sum", "x"), ("x_total", "x_total")]:
        if family(name) != fam:
            print(f"FAIL: family({name!r}) is {family(name)!r}, want {fam!r}", file=sys.stderr)
            failures += 1
    if not failures:
        print(f"ok: {len(SELF_TEST_CASES)} expressions scanned as expected")
    return 1 if failures else 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=DEFAULT_ROOT)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--lint", action="store_true")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.lint:
        return lint(args.root)
    allow = read_allow_list()
    for name, job in sorted(used_names(args.root)):
        if args.all or name not in allow:
            print(f"{name} {job}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
