#!/usr/bin/env python3
"""bench/migrate_bench.py: starts N `scoreline-migrate up` processes at once on
one (empty) database, waits for all, and writes a migrate record:

  {"kind":"migrate","scenario":..,"processes":N,"wall_s":..,"failures":n,
   "schema_versions":k,"expected_versions":m,"command":..}

wall_s runs from the first process's start to the last one's exit. The N
processes are all forked before any is allowed to exec the migrator: each child
blocks on a pipe that the parent closes once every child exists, so they start
together. Every process must exit 0 and schema_migrations must hold every
migration of migrations/ (checked with psql); otherwise "failures" says how
many did not, and the exit code is 1. Standard library only.
"""

import argparse
import json
import os
import subprocess
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--migrations", required=True)
    p.add_argument("--database-url", required=True)
    p.add_argument("--processes", type=int, required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--expected", type=int, required=True, help="number of migrations")
    p.add_argument("--psql", required=True)
    p.add_argument("--logs", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    os.makedirs(a.logs, exist_ok=True)

    env = dict(os.environ, SCORELINE_DATABASE_URL=a.database_url)
    argv = [a.binary, "--dir", a.migrations, "up"]
    gate_r, gate_w = os.pipe()
    pids = []
    for i in range(a.processes):
        pid = os.fork()
        if pid == 0:  # child: wait at the gate, then become the migrator
            try:
                os.close(gate_w)
                os.read(gate_r, 1)  # returns b"" when the parent closes its end
                log = os.open(os.path.join(a.logs, f"{i:03d}.log"),
                              os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.execve(a.binary, argv, env)
            finally:
                os._exit(127)
        pids.append(pid)
    os.close(gate_r)
    start = time.monotonic()
    os.close(gate_w)  # every child reads EOF at once
    codes = {}
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        codes[pid] = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    failures = sum(1 for c in codes.values() if c != 0)

    # schema_migrations must be complete.
    db = a.database_url
    q = subprocess.run([a.psql, "-X", "-qAt", "-d", db, "-c",
                        "SELECT count(*) FROM schema_migrations"],
                       capture_output=True, text=True)
    versions = int(q.stdout.strip()) if q.returncode == 0 and q.stdout.strip().isdigit() else None
    complete = versions == a.expected

    cmd = (f"SCORELINE_DATABASE_URL=<empty database> {os.path.basename(a.binary)} --dir migrations up"
           f"  # x{a.processes}, started together (bench/migrate_bench.py)")
    rec = {"kind": "migrate", "scenario": a.scenario, "processes": a.processes,
           "wall_s": round(wall, 3), "failures": failures + (0 if complete else 1),
           "failed_processes": failures, "schema_versions": versions,
           "expected_versions": a.expected, "schema_complete": complete,
           "exit_codes": sorted(set(codes.values())), "command": cmd}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(rec, f, indent=1)
        f.write("\n")
    print(f"  {a.scenario}: {a.processes} processes, wall {wall:.3f} s, "
          f"{failures} failed, schema_migrations {versions}/{a.expected}")
    return 0 if failures == 0 and complete else 1


if __name__ == "__main__":
    sys.exit(main())
