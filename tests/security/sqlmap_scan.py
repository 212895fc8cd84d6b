#!/usr/bin/env python3
"""tests/security/sqlmap_scan.py: the SQL-injection scan of every route with
parameters, run by tests/security/sqlmap.sh against a stack of its own.

  sqlmap_scan.py --openapi docs/openapi.yaml --check-plan
  sqlmap_scan.py --openapi docs/openapi.yaml --base-url https://127.0.0.1:PORT \
      --cacert DIR/tls/cert.pem --admin-email E --admin-password-file F \
      --out-dir DIR --relay-port PORT [--level 1] [--risk 3] [--technique BEST] \
      [--only op1,op2]

1. Reads docs/openapi.yaml: every operation and every parameter it takes (path,
   query, header, and each leaf of its JSON body, nested objects and the first
   item of arrays included). An operation with parameters that PLAN below does
   not cover, or a parameter PLAN has no value for, stops the scan before
   anything starts (--check-plan does only this): a new route or field cannot
   be forgotten.
2. Makes the fixtures through the API (the admin exists already): users,
   events with teams, a schedule, games in every state, members, list cursors,
   stream tickets.
3. For each operation, sends the request once with the PLAN's values and
   checks the status (a valid baseline, so that sqlmap compares real answers),
   then runs sqlmap on a request file (-r) with a `*` marker on every
   parameter, in batch mode, each run into its own output folder (plan_runs:
   one run, or separate runs for the body and the URL). Reads are judged by
   their bodies, writes by their status code (scan_operation says why).
4. Reads each sqlmap's output: every marked parameter must have a verdict
   ("does not seem to be injectable" or an injection point). Prints a line per
   route and "sqlmap: N parameters tested, 0 injectable"; exits 1 when a
   parameter is injectable or was not tested.

Stream routes (x-served-by: scoreline-sse) answer a stream that never ends,
which sqlmap would wait on until its timeout. sqlmap reaches them through a
relay on 127.0.0.1 that forwards each request to nginx and, for a
text/event-stream answer, returns what arrived until the stream has been
quiet for a moment (the replay), as a complete response.

Traffic goes to 127.0.0.1 only. Standard library and PyYAML.
"""

import argparse
import base64
import datetime
import http.client
import http.server
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

import yaml

HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def fail(msg):
    sys.exit(f"sqlmap_scan.py: {msg}")


# ---------------------------------------------------------------------------
# docs/openapi.yaml


class Param:
    """One parameter of an operation: where it goes and its name (a body leaf
    is a path like points.win or topics[0])."""

    def __init__(self, where, name, required=False):
        self.where, self.name, self.required = where, name, required

    def label(self):
        return f"{self.where}:{self.name}"


class Operation:
    def __init__(self, method, path, op_id, stream, params):
        self.method, self.path, self.op_id, self.stream, self.params = method, path, op_id, stream, params


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            fail(f"docs/openapi.yaml: only local $ref is supported, got {ref}")
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def body_leaves(spec, schema, prefix):
    """The leaf names of a JSON body schema: objects recurse, arrays stand for
    their first item, anything else is a leaf."""
    schema = resolve(spec, schema)
    if "allOf" in schema:
        out = []
        for part in schema["allOf"]:
            out += body_leaves(spec, part, prefix)
        return out
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        out = []
        for name, sub in (schema.get("properties") or {}).items():
            out += body_leaves(spec, sub, f"{prefix}.{name}" if prefix else name)
        return out
    if kind == "array":
        return body_leaves(spec, schema.get("items", {}), f"{prefix}[0]")
    return [prefix]


def load_operations(path):
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    ops = []
    for route, item in spec["paths"].items():
        shared = [resolve(spec, p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = []
            for p in shared + [resolve(spec, p) for p in op.get("parameters", [])]:
                params.append(Param(p["in"], p["name"], bool(p.get("required"))))
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if body:
                params += [Param("body", leaf) for leaf in body_leaves(spec, body["schema"], "")]
            ops.append(Operation(method.upper(), route, op["operationId"],
                                 item.get("x-served-by") == "scoreline-sse", params))
    return ops


# ---------------------------------------------------------------------------
# The API, for the fixtures and the baselines


class Api:
    def __init__(self, base_url, cacert):
        u = urllib.parse.urlsplit(base_url)
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=cacert)

    def call(self, method, path, body=None, token=None, headers=None, expect=None):
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=30)
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if token:
            hdrs["Authorization"] = "Bearer " + token
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            raw = resp.read()
            status, rh = resp.status, resp.headers
        finally:
            conn.close()
        if expect is not None and status not in expect:
            fail(f"fixture: {method} {path} answered {status}: {raw[:300]!r}")
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return status, parsed, rh


def password():
    # Random text passes cracklib; no run of neighbouring letters.
    return "Sq-" + base64.urlsafe_b64encode(os.urandom(12)).decode().rstrip("=") + "!7"


def make_fixtures(api, admin_email, admin_password, paths):
    """Everything PLAN refers to, made through the API."""
    fx = {}
    _, login, _ = api.call("POST", "/api/v1/auth/login",
                           {"email": admin_email, "password": admin_password}, expect=(200,))
    fx["admin_token"], fx["admin_id"] = login["access_token"], login["user"]["id"]
    admin = fx["admin_token"]

    def user(tag):
        email, pw = f"sqlmap-{tag}@example.org", password()
        _, u, _ = api.call("POST", "/api/v1/auth/register",
                           {"email": email, "password": pw, "display_name": f"Scan {tag}"}, expect=(201,))
        _, t, _ = api.call("POST", "/api/v1/auth/login", {"email": email, "password": pw}, expect=(200,))
        return {"id": u["id"], "email": email, "password": pw, "token": t["access_token"]}

    fx["member"] = user("member")  # POST members adds them; login signs them in
    fx["removable"] = user("removable")  # DELETE members removes them
    fx["victim"] = user("victim")  # logout scans run with this session

    today = datetime.date.today()

    def event(name):
        _, ev, _ = api.call("POST", "/api/v1/events",
                            {"name": name, "sport": "football", "format": "round_robin",
                             "starts_on": today.isoformat()}, token=admin, expect=(201,))
        return ev

    def teams(event_id, names):
        return [api.call("POST", f"/api/v1/events/{event_id}/teams", {"name": n}, token=admin,
                         expect=(201,))[1]["id"] for n in names]

    def set_status(event_id, status):
        api.call("PATCH", f"/api/v1/events/{event_id}", {"status": status}, token=admin, expect=(200,))

    first = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT14:00:00Z")

    # The main event: live, 4 teams, a round-robin schedule (3 rounds of 2 games),
    # 2 teams outside the schedule, members, scores.
    main = event("Scan League Main")
    fx["event"] = main["id"]
    fx["event_slug"] = main["slug"]
    team_ids = teams(main["id"], ["Scan Rovers", "Scan United", "Scan Athletic", "Scan Wanderers"])
    fx["team"] = team_ids[0]
    _, sched, _ = api.call("POST", f"/api/v1/events/{main['id']}/schedule",
                           {"first_game_at": first, "minutes_between_rounds": 60}, token=admin,
                           expect=(201,))
    spare = teams(main["id"], ["Scan Spare", "Scan Leaving"])
    fx["team_patch"], fx["team_delete"] = spare
    set_status(main["id"], "live")
    games = sorted(sched["games"], key=lambda g: (g["round"], g["id"]))
    round1 = [g for g in games if g["round"] == 1]
    with_team = [g for g in round1 if fx["team"] in (g["home_team_id"], g["away_team_id"])]
    without = [g for g in round1 if g not in with_team]
    fx["game_listed"] = with_team[0]["id"]      # stays scheduled: found by the list filters
    fx["game_patch"] = without[0]["id"]         # PATCH /games/{id}
    later = [g for g in games if g["round"] > 1]
    fx["game_score"], fx["game_final"] = later[0]["id"], later[1]["id"]
    fx["home"], fx["away"] = with_team[0]["home_team_id"], with_team[0]["away_team_id"]
    # A final game (corrections) with a history of two changes (history cursor).
    g = fx["game_final"]
    _, cur, _ = api.call("GET", f"/api/v1/games/{g}", token=admin, expect=(200,))
    _, s1, _ = api.call("PUT", f"/api/v1/games/{g}/score",
                        {"home_score": 1, "away_score": 0, "status": "live"}, token=admin,
                        headers={"If-Match": f'"{cur["version"]}"'}, expect=(200,))
    api.call("PUT", f"/api/v1/games/{g}/score", {"home_score": 2, "away_score": 1, "status": "final"},
             token=admin, headers={"If-Match": f'"{s1["version"]}"'}, expect=(200,))
    # A live game (PUT score; its version for If-Match).
    g = fx["game_score"]
    _, cur, _ = api.call("GET", f"/api/v1/games/{g}", token=admin, expect=(200,))
    _, s1, _ = api.call("PUT", f"/api/v1/games/{g}/score",
                        {"home_score": 0, "away_score": 0, "status": "live"}, token=admin,
                        headers={"If-Match": f'"{cur["version"]}"'}, expect=(200,))
    fx["game_score_version"] = s1["version"]
    for name in ("game_patch", "game_final"):
        _, cur, _ = api.call("GET", f"/api/v1/games/{fx[name]}", token=admin, expect=(200,))
        fx[name + "_version"] = cur["version"]
    fx["game_starts_at"] = with_team[0]["starts_at"]
    api.call("POST", f"/api/v1/events/{main['id']}/members",
             {"user_id": fx["removable"]["id"], "role": "viewer"}, token=admin, expect=(201,))
    api.call("POST", f"/api/v1/events/{main['id']}/members",
             {"user_id": fx["victim"]["id"], "role": "viewer"}, token=admin, expect=(201,))

    # A second live event, so that the event list has a next page.
    second = event("Scan League Second")
    set_status(second["id"], "live")
    # Events that PATCH, DELETE and the schedule generator work on.
    fx["event_patch"] = event("Scan League Patched")["id"]
    _, ev, _ = api.call("GET", f"/api/v1/events/{fx['event_patch']}", token=admin, expect=(200,))
    fx["event_patch_version"] = ev["version"]
    fx["event_patch_slug"] = ev["slug"]
    fx["event_delete"] = event("Scan League Deleted")["id"]
    _, ev, _ = api.call("GET", f"/api/v1/events/{fx['event_delete']}", token=admin, expect=(200,))
    fx["event_delete_version"] = ev["version"]
    fx["event_schedule"] = event("Scan League Scheduled")["id"]
    teams(fx["event_schedule"], ["Scan North", "Scan South", "Scan East", "Scan West"])

    fx["today"] = today.isoformat()
    fx["tomorrow"] = (today + datetime.timedelta(days=1)).isoformat()
    fx["in_a_month"] = (today + datetime.timedelta(days=30)).isoformat()

    # A second game of the listed team in round 1, so that the filtered game
    # list has a second page.
    later_start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)).strftime(
        "%Y-%m-%dT14:00:00Z")
    other = next(t for t in team_ids if t not in (fx["home"], fx["away"]))
    api.call("POST", f"/api/v1/events/{main['id']}/games",
             {"home_team_id": fx["team"], "away_team_id": other, "starts_at": later_start, "round": 1},
             token=admin, expect=(201,))

    # The streamed event: public, with a few outbox rows to replay, and written
    # by nothing else, so that its replay is the same all through the scan
    # (the stream scans run beside the others).
    streamed = event("Scan League Streamed")
    fx["event_streamed"] = streamed["id"]
    teams(streamed["id"], ["Scan Streamers", "Scan Listeners"])
    set_status(streamed["id"], "live")
    _, t, _ = api.call("POST", "/api/v1/stream-tickets", {"topics": [f"event:{streamed['id']}"]},
                       token=admin, expect=(200,))
    fx["event_ticket"] = t["ticket"]
    _, t, _ = api.call("POST", "/api/v1/stream-tickets", {"topics": ["admin"]}, token=admin, expect=(200,))
    fx["admin_ticket"] = t["ticket"]

    # Integrity alerts (issue 15): three games of their own event scored 15-0,
    # each an implausible_score alert (critical). The oldest one is moved
    # (PATCH); the other two stay open, so the filtered list has a second page.
    alerts_event = event("Scan League Alerts")
    fx["alerts_event"] = alerts_event["id"]
    sides = teams(alerts_event["id"], [f"Scan Alert {n}" for n in range(6)])
    set_status(alerts_event["id"], "live")
    started = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    for i in range(3):
        _, game, _ = api.call("POST", f"/api/v1/events/{alerts_event['id']}/games",
                              {"home_team_id": sides[2 * i], "away_team_id": sides[2 * i + 1],
                               "starts_at": started, "round": 1}, token=admin, expect=(201,))
        api.call("PUT", f"/api/v1/games/{game['id']}/score",
                 {"home_score": 15, "away_score": 0, "status": "live"}, token=admin,
                 headers={"If-Match": f'"{game["version"]}"'}, expect=(200,))
    _, found, _ = api.call("GET", f"/api/v1/admin/alerts?event_id={alerts_event['id']}&kind=implausible_score",
                           token=admin, expect=(200,))
    if len(found["items"]) != 3:
        fail(f"fixture: expected 3 implausible_score alerts of event {alerts_event['id']}, got {len(found['items'])}")
    fx["alert_listed"], fx["alert_patch"] = found["items"][0]["id"], found["items"][-1]["id"]
    fx["alert_patch_version"] = found["items"][-1]["version"]

    # Cursors: the next_cursor of the first page of one item of each list,
    # with the filters PLAN scans it with.
    for op_id, key in CURSORS.items():
        fx[key] = ""
        spec = PLAN[op_id](fx)
        path = re.sub(r"\{([^}]+)\}", lambda m: str(spec["path"][m.group(1)]), paths[op_id])
        # Without slug too: it narrows the events list to one item, and the
        # keyset cursor does not depend on the filters.
        query = {k: v for k, v in spec.get("query", {}).items() if k not in ("cursor", "slug")}
        query["limit"] = 1
        _, page, _ = api.call("GET", f"{path}?{urllib.parse.urlencode(query)}", token=admin, expect=(200,))
        if not page.get("next_cursor"):
            fail(f"fixture: {path}?{urllib.parse.urlencode(query)} has no second page, so no cursor to scan with")
        fx[key] = page["next_cursor"]
    return fx


# The lists whose cursor PLAN scans, and the fixture key of each cursor.
CURSORS = {"listAudit": "audit_cursor", "listAlerts": "alerts_cursor", "listEvents": "events_cursor", "listMembers": "members_cursor",
           "listTeams": "teams_cursor", "listGames": "games_cursor", "getGameHistory": "history_cursor"}


# ---------------------------------------------------------------------------
# PLAN: for every operation with parameters, the request sqlmap starts from.
# Each entry is a function of the fixtures returning:
#   token   whose access token goes in Authorization (None: anonymous)
#   path    {name: value} for the {name} segments
#   query   {name: value}, in this order
#   header  {name: value}
#   body    the JSON body; every leaf docs/openapi.yaml lists must be in it
#   expect  the statuses the baseline may answer (checked before sqlmap runs)
# Values are chosen so the baseline succeeds where it can (a real row behind
# every id, cursors from real pages), because sqlmap detects an injection by
# comparing the answers to true and false conditions with that baseline. A
# write that cannot succeed twice (a second POST of one name, a second DELETE)
# is compared with what its repetition answers. Refresh, logout and reset
# confirmation get a token that matches nothing: a scan must not end the
# sessions it runs with, and risk 3 adds the OR conditions that would find a
# row behind such a token.

FAKE_TOKEN = "A" * 43  # 256 bits of base64url that no refresh or reset token has


PLAN = {
    # The pool's status page (loopback is in MONITORING_ALLOW): its switches as
    # flags. Every one must be given, and json with openmetrics is refused (400).
    "poolStatus": lambda fx: dict(query={"json": "", "openmetrics": "", "full": ""}, expect=(400,)),
    "register": lambda fx: dict(
        body={"email": "sqlmap-register@example.org", "password": "Sq-Register-Pw-83!",
              "display_name": "Scan Register"}, expect=(201, 409)),
    "login": lambda fx: dict(
        body={"email": fx["member"]["email"], "password": fx["member"]["password"]}, expect=(200,)),
    "refreshTokens": lambda fx: dict(body={"refresh_token": FAKE_TOKEN}, expect=(401,)),
    "logout": lambda fx: dict(token=fx["victim"]["token"], body={"refresh_token": FAKE_TOKEN},
                              expect=(204,)),
    "requestPasswordReset": lambda fx: dict(body={"email": fx["member"]["email"]}, expect=(202, 429)),
    "confirmPasswordReset": lambda fx: dict(
        body={"token": FAKE_TOKEN, "new_password": "Sq-Confirm-Pw-83!"}, expect=(422,)),
    "listAudit": lambda fx: dict(
        token=fx["admin_token"],
        query={"actor_id": fx["admin_id"], "action": "event.created", "from": fx["today"], "to": fx["tomorrow"],
               "limit": 1, "cursor": fx["audit_cursor"]},
        expect=(200,)),
    "listAlerts": lambda fx: dict(
        token=fx["admin_token"],
        query={"status": "open", "kind": "implausible_score", "severity": "critical",
               "event_id": fx["alerts_event"], "from": fx["today"], "to": fx["tomorrow"], "limit": 1,
               "cursor": fx["alerts_cursor"]},
        expect=(200,)),
    "exportAlerts": lambda fx: dict(
        token=fx["admin_token"],
        query={"format": "csv", "status": "open", "kind": "implausible_score", "severity": "critical",
               "event_id": fx["alerts_event"], "from": fx["today"], "to": fx["tomorrow"]},
        expect=(200,)),
    "getAlert": lambda fx: dict(token=fx["admin_token"], path={"id": fx["alert_listed"]}, expect=(200,)),
    # A second move of one version is stale (412) or, once moved, illegal (409).
    "moveAlert": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["alert_patch"]},
        header={"If-Match": f'"{fx["alert_patch_version"]}"'},
        body={"status": "acknowledged", "note": "Scan check of the alert"}, expect=(200, 409, 412)),
    "createStreamTicket": lambda fx: dict(token=fx["admin_token"],
                                          body={"topics": [f"event:{fx['event']}"]}, expect=(200,)),
    "streamEvent": lambda fx: dict(
        path={"id": fx["event_streamed"]}, query={"last_event_id": 1, "ticket": fx["event_ticket"]},
        header={"Last-Event-ID": 1}, expect=(200,)),
    "streamTopics": lambda fx: dict(
        query={"topics": f"event:{fx['event_streamed']}", "last_event_id": 1, "ticket": fx["event_ticket"]},
        header={"Last-Event-ID": 1}, expect=(200,)),
    "streamAdmin": lambda fx: dict(
        query={"last_event_id": 1, "ticket": fx["admin_ticket"]}, header={"Last-Event-ID": 1},
        expect=(200,)),
    "createEvent": lambda fx: dict(
        token=fx["admin_token"],
        body={"name": "Scan Cup", "sport": "football", "format": "single_elimination",
              "starts_on": fx["today"], "ends_on": fx["tomorrow"], "time_zone": "Europe/London", "slug": "scan-cup",
              "points": {"win": 3, "draw": 1, "loss": 0},
              "tiebreakers": ["points", "goal_difference"]},
        expect=(201, 409)),
    "listEvents": lambda fx: dict(
        query={"q": "Scan League", "sport": "football", "status": "live", "from": fx["today"],
               "to": fx["in_a_month"], "slug": fx["event_slug"], "limit": 1,
               "cursor": fx["events_cursor"]},
        expect=(200,)),
    "getEvent": lambda fx: dict(path={"id": fx["event"]}, header={"If-None-Match": '"0"'}, expect=(200,)),
    "updateEvent": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event_patch"]},
        header={"If-Match": f'"{fx["event_patch_version"]}"'},
        body={"name": "Scan League Patched", "sport": "football", "format": "round_robin",
              "status": "draft", "starts_on": fx["today"], "ends_on": fx["in_a_month"], "time_zone": "UTC", "slug": fx["event_patch_slug"],
              "points": {"win": 3, "draw": 1, "loss": 0}, "tiebreakers": ["points", "wins"]},
        expect=(200, 412)),
    "deleteEvent": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event_delete"]},
        header={"If-Match": f'"{fx["event_delete_version"]}"'}, expect=(204,)),
    "putMember": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event"]},
        body={"user_id": fx["member"]["id"], "role": "scorekeeper"}, expect=(200, 201)),
    "listMembers": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event"]}, query={"limit": 1, "cursor": fx["members_cursor"]},
        expect=(200,)),
    "removeMember": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event"], "user_id": fx["removable"]["id"]}, expect=(204,)),
    # A question is a read: it answers (200) or is not understood (422).
    "askAnalytics": lambda fx: dict(
        body={"question": "Who is top of the table?", "event_id": fx["event"]}, expect=(200, 422)),
    "createTeam": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event"]},
        body={"name": "Scan Newcomers", "short_name": "NEW", "seed": 9, "aliases": ["Scan New"]},
        expect=(201, 409)),
    "listTeams": lambda fx: dict(
        path={"id": fx["event"]}, query={"limit": 1, "cursor": fx["teams_cursor"]}, expect=(200,)),
    "updateTeam": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event"], "team_id": fx["team_patch"]},
        body={"name": "Scan Spare", "short_name": "SPA", "seed": 7, "aliases": ["Spares"]}, expect=(200,)),
    "deleteTeam": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event"], "team_id": fx["team_delete"]}, expect=(204,)),
    "createSchedule": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event_schedule"]},
        body={"first_game_at": "2030-05-04T14:00:00Z", "minutes_between_rounds": 90,
              "venues": ["Scan Park"], "replace": True}, expect=(201,)),
    "createGame": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["event"]},
        body={"home_team_id": fx["home"], "away_team_id": fx["away"], "starts_at": "2030-06-01T18:00:00Z",
              "venue": "Scan Park", "round": 4}, expect=(201,)),
    "listGames": lambda fx: dict(
        path={"id": fx["event"]},
        query={"round": 1, "team_id": fx["team"], "status": "scheduled", "from": fx["today"],
               "to": fx["in_a_month"], "limit": 1, "cursor": fx["games_cursor"]},
        expect=(200,)),
    "getGame": lambda fx: dict(path={"id": fx["game_listed"]}, header={"If-None-Match": '"0"'},
                               expect=(200,)),
    "updateGame": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["game_patch"]},
        header={"If-Match": f'"{fx["game_patch_version"]}"'},
        body={"starts_at": fx["game_starts_at"], "venue": "Scan Park", "status": "postponed"},
        expect=(200,)),
    "putScore": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["game_score"]},
        header={"If-Match": f'"{fx["game_score_version"]}"'},
        body={"home_score": 1, "away_score": 0, "status": "live"}, expect=(200,)),
    "correctScore": lambda fx: dict(
        token=fx["admin_token"], path={"id": fx["game_final"]},
        header={"If-Match": f'"{fx["game_final_version"]}"'},
        body={"home_score": 2, "away_score": 1, "reason": "Scan check of the result"}, expect=(200,)),
    "getGameHistory": lambda fx: dict(
        path={"id": fx["game_final"]}, query={"limit": 1, "cursor": fx["history_cursor"]}, expect=(200,)),
    "getStandings": lambda fx: dict(path={"id": fx["event"]}, query={"live": "true"},
                                    header={"If-None-Match": '"0"'}, expect=(200,)),
    "exportEvent": lambda fx: dict(path={"id": fx["event"]}, query={"format": "json"}, expect=(200,)),
}


# ---------------------------------------------------------------------------
# Requests with markers


def leaf_get(body, name):
    node = body
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", name):
        if part.startswith("["):
            idx = int(part[1:-1])
            if not isinstance(node, list) or idx >= len(node):
                return False, None
            node = node[idx]
        else:
            if not isinstance(node, dict) or part not in node:
                return False, None
            node = node[part]
    return True, node


def json_marked(value, marked, prefix, order):
    """value as JSON text with a `*` after every leaf whose path is in marked;
    order gets the marked leaves in the order of their markers."""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            parts.append(json.dumps(k) + ":" + json_marked(v, marked, f"{prefix}.{k}" if prefix else k, order))
        return "{" + ",".join(parts) + "}"
    if isinstance(value, list):
        return "[" + ",".join(json_marked(v, marked, f"{prefix}[{i}]", order) for i, v in enumerate(value)) + "]"
    text = json.dumps(value)
    if prefix in marked:
        order.append(prefix)
        return text[:-1] + '*"' if text.startswith('"') else text + "*"
    return text


class Request:
    """A request as PLAN gives it, and its twins with markers for sqlmap."""

    def __init__(self, op, spec):
        self.op = op
        self.token = spec.get("token")
        self.path_values = {k: str(v) for k, v in spec.get("path", {}).items()}
        self.query = {k: str(v) for k, v in spec.get("query", {}).items()}
        self.headers = {k: str(v) for k, v in spec.get("header", {}).items()}
        self.body = spec.get("body")
        self.expect = spec["expect"]
        self.missing = []
        for p in op.params:
            if p.where == "path" and p.name not in self.path_values:
                self.missing.append(p.label())
            elif p.where == "query" and p.name not in self.query:
                self.missing.append(p.label())
            elif p.where == "header" and p.name not in self.headers:
                self.missing.append(p.label())
            elif p.where == "body" and (self.body is None or not leaf_get(self.body, p.name)[0]):
                self.missing.append(p.label())
        for value in list(self.path_values.values()) + list(self.query.values()) + list(self.headers.values()):
            if "*" in value:
                fail(f"{op.op_id}: a value holds '*', sqlmap's marker: {value!r}")

    def target(self, marked):
        """(path?query, marked labels in marker order) with a `*` after each
        marked value."""
        order = []

        def seg(m):
            name = m.group(1)
            value = urllib.parse.quote(self.path_values[name], safe="")
            if f"path:{name}" in marked:
                order.append(f"path:{name}")
                return value + "*"
            return value

        path = re.sub(r"\{([^}]+)\}", seg, self.op.path)
        pairs = []
        for k, v in self.query.items():
            text = f"{urllib.parse.quote(k)}={urllib.parse.quote(v, safe=':')}"
            if f"query:{k}" in marked:
                order.append(f"query:{k}")
                text += "*"
            pairs.append(text)
        return path + ("?" + "&".join(pairs) if pairs else ""), order

    def header_lines(self, marked, omit):
        """The PLAN's headers but those in omit, a `*` on the marked ones."""
        out = {}
        for k, v in self.headers.items():
            if k in omit:
                continue
            if f"header:{k}" in marked:
                v = v[:-1] + '*"' if v.endswith('"') else v + "*"
            out[k] = v
        if self.token:
            out["Authorization"] = "Bearer " + self.token
        return out

    def sqlmap_input(self, host, marked, omit):
        """The request file for sqlmap -r, its extra -H headers, and the name
        sqlmap gives each marked label: URI markers are #1*, #2* … in URL
        order, JSON body markers JSON #1* … in text order, a header marker
        NAME #1*. Headers go on the command line: sqlmap drops If-None-Match
        from a request file."""
        target, uri_order = self.target(marked)
        lines = [f"{self.op.method} {target} HTTP/1.1", f"Host: {host}", "Accept: application/json",
                 "User-Agent: sqlmap (scoreline make test-security)"]
        body_order, body = [], ""
        if self.body is not None:
            body = json_marked(self.body, {m[5:] for m in marked if m.startswith("body:")}, "", body_order)
            lines.append("Content-Type: application/json")
        headers = self.header_lines(marked, omit)
        names = {label: f"#{i + 1}*" for i, label in enumerate(uri_order)}
        names.update({"body:" + b: f"JSON #{i + 1}*" for i, b in enumerate(body_order)})
        names.update({f"header:{k}": f"{k} #1*" for k in headers if f"header:{k}" in marked})
        return "\r\n".join(lines) + "\r\n\r\n" + body, [f"{k}: {v}" for k, v in headers.items()], names


# ---------------------------------------------------------------------------
# The stream relay


class Relay(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, api):
        super().__init__(("127.0.0.1", port), RelayHandler)
        self.api = api


class RelayHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    QUIET_S, MAX_S, MAX_BYTES = 0.2, 4.0, 1 << 20

    def log_message(self, *args):
        pass

    def relay(self):
        api = self.server.api
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else None
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() not in ("host", "connection", "content-length", "accept-encoding")}
        conn = http.client.HTTPSConnection(api.host, api.port, context=api.ctx, timeout=30)
        try:
            conn.request(self.command, self.path, body=data, headers=hdrs)
            resp = conn.getresponse()
            if (resp.headers.get("Content-Type") or "").startswith("text/event-stream"):
                body = self.read_stream(conn, resp)
            else:
                body = resp.read()
            status, reason, rh = resp.status, resp.reason, resp.headers
        except OSError as e:
            status, reason, rh, body = 502, "Bad Gateway", {}, f"relay: {e}".encode()
        finally:
            conn.close()
        self.send_response(status, reason)
        for k, v in rh.items():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def read_stream(self, conn, resp):
        """What the stream sends until it is quiet for QUIET_S (the replay is
        over; the next heartbeat is seconds away), at most MAX_S or MAX_BYTES."""
        conn.sock.settimeout(self.QUIET_S)
        out = b""
        deadline = time.monotonic() + self.MAX_S
        while time.monotonic() < deadline and len(out) < self.MAX_BYTES:
            try:
                chunk = resp.read1(65536)
            except (socket.timeout, TimeoutError):
                break
            if not chunk:
                break
            out += chunk
        return out

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = relay


# ---------------------------------------------------------------------------
# sqlmap


# A verdict line of sqlmap: "[WARNING] <place> parameter 'NAME' does not seem
# to be injectable".
NOT_INJECTABLE_RE = re.compile(r"parameter '(.+?)' does not seem to be injectable")
# The summary sqlmap prints for what it found: "Parameter: NAME (PLACE)".
FOUND_RE = re.compile(r"^Parameter: (.+) \((.+)\)\s*$", re.M)


def probe(api, relay_port, req, omit=()):
    """The status of the request as PLAN gives it, without the headers in omit
    (through the relay for streams)."""
    target, _ = req.target(set())
    headers = req.header_lines(set(), omit)
    if req.op.stream:
        conn = http.client.HTTPConnection("127.0.0.1", relay_port, timeout=30)
        try:
            conn.request(req.op.method, target, headers=headers)
            resp = conn.getresponse()
            resp.read()
            return resp.status
        finally:
            conn.close()
    status, _, _ = api.call(req.op.method, target, body=req.body, headers=headers)
    return status


def run_sqlmap(req, marked, omit, tag, host, https, code, args):
    """One sqlmap over the parameters in marked, without the headers in omit;
    {label: verdict} and seconds. A JSON body without markers is sent as it is.
    code: the status sqlmap compares writes by (None for reads)."""
    text, headers, names = req.sqlmap_input(host, marked, omit)
    folder = os.path.join(args.out_dir, f"{req.op.op_id}{tag}")
    os.makedirs(folder, exist_ok=True)
    req_file = os.path.join(folder, "request.txt")
    with open(req_file, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    body_marked = any(label.startswith("body:") for label in names)
    answers = ["keep testing=Y", "custom injection marker=Y", "JSON data found=" + ("Y" if body_marked else "N")]
    cmd = ["sqlmap", "-r", req_file, "--batch", "--ignore-stdin", "--flush-session", "--output-dir", folder,
           "--dbms=PostgreSQL", f"--level={args.level}", f"--risk={args.risk}",
           f"--technique={args.technique}", "--time-sec=2", "--timeout=15", "--retries=1",
           "--disable-coloring", "--answers=" + ",".join(answers),
           # The baseline of some routes is one of these; sqlmap would stop at a
           # 401 and warn about the others.
           "--ignore-code=401,403,404,409,412,422,428,429"]
    if code is not None:
        cmd.append(f"--code={code}")
    for h in headers:
        cmd += ["-H", h]
    if https:
        cmd.append("--force-ssl")
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              stdin=subprocess.DEVNULL, timeout=args.op_timeout,
                              env={**os.environ, "TERM": "dumb"})
        out = proc.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode(errors="replace")
        out += f"\nsqlmap_scan.py: sqlmap stopped after {args.op_timeout}s\n"
    with open(os.path.join(args.out_dir, f"{req.op.op_id}{tag}.log"), "w", encoding="utf-8") as lf:
        lf.write(out)
    not_injectable = set(NOT_INJECTABLE_RE.findall(out))
    found = {m.group(1) for m in FOUND_RE.finditer(out)}
    verdicts = {}
    for label, name in names.items():
        if name in found:
            verdicts[label] = "INJECTABLE"
        elif name in not_injectable:
            verdicts[label] = "ok"
        else:
            verdicts[label] = "NOT TESTED"
    return verdicts, time.monotonic() - started


def plan_runs(req):
    """The sqlmap runs of an operation: (labels to mark, headers to leave out, tag).
    sqlmap names the markers of the URI and of a JSON body alike ("JSON #1*")
    when both are in one request, so the body and the URI get a run each. An
    optional If-Match (PATCH, corrections) is left out of the body's run, so
    that every request of it applies (a version goes stale after the first)
    and the body reaches the database; If-Match gets a run of its own."""
    labels = {p.label() for p in req.op.params}
    body = {x for x in labels if x.startswith("body:")}
    headers = {x for x in labels if x.startswith("header:")}
    uri = labels - body - headers
    if not body:
        return [(labels, set(), "")]
    runs = []
    if any(p.where == "header" and p.name == "If-Match" and not p.required for p in req.op.params):
        runs.append((body | (headers - {"header:If-Match"}), {"If-Match"}, "-body"))
        runs.append(({"header:If-Match"}, set(), "-if-match"))
    else:
        runs.append((body | headers, set(), "-body"))
    if uri:
        runs.append((uri, set(), "-uri"))
    return runs


def scan_operation(api, req, host, https, args):
    """Every parameter of the operation through sqlmap: {label: verdict}, seconds."""
    verdicts, took = {}, 0.0
    for marked, omit, tag in plan_runs(req):
        code = None
        if req.op.method != "GET":
            # A write answers with a new id, version or timestamp every time,
            # so its bodies never compare equal and sqlmap's page comparison
            # reports that noise as an injection; writes are compared by status
            # code, the one a repeated request gets (a second POST of one name
            # is a 409, a second DELETE a 404). A condition that finds no row
            # changes the status (404, 409, 412). Reads compare whole bodies: a
            # filter that matches nothing is an empty page with the same 200.
            probe(api, args.relay_port, req, omit)
            code = probe(api, args.relay_port, req, omit)
        v, t = run_sqlmap(req, marked, omit, tag, host, https, code, args)
        verdicts.update(v)
        took += t
    return verdicts, took


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.tested, self.injectable, self.untested, self.bad_baseline = 0, [], [], []


def scan_queue(requests, api, args, results):
    """Scans the operations one after the other; adds to results."""
    for req in requests:
        status = probe(api, args.relay_port, req)
        if status not in req.expect:
            with results.lock:
                results.bad_baseline.append(f"{req.op.op_id}: baseline answered {status}, "
                                            f"expected one of {req.expect}")
            continue
        if req.op.stream:
            host, https = f"127.0.0.1:{args.relay_port}", False
        else:
            host, https = f"{api.host}:{api.port}", True
        verdicts, took = scan_operation(api, req, host, https, args)
        bad = {k: v for k, v in verdicts.items() if v != "ok"}
        state = "ok" if not bad else ", ".join(f"{k}: {v}" for k, v in sorted(bad.items()))
        with results.lock:
            results.tested += sum(1 for v in verdicts.values() if v != "NOT TESTED")
            results.injectable += [f"{req.op.op_id} {k}" for k, v in bad.items() if v == "INJECTABLE"]
            results.untested += [f"{req.op.op_id} {k}" for k, v in bad.items() if v == "NOT TESTED"]
            print(f"sqlmap: {req.op.method:6} {req.op.path:40} baseline {status}  {len(verdicts):2} "
                  f"parameters {took:5.1f}s  {state}", flush=True)


class AnyFixture(dict):
    """Stands in for the fixtures when only the plan is checked: every key
    holds another AnyFixture, which prints as 1."""

    def __missing__(self, key):
        return AnyFixture()

    def __str__(self):
        return "1"

    __repr__ = __str__

    def __format__(self, spec):
        return "1"


def build_requests(ops, fx):
    """A Request per operation; stops when PLAN misses an operation or a
    parameter of docs/openapi.yaml, or names an operation it does not have."""
    known = {op.op_id for op in ops}
    problems = [f"no PLAN entry for {op.method} {op.path} ({op.op_id})" for op in ops if op.op_id not in PLAN]
    problems += [f"PLAN entry {op_id} is not an operation with parameters in docs/openapi.yaml"
                 for op_id in sorted(set(PLAN) - known)]
    requests = []
    for op in ops:
        if op.op_id in PLAN:
            req = Request(op, PLAN[op.op_id](fx))
            if req.missing:
                problems.append(f"{op.method} {op.path} ({op.op_id}): PLAN has no value for "
                                + ", ".join(req.missing))
            requests.append(req)
    if problems:
        for line in problems:
            print(f"sqlmap: {line} (tests/security/sqlmap_scan.py)", file=sys.stderr)
        sys.exit(1)
    return requests


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--openapi", required=True)
    p.add_argument("--check-plan", action="store_true",
                   help="only check that PLAN covers every parameter of the spec; no stack needed")
    p.add_argument("--base-url")
    p.add_argument("--cacert")
    p.add_argument("--admin-email")
    p.add_argument("--admin-password-file")
    p.add_argument("--out-dir")
    p.add_argument("--relay-port", type=int)
    p.add_argument("--level", type=int, default=1)
    p.add_argument("--risk", type=int, default=3)
    p.add_argument("--technique", default="BEST")
    p.add_argument("--only", default="")
    p.add_argument("--op-timeout", type=int, default=300, help="seconds one sqlmap run may take")
    args = p.parse_args()

    ops = [op for op in load_operations(args.openapi) if op.params]
    if args.check_plan:
        build_requests(ops, AnyFixture())
        print(f"sqlmap: the plan covers {sum(len(op.params) for op in ops)} parameters of "
              f"{len(ops)} operations in {args.openapi}")
        return
    for name in ("base_url", "cacert", "admin_email", "admin_password_file", "out_dir", "relay_port"):
        if getattr(args, name) is None:
            p.error(f"--{name.replace('_', '-')} is required")
    build_requests(ops, AnyFixture())  # before the fixtures: a gap fails in a second
    only = set(args.only.split(",")) if args.only else {op.op_id for op in ops}
    if only - {op.op_id for op in ops}:
        fail(f"--only: unknown operationIds {sorted(only - {op.op_id for op in ops})}")

    with open(args.admin_password_file, encoding="utf-8") as f:
        admin_password = f.read().strip()
    api = Api(args.base_url, args.cacert)
    print(f"sqlmap: making the fixtures through {args.base_url}", flush=True)
    # The fixtures and the plan's check need every operation (the fixtures
    # read a cursor of each list); --only narrows what is scanned.
    fx = make_fixtures(api, args.admin_email, admin_password, {op.op_id: op.path for op in ops})
    requests = [r for r in build_requests(ops, fx) if r.op.op_id in only]

    relay = Relay(args.relay_port, api)
    threading.Thread(target=relay.serve_forever, daemon=True).start()

    # Two queues side by side: the stream routes (mostly waiting on the relay;
    # their event is written by nothing else) and all others, in this order:
    # reads, then writes, deletions last (a write scan changes what a read
    # compares, a deletion what a write finds).
    rank = {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}
    requests.sort(key=lambda r: rank[r.op.method])
    results = Results()
    started = time.monotonic()
    streams = threading.Thread(target=scan_queue,
                               args=([r for r in requests if r.op.stream], api, args, results))
    streams.start()
    scan_queue([r for r in requests if not r.op.stream], api, args, results)
    streams.join()
    relay.shutdown()
    tested, injectable, untested, bad_baseline = (results.tested, results.injectable, results.untested,
                                                  results.bad_baseline)

    print(f"sqlmap: level {args.level}, risk {args.risk}, {len(requests)} routes in "
          f"{time.monotonic() - started:.0f}s; output in {args.out_dir}")
    for line in bad_baseline:
        print(f"sqlmap: NOT SCANNED {line}")
    for line in untested:
        print(f"sqlmap: NO VERDICT {line} (see its log in {args.out_dir})")
    for line in injectable:
        print(f"sqlmap: INJECTABLE {line}")
    print(f"sqlmap: {tested} parameters tested, {len(injectable)} injectable")
    sys.exit(1 if injectable or untested or bad_baseline else 0)


if __name__ == "__main__":
    main()
