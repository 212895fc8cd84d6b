#!/usr/bin/env python3
"""bench/fixture.py: prepares what the bench scenarios need, through the real
API of a running bench stack, and writes it as one JSON file.

  bench/fixture.py --base-url https://127.0.0.1:18443 --cacert DIR/tls/cert.pem \
      --email bench@example.org --password-file FILE --games 256 --out fixture.json

The account must exist already (bench/run.sh makes it an admin with
`scoreline-api admin create`), or --register signs it up first (the converge
test's deploy drill, tests/ansible/converge.sh). This script:
  1. logs in (POST /api/v1/auth/login) and keeps the access token;
  2. creates a bench event ("Bench league <run id>", round robin) with enough
     teams that the schedule has at least --games games, generates the
     schedule (POST /schedule), moves the event draft -> scheduled -> live;
  3. finds the hot standings event: a live round-robin demo event with 20 teams
     (falls back to the round-robin event with the most teams, the bench
     event itself where there is no demo data);
  4. lists the games and keeps the first --games ids, with their versions.
--insecure skips the certificate check instead of --cacert (throwaway hosts
whose self-signed certificate does not name 127.0.0.1).

Output (the fields bench/sse/run.sh relies on first):
  {"base_url", "token", "event_id", "game_ids": [...],
   "game_versions": {id: version}, "standings_event_id", "standings_teams",
   "search_query", "email", "password_file", "user_id"}
Standard library only.
"""

import argparse
import datetime
import json
import math
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


class Api:
    def __init__(self, base_url, cacert):
        self.base = base_url.rstrip("/")
        if cacert:
            self.ctx = ssl.create_default_context(cafile=cacert)
        else:
            self.ctx = ssl.create_default_context()
            self.ctx.check_hostname = False
            self.ctx.verify_mode = ssl.CERT_NONE
        self.token = None

    def call(self, method, path, body=None, headers=None, expect=(200,)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
                status, raw, hdrs = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            status, raw, hdrs = e.code, e.read(), e.headers
        if status not in expect:
            sys.exit(f"fixture.py: {method} {path} answered {status}: {raw[:400]!r}")
        return (json.loads(raw) if raw else None), hdrs


def list_all(api, path):
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        url = f"{path}{sep}limit=200" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page, _ = api.call("GET", url)
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", required=True)
    certs = p.add_mutually_exclusive_group(required=True)
    certs.add_argument("--cacert")
    certs.add_argument("--insecure", action="store_true")
    p.add_argument("--register", action="store_true")
    p.add_argument("--email", required=True)
    p.add_argument("--password-file", required=True)
    p.add_argument("--games", type=int, default=256)
    p.add_argument("--run-id", default="")
    p.add_argument("--out", required=True)
    a = p.parse_args()

    with open(a.password_file, encoding="utf-8") as f:
        password = f.read().strip()
    api = Api(a.base_url, a.cacert)

    if a.register:
        api.call("POST", "/api/v1/auth/register",
                 {"email": a.email, "display_name": "Bench", "password": password},
                 expect=(201,))
    login, _ = api.call("POST", "/api/v1/auth/login", {"email": a.email, "password": password})
    api.token = login["access_token"]
    user_id = login["user"]["id"]

    # The bench event: round robin with n teams has n(n-1)/2 games.
    n = max(4, math.ceil((1 + math.sqrt(1 + 8 * a.games)) / 2))
    today = datetime.date.today().isoformat()
    name = "Bench league " + (a.run_id or datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%S"))
    ev, _ = api.call("POST", "/api/v1/events",
                     {"name": name, "sport": "football", "format": "round_robin",
                      "starts_on": today}, expect=(201,))
    event_id = ev["id"]
    for i in range(n):
        api.call("POST", f"/api/v1/events/{event_id}/teams",
                 {"name": f"Bench Team {i + 1:03d}"}, expect=(201,))
    # Kicked off before the run (its 23 rounds span under two hours), so a
    # live score is the ordinary write, not a score_before_start alert on
    # every update (docs/integrity.md).
    first = (datetime.datetime.utcnow() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:00:00Z")
    api.call("POST", f"/api/v1/events/{event_id}/schedule",
             {"first_game_at": first, "minutes_between_rounds": 5}, expect=(201,))
    for status in ("scheduled", "live"):
        cur, _ = api.call("GET", f"/api/v1/events/{event_id}")
        api.call("PATCH", f"/api/v1/events/{event_id}", {"status": status},
                 headers={"If-Match": f'"{cur["version"]}"'})

    # The hot standings event: a 20-team round robin from the demo, live first
    # (the bench event, live by now, where there is none).
    events = list_all(api, "/api/v1/events")
    best = None
    for ev in events:
        if ev["format"] not in ("round_robin", "double_round_robin"):
            continue
        teams = list_all(api, f"/api/v1/events/{ev['id']}/teams")
        key = (len(teams) == 20, ev["status"] == "live", len(teams))
        if best is None or key > best[0]:
            best = (key, ev, len(teams))
    if best is None:
        sys.exit("fixture.py: no round-robin event to read standings of (is the demo data loaded?)")
    standings_event, standings_teams = best[1], best[2]
    table, _ = api.call("GET", f"/api/v1/events/{standings_event['id']}/standings")
    standings = table["rows"]
    # The search: a word of that event's name, as a user would type it.
    words = [w for w in standings_event["name"].split() if w.isalpha() and len(w) >= 4]
    search = (words[0] if words else standings_event["name"][:4]).lower()

    games = list_all(api, f"/api/v1/events/{event_id}/games")
    games.sort(key=lambda g: g["id"])
    if len(games) < a.games:
        sys.exit(f"fixture.py: the bench event has {len(games)} games, fewer than {a.games}")
    games = games[: a.games]

    out = {
        "base_url": a.base_url.rstrip("/"),
        "token": api.token,
        "event_id": event_id,
        "game_ids": [g["id"] for g in games],
        "game_versions": {str(g["id"]): g["version"] for g in games},
        "teams": n,
        "standings_event_id": standings_event["id"],
        "standings_event_name": standings_event["name"],
        "standings_teams": standings_teams,
        "search_query": search,
        # The leader and the last of the standings event, for the questions
        # of the ask scenario.
        "standings_leader": standings[0]["team_name"],
        "standings_last": standings[-1]["team_name"],
        "email": a.email,
        "password_file": a.password_file,
        "user_id": user_id,
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"fixture: bench event {event_id} ({n} teams, {len(games)} games used), "
          f"standings event {standings_event['id']} ({standings_teams} teams), search q={search}")


if __name__ == "__main__":
    main()
