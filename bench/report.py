#!/usr/bin/env python3
"""bench/report.py: the report of one bench run.

  bench/report.py --raw bench/results/raw-<run id> --out bench/results/<date>-<commit>

Reads <raw>/meta.json (machine, commit, fixture) and every record in
<raw>/records/*.json (kinds http, pgbench, migrate, sse; formats in
bench/README.md; records with "group": "pgbouncer" get their own section,
with <raw>/pgbouncer/checks.txt), plus <raw>/profile/summary.txt when there is one and the
analysis text bench/analysis.md, and writes <out>/report.md and
<out>/results.json. Standard library only.
"""

import argparse
import glob
import json
import os
import re
import sys

HTTP_ORDER = ["nginx_static", "api_version", "api_version_tpc", "standings_hot",
              "standings_signed_in", "events_search", "game_read", "score_update", "login", "mix"]
WHAT = {
    "nginx_static": "reference: nginx answers `return 200` JSON itself (ceiling of anything behind nginx)",
    "api_version": "reference: GET /api/v1/version through nginx + FastCGI (ceiling of the FastCGI path)",
    "api_version_tpc": "reference: the same, one wrk thread per connection (as the stateful scenarios run)",
    "standings_hot": "public standings of a 20-team event, the same event every time (anonymous: nginx's micro-cache answers)",
    "standings_signed_in": "the same standings with a Bearer token: past the micro-cache, session check and queries every time",
    "events_search": "event list with a name search (`?q=`)",
    "game_read": "authenticated game read (Bearer token, session checked in the database)",
    "score_update": "PUT score with If-Match, each connection on its own game",
    "login": "POST /api/v1/auth/login, correct password (Argon2id-bound)",
    "mix": "90 % reads, 9 % score writes, 1 % logins",
}
WRITES = {"score_update", "mix"}


def load(raw):
    meta = {}
    if os.path.exists(os.path.join(raw, "meta.json")):
        with open(os.path.join(raw, "meta.json"), encoding="utf-8") as f:
            meta = json.load(f)
    records = []
    for path in sorted(glob.glob(os.path.join(raw, "records", "*.json"))):
        try:
            with open(path, encoding="utf-8") as f:
                rec = json.load(f)
        except (OSError, ValueError) as e:
            rec = {"kind": "unreadable", "scenario": os.path.basename(path), "error": str(e)}
        rec["_file"] = os.path.basename(path)
        records.append(rec)
    return meta, records


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def pct(r):
    return "–" if r is None else f"{r * 100:.1f} %"


def nearest(by_clients, n):
    """The record whose client count is n, else the largest below n, else the smallest."""
    if not by_clients:
        return None
    if n in by_clients:
        return by_clients[n]
    below = [c for c in by_clients if c <= n]
    return by_clients[max(below)] if below else by_clients[min(by_clients)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--analysis", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "analysis.md"))
    a = p.parse_args()
    meta, records = load(a.raw)
    os.makedirs(a.out, exist_ok=True)
    base_url = meta.get("base_url")
    if not base_url:
        try:
            with open(os.path.join(a.raw, "fixture.json"), encoding="utf-8") as f:
                base_url = json.load(f).get("base_url")
        except (OSError, ValueError):
            base_url = None

    pgbouncer = [r for r in records if r.get("group") == "pgbouncer"]
    http = {}
    for r in records:
        if r.get("kind") == "http" and r.get("group") != "pgbouncer":
            http[(r["scenario"], r["connections"])] = r
    pgb = {}
    for r in records:
        if r.get("kind") == "pgbench" and r.get("group") != "pgbouncer":
            pgb.setdefault(r["scenario"], {})[r["clients"]] = r
    migrate = [r for r in records if r.get("kind") == "migrate"]
    sse = [r for r in records if r.get("kind") == "sse"]
    others = [r for r in records if r.get("kind") not in ("http", "pgbench", "migrate", "sse")]

    # Ratios of every HTTP record: to its own reference, to nginx static and,
    # for writes, to pgbench TPC-B at the same (or nearest lower) client count.
    for (scen, c), r in http.items():
        ref = http.get((r.get("reference"), c)) if r.get("reference") else None
        r["reference_rps"] = ref["rps"] if ref else None
        r["ratio_to_reference"] = ratio(r.get("rps"), r["reference_rps"])
        st = http.get(("nginx_static", c))
        r["ratio_to_nginx_static"] = ratio(r.get("rps"), st["rps"] if st else None)
        if scen in WRITES:
            tpcb = nearest(pgb.get("pgbench_tpcb", {}), c)
            r["pgbench_tpcb_tps"] = tpcb["tps"] if tpcb else None
            r["pgbench_tpcb_clients"] = tpcb["clients"] if tpcb else None
            r["ratio_to_pgbench_tpcb"] = ratio(r.get("rps"), r["pgbench_tpcb_tps"])
    for scen, by in pgb.items():
        if scen != "pgbench_select_only":
            for c, r in by.items():
                so = pgb.get("pgbench_select_only", {}).get(c)
                r["reference"] = "pgbench_select_only"
                r["ratio_to_reference"] = ratio(r.get("tps"), so["tps"] if so else None)
    single = next((m for m in migrate if m["scenario"] == "migrate_single"), None)
    for m in migrate:
        if m is not single and single:
            m["reference"] = "migrate_single"
            m["ratio_to_reference"] = ratio(m.get("wall_s"), single.get("wall_s"))

    targets = evaluate_targets(http, sse)
    out = []
    w = out.append
    quick = meta.get("quick")
    w(f"# Scoreline bench report — {meta.get('run_id', os.path.basename(a.raw))}")
    w("")
    if quick:
        w("> **Smoke run (BENCH_QUICK=1)**: 1-second runs and a tiny SSE ladder. The numbers only show "
          "that the pipeline works; do not read them as capacity.")
        w("")
    w("| | |")
    w("| --- | --- |")
    w(f"| commit | `{meta.get('commit', '?')}` |")
    w(f"| date (UTC) | {meta.get('date', '?')} |")
    w(f"| machine | {meta.get('nproc', '?')} cores, {fmt((meta.get('mem_total_kb') or 0) / 1048576, 1)} GiB, "
      f"{meta.get('cpu_model', '?')}, Linux {meta.get('kernel', '?')} |")
    w(f"| load average at start | {' '.join(meta.get('loadavg_at_start', []))} |")
    w(f"| seconds per run | {meta.get('duration_s', '?')} |")
    fx = meta.get("fixture", {})
    if fx:
        w(f"| fixtures | standings of event {fx.get('standings_event_id')} ({fx.get('standings_event_name')}, "
          f"{fx.get('standings_teams')} teams); search `q={fx.get('search_query')}`; bench event "
          f"{fx.get('event_id')} ({fx.get('teams')} teams), {meta.get('games')} games, one per writing connection |")
    w("| rate limits | off or raised for the bench (bench/run.sh, BENCH_STACK_ENV); login throttle at its defaults, "
      "never engaged (correct password) |")
    w("")
    w("Everything runs on this one machine over loopback: the load tools share the CPU with nginx, "
      "scoreline-api and PostgreSQL. Ratios to the references of the same run are the comparable numbers.")
    w("")

    w("## Targets")
    w("")
    w("| target | result | evidence |")
    w("| --- | --- | --- |")
    for t in targets:
        w(f"| {t['target']} | **{t['status']}** | {t['evidence']} |")
    w("")

    w("## HTTP scenarios (wrk, HTTPS/1.1 keep-alive through nginx)")
    w("")
    w("rps = completed requests per second (all statuses); latencies in ms; non-2xx = answers with "
      "another status; socket errors = connect/read/write errors and timeouts (30 s). "
      "ratio = rps / rps of the reference at the same connections.")
    w("")
    scen_seen = sorted({s for s, _ in http}, key=lambda s: (HTTP_ORDER.index(s) if s in HTTP_ORDER else 99, s))
    for scen in scen_seen:
        rows = sorted((r for (s, _), r in http.items() if s == scen), key=lambda r: r["connections"])
        w(f"### {scen}")
        w("")
        w(WHAT.get(scen, ""))
        w("")
        head = "| conns | threads | rps | p50 | p95 | p99 | max | non-2xx | socket errors | reference | ref rps | ratio | vs nginx static |"
        sep = "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
        if scen in WRITES:
            head += " vs pgbench TPC-B |"
            sep += " ---: |"
        w(head)
        w(sep)
        for r in rows:
            line = (f"| {r['connections']} | {r.get('threads', '–')} | {fmt(r.get('rps'))} | {fmt(r.get('p50_ms'), 2)} | "
                    f"{fmt(r.get('p95_ms'), 2)} | {fmt(r.get('p99_ms'), 2)} | {fmt(r.get('max_ms'), 2)} | "
                    f"{flag(r.get('non_2xx'))} | {flag(r.get('socket_errors'))} | {r.get('reference') or '–'} | "
                    f"{fmt(r.get('reference_rps'))} | {pct(r.get('ratio_to_reference'))} | "
                    f"{pct(r.get('ratio_to_nginx_static'))} |")
            if scen in WRITES:
                tp = r.get("ratio_to_pgbench_tpcb")
                line += f" {pct(tp)} (TPC-B c={r.get('pgbench_tpcb_clients')}) |" if tp is not None else " – |"
            w(line)
        for r in rows:
            if r.get("error"):
                w(f"\n**c={r['connections']}: {r['error']}**")
            if r.get("stats") and any(not k.endswith(("_200", "_201")) for k in r["stats"]):
                w(f"\nc={r['connections']} answers by kind and status: `{json.dumps(r['stats'], sort_keys=True)}`")
        w("")

    if pgb:
        w("## PostgreSQL references (pgbench on the bench PostgreSQL, unix socket, database bench_pgbench)")
        w("")
        w("| scenario | clients | scale | tps | latency avg (ms) | failed | ratio to select-only |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for scen in ("pgbench_select_only", "pgbench_tpcb", "pgbench_notify"):
            for c, r in sorted(pgb.get(scen, {}).items()):
                w(f"| {scen} | {c} | {fmt(r.get('scale'))} | {fmt(r.get('tps'))} | {fmt(r.get('latency_avg_ms'), 3)} | "
                  f"{flag(r.get('failed'))} | {pct(r.get('ratio_to_reference'))} |")
                if r.get("error"):
                    w(f"\n**{scen} c={c}: {r['error']}**\n")
        w("")
        w("pgbench_notify: one `SELECT pg_notify('bench', ...)` per transaction — what a NOTIFY costs here "
          "(every score write also NOTIFYs through the outbox trigger).")
        w("")

    if pgbouncer:
        pgbouncer_section(w, pgbouncer, a.raw)

    if migrate:
        w("## Migrations")
        w("")
        w("| scenario | processes | wall (s) | failed processes | schema_migrations | reference | ratio |")
        w("| --- | ---: | ---: | ---: | --- | --- | ---: |")
        for m in migrate:
            w(f"| {m['scenario']} | {m.get('processes')} | {fmt(m.get('wall_s'), 3)} | {flag(m.get('failed_processes', m.get('failures')))} | "
              f"{m.get('schema_versions')}/{m.get('expected_versions')} | {m.get('reference', '–')} | "
              f"{'–' if m.get('ratio_to_reference') is None else format(m['ratio_to_reference'], '.2f') + ' x'} |")
        w("")

    w("## SSE fan-out (bench/sse/)")
    w("")
    if sse:
        w("Latency columns p50–max: from the publisher's 200 to the arrival (Scoreline: the API's 200 to the score "
          "change). Nchan answers its publisher only after it has written the message to every subscriber, so its "
          "times from the 200 are near zero or negative; the comparison with Nchan therefore uses the p99 from the "
          "start of the publish request on both sides (column \"p99 from request\").")
        w("")
        w("| target | connections | messages | bytes | p50 | p95 | p99 | max | p99 from request | missing | connect (s) | RSS/conn (KiB) | client procs | p99 from request vs nchan |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
        nchan = {r["connections"]: r for r in sse if r.get("target") == "nchan"}
        for r in sorted(sse, key=lambda r: (r.get("connections", 0), r.get("target", ""))):
            rss = r.get("rss_kb_per_conn") or {}
            rss_t = ", ".join(f"{k} {v:.1f}" if isinstance(v, (int, float)) else f"{k} –"
                              for k, v in rss.items()) or "–"
            vs = "–"
            n = nchan.get(r.get("connections"))
            vs_nchan = nchan_ratio(r, n)
            if r.get("target") == "scoreline" and vs_nchan is not None:
                vs = f"{vs_nchan:.2f} x"
            w(f"| {r.get('target')} | {fmt(r.get('connections'))} | {fmt(r.get('messages'))} | {fmt(r.get('message_bytes'))} | "
              f"{fmt(r.get('p50_ms'), 2)} | {fmt(r.get('p95_ms'), 2)} | {fmt(r.get('p99_ms'), 2)} | {fmt(r.get('max_ms'), 2)} | "
              f"{fmt(from_request_p99(r), 2)} | "
              f"{flag(r.get('missing'))} | {fmt(r.get('connect_s'), 2)} | {rss_t} | {fmt(r.get('client_processes'))} | {vs} |")
        for r in sse:
            if r.get("error"):
                w(f"\n**{r.get('target')} N={r.get('connections')}: {r['error']}**")
    elif os.path.exists(os.path.join(a.raw, "sse-missing.txt")):
        w("**Not run**: bench/sse/run.sh was missing or not executable when this run started.")
    elif os.path.exists(os.path.join(a.raw, "sse-failed.txt")):
        w("**Failed**: bench/sse/run.sh exited non-zero and wrote no record (see run.log in the raw folder).")
    else:
        w("**Not run** (not selected with BENCH_ONLY, or no record written).")
    w("")

    if others:
        w("## Records that could not be read")
        w("")
        for r in others:
            w(f"- {r.get('_file')}: {r.get('error', 'unknown kind ' + str(r.get('kind')))}")
        w("")

    w("## Bottlenecks and profile")
    w("")
    summary = os.path.join(a.raw, "profile", "summary.txt")
    if os.path.exists(a.analysis):
        with open(a.analysis, encoding="utf-8") as f:
            w(re.sub(r"<!--.*?-->", "", f.read(), flags=re.S).strip())
        w("")
    if os.path.exists(summary):
        w("Profile of this run (`perf record -a -g`, the whole machine with the load generator, during standings_hot, "
          "standings_signed_in and score_update at 64 connections and, with the sse group, while the messages of the "
          "N = 10,000 step went out; self time), and the statements PostgreSQL ran meanwhile (pg_stat_statements):")
        w("")
        w("```")
        with open(summary, encoding="utf-8", errors="replace") as f:
            w(f.read().rstrip())
        w("```")
    else:
        w("No profile in this run (BENCH_ONLY=profile, or add profile to the list, records one).")
    w("")

    w("## Commands")
    w("")
    w("Run from the checkout; `$BASE` is the bench stack's `https://127.0.0.1:<BENCH_HTTPS_PORT>`, and the "
      "values in angle brackets come from the fixture step of bench/run.sh.")
    w("")
    for r in records:
        if r.get("command"):
            label = r.get("scenario")
            if r.get("kind") == "http":
                label += f" c={r['connections']}"
            elif r.get("kind") == "pgbench":
                label += f" c={r['clients']}"
            elif r.get("kind") == "sse":
                label = f"sse {r.get('target')} N={r.get('connections')}"
            w(f"- {label}: `{r['command']}`")
    w("")

    with open(os.path.join(a.out, "report.md"), "w", encoding="utf-8") as f:
        text = "\n".join(out) + "\n"
        f.write(text.replace(base_url, "$BASE") if base_url else text)
    clean = [{k: v for k, v in r.items() if k != "_file"} for r in records]
    with open(os.path.join(a.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "targets": targets, "records": clean}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"report.py: {len(records)} records -> {a.out}/report.md, results.json")
    for t in targets:
        print(f"  {t['status']:>12}  {t['target']}")


PGB_PATHS = ("direct_tcp", "pgbouncer")


def pgbouncer_section(w, recs, raw):
    """The pgbouncer group: the same load over both paths, ratio = through PgBouncer / direct.
    Sets reference and ratio_to_reference on the records (results.json keeps them)."""
    def split(r):
        for suffix in ("_pgbouncer_transaction_simple", "_pgbouncer_transaction", "_pgbouncer", "_direct_tcp"):
            if r["scenario"].endswith(suffix):
                return r["scenario"][: -len(suffix)], suffix[1:]
        return r["scenario"], "?"
    by = {}
    for r in recs:
        base, path = split(r)
        by[(r["kind"], base, path, r.get("connections") or r.get("clients"))] = r
    for (kind, base, path, n), r in by.items():
        direct = by.get((kind, base, "direct_tcp", n))
        if path != "direct_tcp" and direct:
            value = "rps" if kind == "http" else "tps"
            r["reference"] = direct["scenario"]
            # Aborted clients leave a tps of the others: no throughput to compare.
            r["ratio_to_reference"] = None if r.get("aborted_clients") else ratio(r.get(value), direct.get(value))

    w("## PgBouncer (group pgbouncer)")
    w("")
    w("The same load over two paths in the same run: **direct** = TCP to the bench PostgreSQL on 127.0.0.1 "
      "(SCRAM), **PgBouncer** = TCP to a PgBouncer on 127.0.0.1 in session mode (production's settings, "
      "ansible/roles/pgbouncer), which reaches the same PostgreSQL over TCP. ratio = through PgBouncer / direct.")
    w("")
    http_rows = sorted((k for k in by if k[0] == "http" and k[2] == "pgbouncer"), key=lambda k: (k[1], k[3]))
    if http_rows:
        w("### scoreline-api (wrk through nginx; the API restarted on each path)")
        w("")
        w("| scenario | conns | direct rps | PgBouncer rps | ratio | direct p50 / p99 | PgBouncer p50 / p99 | errors direct / PgBouncer |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for k in http_rows:
            v, d = by[k], by.get(("http", k[1], "direct_tcp", k[3]), {})
            errs = lambda r: None if not r else (r.get("non_2xx") or 0) + (r.get("socket_errors") or 0)  # noqa: E731
            w(f"| {k[1]} | {k[3]} | {fmt(d.get('rps'))} | {fmt(v.get('rps'))} | {pct(v.get('ratio_to_reference'))} | "
              f"{fmt(d.get('p50_ms'), 2)} / {fmt(d.get('p99_ms'), 2)} | {fmt(v.get('p50_ms'), 2)} / {fmt(v.get('p99_ms'), 2)} | "
              f"{flag(errs(d))} / {flag(errs(v))} |")
        for r in recs:
            if r.get("kind") == "http" and r.get("error"):
                w(f"\n**{r['scenario']} c={r['connections']}: {r['error']}**")
        w("")
    pg_rows = sorted((k for k in by if k[0] == "pgbench" and k[2] != "direct_tcp"), key=lambda k: (k[1], k[3], k[2]))
    if pg_rows:
        w("### pgbench (database bench_pgbench, TCP to 127.0.0.1)")
        w("")
        w("direct and `pgbouncer` (session mode) run `-M prepared`; `pgbouncer_transaction` is `-M prepared` through "
          "a PgBouncer in transaction mode, `pgbouncer_transaction_simple` `-M simple` (no prepared statements) "
          "through it. ratio = tps / tps of direct `-M prepared` at the same clients.")
        w("")
        w("A run where pgbench aborted clients has no throughput to compare: its tps is that of the clients left, "
          "and its ratio is not given.")
        w("")
        w("| script | path | clients | tps | latency avg (ms) | ratio | failed | aborted clients | errors |")
        w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for k in pg_rows:
            d = by.get(("pgbench", k[1], "direct_tcp", k[3]))
            rows = ([(d, "direct_tcp")] if d and k[2] == "pgbouncer" else []) + [(by[k], k[2])]
            for r, path in rows:
                aborted = r.get("aborted_clients") or 0
                errs = []
                if r.get("abort_error"):
                    errs.append(f"`{r['abort_error'][:140]}`")
                if r.get("other_errors"):
                    errs.append(f"{r['other_errors']} more ERROR lines, first: `{(r.get('other_error') or '')[:140]}`")
                if r.get("error"):
                    errs.append(r["error"])
                tps = fmt(r.get("tps")) + (f" ({k[3] - aborted} of {k[3]} clients left)" if aborted else "")
                w(f"| {k[1]} | {path} | {k[3]} | {tps} | {fmt(r.get('latency_avg_ms'), 3)} | "
                  f"{'–' if aborted else pct(r.get('ratio_to_reference'))} | {flag(r.get('failed'))} | "
                  f"{flag(aborted)} | {'; '.join(errs).replace('|', '/') or '–'} |")
        w("")
    checks = os.path.join(raw, "pgbouncer", "checks.txt")
    if os.path.exists(checks):
        w("PgBouncer's pools halfway through an API run through it (session mode: one server connection per worker), "
          "and the `statement_timeout` a session gets when it asks for one in its startup packet (`options`, as "
          "scoreline-api does) through PgBouncer and directly:")
        w("")
        w("```")
        with open(checks, encoding="utf-8", errors="replace") as f:
            w(f.read().rstrip())
        w("```")
        w("")


def flag(n):
    """Errors are shown in bold when there are any."""
    if n is None:
        return "–"
    return f"**{n:,}**" if n else "0"


def from_request_p99(r):
    """p99 delivery time from the start of the publish request (bench/sse/README.md)."""
    return ((r or {}).get("from_request_ms") or {}).get("p99")


def nchan_ratio(scoreline, nchan):
    """Scoreline's p99 over Nchan's, both timed from the start of the publish request:
    Nchan answers its publisher after the fan-out, so times from its 200 are not comparable."""
    s, n = from_request_p99(scoreline), from_request_p99(nchan)
    return s / n if s is not None and n else None


def evaluate_targets(http, sse):
    t = []
    r = http.get(("standings_hot", 64))
    if r:
        ok = r["rps"] >= 15000 and (r.get("p99_ms") or 1e9) < 25 and not r["non_2xx"] and not r["socket_errors"]
        ev = (f"{fmt(r['rps'])} req/s, p99 {fmt(r.get('p99_ms'), 2)} ms at 64 connections, "
              f"{r['non_2xx']} non-2xx, {r['socket_errors']} socket errors")
    t.append({"target": "hot standings read ≥ 15,000 req/s with p99 < 25 ms at 64 connections",
              "status": ("met" if ok else "not met") if r else "not measured",
              "evidence": ev if r else "no standings_hot record at 64 connections"})

    rows = sorted((r for (s, _), r in http.items() if s == "score_update"), key=lambda r: r["connections"])
    if rows:
        good = [r for r in rows if r["rps"] >= 2000 and (r.get("p99_ms") or 1e9) < 50
                and not r["non_2xx"] and not r["socket_errors"]]
        ev = "; ".join(f"c={r['connections']}: {fmt(r['rps'])}/s, p99 {fmt(r.get('p99_ms'), 2)} ms, "
                       f"{r['non_2xx'] + r['socket_errors']} errors" for r in rows)
        t.append({"target": "score updates ≥ 2,000/s with p99 < 50 ms (at some step of the ladder, no errors)",
                  "status": "met" if good else "not met", "evidence": ev})
    else:
        t.append({"target": "score updates ≥ 2,000/s with p99 < 50 ms", "status": "not measured",
                  "evidence": "no score_update record"})

    held = [r for r in sse if r.get("target") == "scoreline" and r.get("connections", 0) >= 50000]
    if held:
        r = max(held, key=lambda r: r["connections"])
        ok = r.get("missing") == 0 and not r.get("error")
        t.append({"target": "50,000 concurrent SSE connections held with 0 messages missing",
                  "status": "met" if ok else "not met",
                  "evidence": f"N={fmt(r['connections'])}: {r.get('messages')} messages, {r.get('missing')} missing"
                              + (f", error: {r['error']}" if r.get("error") else "")})
    else:
        t.append({"target": "50,000 concurrent SSE connections held with 0 messages missing",
                  "status": "not measured", "evidence": "no scoreline SSE record with ≥ 50,000 connections"})

    s10 = next((r for r in sse if r.get("target") == "scoreline" and r.get("connections") == 10000), None)
    n10 = next((r for r in sse if r.get("target") == "nchan" and r.get("connections") == 10000), None)
    if s10 and s10.get("p99_ms") is not None:
        under = s10["p99_ms"] < 250
        vs = nchan_ratio(s10, n10)
        ok = under and vs is not None and vs <= 1.5 and s10.get("missing") == 0
        ev = f"scoreline p99 {fmt(s10['p99_ms'], 2)} ms from the API's 200, missing {s10.get('missing')}; " + (
            f"p99 from the start of the publish request: scoreline {fmt(from_request_p99(s10), 2)} ms, "
            f"Nchan {fmt(from_request_p99(n10), 2)} ms, ratio {vs:.2f}" if vs is not None else "no Nchan record at 10,000")
        t.append({"target": "SSE fan-out p99 to 10,000 clients < 250 ms and ≤ 1.5 × Nchan's p99",
                  "status": "met" if ok else ("not met" if vs is not None or not under else "not measured (no Nchan)"),
                  "evidence": ev})
    else:
        t.append({"target": "SSE fan-out p99 to 10,000 clients < 250 ms and ≤ 1.5 × Nchan's p99",
                  "status": "not measured", "evidence": "no scoreline SSE record at 10,000 connections"})
    return t


if __name__ == "__main__":
    sys.exit(main())
