#!/usr/bin/env python3
"""smoke.py: the converge test's smoke test, through real nginx on the app hosts.

  smoke.py --write https://APP1 --stream https://APP2 [--read https://APPn ...]
  smoke.py --writer LOG --write https://APP1 [--seconds N]


Registers a user and logs in on the write host, creates an event with two
teams and a game, holds the event's stream on the stream host (with a stream
ticket, the event is a draft), writes a score through the write host and
waits for its score.updated message on the stream; reads the standings
through every --read host. Prints one JSON line: event_id, game_id, seconds.
Exits 1 with the failing step on stderr.
--writer (the failover drill): after signing up and creating an event, adds
one team every --interval seconds (0.2) through --write until LOG.stop exists or --seconds pass,
appending "unix_time ok NAME" or "unix_time fail STATUS" to LOG, and prints the
event id first; a team answered 201 is an acknowledged write. Certificates are not checked (the
hosts' nginx is self-signed); every request has a timeout.
"""
import argparse
import http.client
import json
import secrets
import ssl
import sys
import time
import urllib.parse

TIMEOUT_S = 10


def fail(step, detail):
    print(f"smoke: {step}: {detail}", file=sys.stderr)
    sys.exit(1)


def connect(base):
    url = urllib.parse.urlsplit(base)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection(url.hostname, url.port or 443, timeout=TIMEOUT_S, context=ctx)


def call(base, method, path, body=None, token=None, headers=None, expect=(200, 201)):
    conn = connect(base)
    hdrs = {"Accept": "application/json"}
    if body is not None:
        hdrs["Content-Type"] = "application/json"
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    hdrs.update(headers or {})
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=hdrs)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status not in expect:
        fail(f"{method} {base}{path}", f"{resp.status} {data[:300]!r}")
    return resp, (json.loads(data) if data else {})


class Stream:
    """A raw SSE reader: GET with Accept text/event-stream, events parsed line by line."""

    def __init__(self, base, path):
        self.conn = connect(base)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream"})
        self.resp = self.conn.getresponse()
        if self.resp.status != 200:
            fail(f"stream {base}{path.split('?')[0]}", f"{self.resp.status} {self.resp.read(300)!r}")

    def wait_for(self, event_name, needle, deadline):
        current = {}
        while time.monotonic() < deadline:
            try:
                line = self.resp.fp.readline()
            except TimeoutError:
                continue
            if not line:
                fail("stream", "closed before the message arrived")
            line = line.decode("utf-8", "replace").rstrip("\r\n")
            if line == "":
                if current.get("event") == event_name and needle in current.get("data", ""):
                    return current
                current = {}
            elif not line.startswith(":") and ":" in line:
                key, _, value = line.partition(":")
                current[key] = current.get(key, "") + value.lstrip(" ")
        fail("stream", f"no {event_name} containing {needle} before the deadline")


def sign_up(base):
    email = f"smoke-{secrets.token_hex(4)}@example.org"
    password = "Converge-" + secrets.token_urlsafe(12)
    call(base, "POST", "/api/v1/auth/register",
         {"email": email, "display_name": "Converge Smoke", "password": password})
    _, tokens = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    return tokens.get("access_token") or fail("login", f"no access_token in {tokens}")


def writer(args):
    token = sign_up(args.write)
    _, event = call(args.write, "POST", "/api/v1/events",
                    {"name": "Failover Cup", "sport": "football", "format": "round_robin",
                     "starts_on": "2026-12-01"}, token)
    print(event["id"], flush=True)
    deadline = time.monotonic() + args.seconds
    with open(args.writer, "a", encoding="utf-8") as log:
        n = 0
        while time.monotonic() < deadline:
            try:
                with open(args.writer + ".stop"):
                    break
            except FileNotFoundError:
                pass
            n += 1
            name = f"team-{n}"
            try:
                conn = connect(args.write)
                conn.request("POST", f"/api/v1/events/{event['id']}/teams",
                             body=json.dumps({"name": name}),
                             headers={"Content-Type": "application/json",
                                      "Authorization": f"Bearer {token}"})
                status = conn.getresponse().status
                conn.close()
            except OSError as e:
                status = type(e).__name__
            line = f"{time.time():.3f} ok {name}" if status == 201 else f"{time.time():.3f} fail {status}"
            log.write(line + "\n")
            log.flush()
            time.sleep(args.interval)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", required=True)
    ap.add_argument("--stream")
    ap.add_argument("--read", action="append", default=[])
    ap.add_argument("--writer")
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--interval", type=float, default=0.2)
    args = ap.parse_args()
    if args.writer:
        return writer(args)
    if not args.stream:
        fail("arguments", "--stream is required without --writer")
    start = time.monotonic()
    token = sign_up(args.write)
    _, event = call(args.write, "POST", "/api/v1/events",
                    {"name": "Converge Cup", "sport": "football", "format": "round_robin",
                     "starts_on": "2026-12-01"}, token)
    event_id = event["id"]
    _, home = call(args.write, "POST", f"/api/v1/events/{event_id}/teams", {"name": "Alpha"}, token)
    _, away = call(args.write, "POST", f"/api/v1/events/{event_id}/teams", {"name": "Beta"}, token)
    game_resp, game = call(args.write, "POST", f"/api/v1/events/{event_id}/games",
                           {"home_team_id": home["id"], "away_team_id": away["id"],
                            "starts_at": "2026-12-01T15:00:00Z"}, token)
    game_id = game["id"]
    topic = f"event:{event_id}"
    _, ticket = call(args.write, "POST", "/api/v1/stream-tickets", {"topics": [topic]}, token)
    stream = Stream(args.stream, f"/api/v1/events/{event_id}/stream?ticket={ticket['ticket']}")
    call(args.write, "PUT", f"/api/v1/games/{game_id}/score",
         {"home_score": 2, "away_score": 1, "status": "live"}, token,
         {"If-Match": game_resp.getheader("ETag") or "*"})
    stream.wait_for("score.updated", str(game_id), time.monotonic() + TIMEOUT_S)
    for base in [args.write, args.stream] + args.read:
        call(base, "GET", f"/api/v1/events/{event_id}/standings", token=token)
    print(json.dumps({"event_id": event_id, "game_id": game_id,
                      "seconds": round(time.monotonic() - start, 2)}))


if __name__ == "__main__":
    main()
