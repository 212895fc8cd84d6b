#!/usr/bin/env python3
"""bench/record.py: turns one tool's raw output into one record JSON file
(<raw>/records/<name>.json), the format bench/report.py reads.

  record.py wrk --input wrk.txt --out rec.json --scenario standings_hot \
      --connections 64 --threads 2 --duration 10 --reference api_version --command "..."
  record.py pgbench --input out.txt --out rec.json --scenario pgbench_tpcb \
      --clients 16 --duration 10 --command "..."

A run that produced no parsable output still gets a record, with "error" set
and zero requests, so the report shows it instead of leaving it out.
Standard library only.
"""

import argparse
import json
import re
import sys


def wrk_record(a, text):
    rec = {
        "kind": "http", "scenario": a.scenario, "connections": a.connections,
        "threads": a.threads, "tool": "wrk", "duration_s": a.duration,
        "reference": a.reference or None, "command": a.command,
    }
    m = re.search(r"^BENCH_JSON (\{.*\})\s*$", text, re.M)
    if not m:
        tail = text.strip().splitlines()[-5:]
        rec.update(requests=0, rps=0.0, p50_ms=None, p95_ms=None, p99_ms=None, max_ms=None,
                   non_2xx=0, socket_errors=0, error="no BENCH_JSON line from wrk: " + " | ".join(tail))
        return rec
    j = json.loads(m.group(1))
    e, lat = j["errors"], j["latency_us"]
    secs = j["duration_us"] / 1e6 if j["duration_us"] else float(a.duration)
    stats = j.get("stats") or {}
    # Scripts that see every answer count statuses themselves (kind_status);
    # otherwise wrk's own count of answers with status >= 400.
    if stats:
        non_2xx = sum(v for k, v in stats.items() if not re.search(r"_2\d\d$", k))
    else:
        non_2xx = e["status"]
    ms = lambda us: round(us / 1000.0, 3)  # noqa: E731
    rec.update(
        requests=j["requests"], rps=round(j["requests"] / secs, 1) if secs else 0.0,
        p50_ms=ms(lat["p50"]), p90_ms=ms(lat["p90"]), p95_ms=ms(lat["p95"]),
        p99_ms=ms(lat["p99"]), p999_ms=ms(lat["p999"]), max_ms=ms(lat["max"]),
        mean_ms=ms(lat["mean"]), non_2xx=non_2xx,
        socket_errors=e["connect"] + e["read"] + e["write"] + e["timeout"],
        socket_error_detail={k: e[k] for k in ("connect", "read", "write", "timeout")},
        measured_s=round(secs, 3), bytes=j["bytes"], stats=stats,
    )
    if j["requests"] == 0:
        rec["error"] = "no request completed"
        for k in ("p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms"):
            rec[k] = None
    return rec


def pgbench_record(a, text):
    rec = {"kind": "pgbench", "scenario": a.scenario, "clients": a.clients,
           "duration_s": a.duration, "scale": a.scale, "command": a.command}
    tps = re.search(r"^tps = ([0-9.]+) \(without initial connection time\)", text, re.M) or \
        re.search(r"^tps = ([0-9.]+)", text, re.M)
    lat = re.search(r"^latency average = ([0-9.]+) ms", text, re.M)
    done = re.search(r"^number of transactions actually processed: (\d+)", text, re.M)
    failed = re.search(r"^number of failed transactions: (\d+)", text, re.M)
    # pgbench aborts a client on an error it does not retry (e.g. a prepared
    # statement that does not exist): count them and keep the first message.
    # Other ERROR lines (e.g. a PREPARE of a name the server connection
    # already has) are counted too, with their first message.
    lines = [line.strip() for line in text.splitlines()]
    aborted = [line for line in lines if re.search(r"client \d+ (?:script \d+ )?aborted", line)]
    others = [line for line in lines if "ERROR:" in line and line not in aborted]
    if aborted or others or re.search(r"Run was aborted", text):
        rec.update(aborted_clients=len(aborted), abort_error=aborted[0] if aborted else None,
                   other_errors=len(others), other_error=others[0] if others else None)
    if not tps:
        tail = text.strip().splitlines()[-5:]
        rec.update(tps=0.0, latency_avg_ms=None, error="no tps in pgbench output: " + " | ".join(tail))
        return rec
    rec.update(tps=round(float(tps.group(1)), 1),
               latency_avg_ms=float(lat.group(1)) if lat else None,
               transactions=int(done.group(1)) if done else None,
               failed=int(failed.group(1)) if failed else 0)
    return rec


def main():
    p = argparse.ArgumentParser()
    p.add_argument("tool", choices=["wrk", "pgbench"])
    p.add_argument("--input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--duration", type=int, required=True)
    p.add_argument("--connections", type=int)
    p.add_argument("--threads", type=int)
    p.add_argument("--reference", default="")
    p.add_argument("--clients", type=int)
    p.add_argument("--scale", type=int)
    p.add_argument("--group", default="", help="the bench group that owns the record (its own report section)")
    a = p.parse_args()
    try:
        with open(a.input, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        text = f"cannot read {a.input}: {e}"
    rec = wrk_record(a, text) if a.tool == "wrk" else pgbench_record(a, text)
    if a.group:
        rec["group"] = a.group
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(rec, f, indent=1)
        f.write("\n")
    if rec.get("error"):
        print(f"record.py: {a.scenario}: {rec['error']}", file=sys.stderr)
    elif a.tool == "wrk":
        print(f"  {a.scenario} c={a.connections}: {rec['rps']} req/s, p50 {rec['p50_ms']} ms, "
              f"p99 {rec['p99_ms']} ms, non-2xx {rec['non_2xx']}, socket errors {rec['socket_errors']}")
    else:
        aborted = f", {rec['aborted_clients']} clients aborted" if "aborted_clients" in rec else ""
        print(f"  {a.scenario} c={a.clients}: {rec['tps']} tps, latency avg {rec['latency_avg_ms']} ms{aborted}")


if __name__ == "__main__":
    main()
