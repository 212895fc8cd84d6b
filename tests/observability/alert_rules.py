#!/usr/bin/env python3
"""Checks of the Prometheus alert rules (issue 14), run by ctest.

  alert_rules.py check RULES_DIR RUNBOOKS
      promtool check rules on every *.rules.yml of RULES_DIR, then the
      house rules promtool does not know: every alert has `for:`, a severity
      of warning or critical, a summary, a description and a runbook_url
      docs/runbooks.md#<alert name in lower case> whose section exists in
      RUNBOOKS (a heading `## <AlertName>`).
  alert_rules.py test RULES_DIR
      promtool test rules on every RULES_DIR/tests/*.yml, then checks that
      every alert has a case where it fires (non-empty exp_alerts) and one
      where it stays quiet (exp_alerts empty).
  alert_rules.py self-test RULES_DIR RUNBOOKS
      copies the rules, breaks them in known ways (bad PromQL, a missing
      runbook, a threshold the tests catch) and fails unless check and test
      report each.

A missing promtool is a failure, never a skip (Debian's prometheus package,
scripts/install-deps.sh).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

SEVERITIES = {"warning", "critical"}


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    return 1


def promtool():
    path = shutil.which("promtool")
    if path is None:
        print("FAIL: promtool not found (Debian package prometheus: scripts/install-deps.sh)",
              file=sys.stderr)
        sys.exit(1)
    return path


def rule_files(rules_dir):
    files = sorted(glob.glob(os.path.join(rules_dir, "*.rules.yml")))
    if not files:
        print(f"FAIL: no *.rules.yml in {rules_dir}", file=sys.stderr)
        sys.exit(1)
    return files


def alerts_of(files):
    """Every alerting rule of the files, as (file, rule dict)."""
    out = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for group in doc.get("groups", []):
            for rule in group.get("rules", []):
                if "alert" in rule:
                    out.append((f, rule))
    return out


def runbook_sections(runbooks):
    with open(runbooks, encoding="utf-8") as fh:
        return {m.group(1).strip() for m in re.finditer(r"^## (.+)$", fh.read(), re.M)}


def check(rules_dir, runbooks):
    files = rule_files(rules_dir)
    r = subprocess.run([promtool(), "check", "rules", *files])
    if r.returncode != 0:
        return fail("promtool check rules")
    sections = runbook_sections(runbooks)
    errors = 0
    seen = set()
    for f, rule in alerts_of(files):
        name = rule["alert"]
        where = f"{os.path.basename(f)}: {name}"
        if name in seen:
            errors += fail(f"{where}: alert name used twice")
        seen.add(name)
        if not rule.get("for"):
            errors += fail(f"{where}: no for:")
        if rule.get("labels", {}).get("severity") not in SEVERITIES:
            errors += fail(f"{where}: labels.severity must be one of {sorted(SEVERITIES)}")
        ann = rule.get("annotations", {})
        for key in ("summary", "description", "runbook_url"):
            if not str(ann.get(key, "")).strip():
                errors += fail(f"{where}: no annotations.{key}")
        want = "docs/runbooks.md#" + name.lower()
        if ann.get("runbook_url") != want:
            errors += fail(f"{where}: runbook_url is {ann.get('runbook_url')!r}, want {want!r}")
        if name not in sections:
            errors += fail(f"{where}: no section '## {name}' in {runbooks}")
    if not seen:
        errors += fail("no alerting rule found")
    if errors:
        return 1
    print(f"ok: {len(seen)} alerts in {len(files)} files, each with its runbook section")
    return 0


def test(rules_dir):
    files = rule_files(rules_dir)
    tests = sorted(glob.glob(os.path.join(rules_dir, "tests", "*.yml")))
    if not tests:
        return fail(f"no tests in {rules_dir}/tests")
    r = subprocess.run([promtool(), "test", "rules", *tests])
    if r.returncode != 0:
        return fail("promtool test rules")
    firing, quiet = set(), set()
    for t in tests:
        with open(t, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for case in doc.get("tests", []):
            for art in case.get("alert_rule_test", []):
                (firing if art.get("exp_alerts") else quiet).add(art["alertname"])
    errors = 0
    for _, rule in alerts_of(files):
        name = rule["alert"]
        if name not in firing:
            errors += fail(f"{name}: no test where it fires")
        if name not in quiet:
            errors += fail(f"{name}: no test where it stays quiet")
    if errors:
        return 1
    print(f"ok: every alert fires in a test and stays quiet in another ({len(tests)} files)")
    return 0


def self_test(rules_dir, runbooks):
    """Each mutation must make check or test fail."""
    mutations = [
        ("check", "bad PromQL", lambda s: s.replace("> 0.01", "> > 0.01", 1)),
        ("check", "runbook_url of another alert",
         lambda s: s.replace("runbooks.md#scorelinehighlatency", "runbooks.md#scorelinenotready", 1)),
        ("check", "no for:", lambda s: re.sub(r"\n        for: 5m\n", "\n", s, count=1)),
        ("check", "unknown severity", lambda s: s.replace("severity: warning", "severity: page", 1)),
        ("test", "error-rate threshold the tests catch", lambda s: s.replace("> 0.01", "> 0.5", 1)),
        ("test", "pool rule that ignores the listen queue",
         lambda s: s.replace("scoreline_pool_listen_queue{job=\"scoreline-api\"}) > 0",
                             "scoreline_pool_listen_queue{job=\"scoreline-api\"}) >= 0", 1)),
    ]
    errors = 0
    for mode, what, mutate in mutations:
        with tempfile.TemporaryDirectory(prefix="scoreline-rules-") as tmp:
            copy = os.path.join(tmp, "rules")
            shutil.copytree(rules_dir, copy)
            target = os.path.join(copy, "scoreline.rules.yml")
            with open(target, encoding="utf-8") as fh:
                text = fh.read()
            broken = mutate(text)
            if broken == text:
                errors += fail(f"self-test '{what}': the mutation changed nothing")
                continue
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(broken)
            rc = check(copy, runbooks) if mode == "check" else test(copy)
            if rc == 0:
                errors += fail(f"self-test '{what}': {mode} passed on broken rules")
            else:
                print(f"ok: {mode} catches {what}")
    return 1 if errors else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "check" and len(argv) == 3:
        return check(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "test":
        return test(argv[1])
    if len(argv) == 3 and argv[0] == "self-test":
        return self_test(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
