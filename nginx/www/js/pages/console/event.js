// /console/events/{slug}: an event's console. Organizers and admins edit the
// event (format, points, tiebreakers, status), its teams, schedule and
// members; every member sees the games with their "Enter score" links and the
// export links.
import {h, clear, showProblem} from "../../dom.js";
import {api} from "../../api.js";
import * as auth from "../../auth.js";
import {field, selectField, onSubmit, say, value, intValue, requireUser, when, scoreText, problemOf, put} from "./ui.js";
import {eventFields, eventBody, EVENT_ALIASES} from "./event-form.js";
import {eventBySlug} from "../fan/data.js";

const STATUSES = ["draft", "scheduled", "live", "completed", "archived"];
const ROLES = ["organizer", "scorekeeper", "viewer"];
const MAX_PAGES = 10; // lists are read 200 at a time, at most 2,000 rows

// Every item of a paged list, at most MAX_PAGES pages.
async function all(path) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const res = await api("GET", path, {query: {limit: 200, cursor}});
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
    if (!cursor) {
      break;
    }
  }
  return items;
}

// The fields of body that differ from ev (a PATCH sends only those, so that an
// unchanged format is not refused once the event has games).
function changed(ev, body) {
  const out = {};
  for (const [key, v] of Object.entries(body)) {
    if (JSON.stringify(v) !== JSON.stringify(ev[key] === undefined ? null : ev[key])) {
      out[key] = v;
    }
  }
  return out;
}

// Downloads an export with the caller's token (a draft's export needs it;
// a plain link cannot carry an Authorization header).
async function download(href, fallbackName) {
  const token = await auth.accessToken();
  const res = await fetch(href, {headers: token ? {Authorization: `Bearer ${token}`} : {}, cache: "no-store"});
  if (!res.ok) {
    throw new Error(`Export failed (HTTP ${res.status})`);
  }
  const disposition = res.headers.get("Content-Disposition") || "";
  const m = /filename="([^"]+)"/.exec(disposition);
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", {href: url, download: m ? m[1] : fallbackName, class: "visually-hidden"}, "download");
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function exportLinks(ev) {
  const box = h("p", {class: "exports"});
  for (const [fmt, text] of [
    ["csv", "Export CSV"],
    ["json", "Export JSON"],
  ]) {
    const href = `/api/v1/events/${ev.id}/export?format=${fmt}`;
    const a = h(
      "a",
      {
        href,
        class: "button",
        on: {
          click: (e) => {
            e.preventDefault();
            download(href, `${ev.slug}-games.${fmt}`).catch((err) => {
              box.append(h("span", {role: "alert", class: "error-text"}, ` ${err.message}`));
            });
          },
        },
      },
      text,
    );
    box.append(a, " ");
  }
  return box;
}

function eventSection(ev, canManage, reload) {
  if (!canManage) {
    return h(
      "section",
      {"aria-labelledby": "s-event"},
      h("h2", {id: "s-event"}, "Event"),
      h(
        "dl",
        {class: "facts"},
        h("dt", null, "Status"),
        h("dd", null, ev.status),
        h("dt", null, "Format"),
        h("dd", null, ev.format),
        h("dt", null, "Dates"),
        h("dd", null, `${ev.starts_on}${ev.ends_on ? ` to ${ev.ends_on}` : ""}`),
      ),
    );
  }
  const statuses = STATUSES.slice(Math.max(0, STATUSES.indexOf(ev.status)));
  const form = h(
    "form",
    {class: "stack", novalidate: true},
    eventFields(ev),
    selectField("Status", "status", statuses, ev.status, {hint: "Moves forward only: draft, scheduled, live, completed, archived."}),
    h("button", {type: "submit", class: "primary"}, "Save event"),
  );
  onSubmit(
    form,
    async () => {
      const body = changed(ev, {...eventBody(form), status: value(form, "status")});
      if (Object.keys(body).length === 0) {
        say(form, "Nothing changed.");
        return;
      }
      try {
        await api("PATCH", `/api/v1/events/${ev.id}`, {body, ifMatch: `"${ev.version}"`});
      } catch (err) {
        if (err.status === 412) {
          await reload("Someone else changed this event meanwhile; the form shows the current version. Make your change again.");
          return;
        }
        throw err;
      }
      await reload("Event saved.");
    },
    EVENT_ALIASES,
  );
  return h("section", {"aria-labelledby": "s-event"}, h("h2", {id: "s-event"}, "Event"), form);
}

function teamRow(ev, team, canManage, reload) {
  const row = h("tr", null);
  const show = () => {
    row.replaceChildren();
    put(
      row,
      h("td", null, team.name),
      h("td", null, team.short_name || ""),
      h("td", null, team.seed === null || team.seed === undefined ? "" : String(team.seed)),
      canManage
        ? h(
            "td",
            {class: "actions"},
            h("button", {type: "button", "aria-label": `Edit ${team.name}`, on: {click: edit}}, "Edit"),
            " ",
            h("button", {type: "button", class: "danger", "aria-label": `Remove ${team.name}`, on: {click: remove}}, "Remove"),
          )
        : null,
    );
  };
  const remove = async () => {
    if (!window.confirm(`Remove ${team.name} from the event?`)) {
      return;
    }
    try {
      await api("DELETE", `/api/v1/events/${ev.id}/teams/${team.id}`);
      await reload(`${team.name} removed.`);
    } catch (err) {
      row.lastChild.append(h("span", {role: "alert", class: "error-text"}, ` ${problemOf(err).detail || err.message}`));
    }
  };
  function edit() {
    const form = h(
      "form",
      {class: "inline-form", novalidate: true},
      field(`New name for ${team.name}`, {name: "name", value: team.name, maxlength: "100"}),
      field(`Short name for ${team.name}`, {name: "short_name", value: team.short_name || "", maxlength: "16"}),
      field(`Seed of ${team.name}`, {name: "seed", type: "number", min: "1", value: team.seed ? String(team.seed) : ""}),
      h("button", {type: "submit", class: "primary"}, "Save team"),
      " ",
      h("button", {type: "button", on: {click: show}}, "Cancel"),
    );
    onSubmit(form, async () => {
      const body = {name: value(form, "name")};
      if (value(form, "short_name")) {
        body.short_name = value(form, "short_name");
      }
      if (value(form, "seed")) {
        body.seed = intValue(form, "seed");
      }
      await api("PATCH", `/api/v1/events/${ev.id}/teams/${team.id}`, {body});
      await reload(`${body.name} saved.`);
    });
    row.replaceChildren(h("td", {colspan: canManage ? "4" : "3"}, form));
    form.querySelector("input").focus();
  }
  show();
  return row;
}

function teamsSection(ev, teams, canManage, reload) {
  const table = h(
    "table",
    null,
    h("caption", null, "Teams"),
    h("thead", null, h("tr", null, h("th", {scope: "col"}, "Name"), h("th", {scope: "col"}, "Short name"), h("th", {scope: "col"}, "Seed"),
      canManage ? h("th", {scope: "col"}, h("span", {class: "visually-hidden"}, "Actions")) : null)),
    h("tbody", null, teams.map((t) => teamRow(ev, t, canManage, reload))),
  );
  let add = null;
  if (canManage) {
    add = h(
      "form",
      {class: "inline-form", novalidate: true, "data-form": "add-team"},
      field("Team name", {name: "name", required: true, maxlength: "100"}),
      field("Short name", {name: "short_name", maxlength: "16"}),
      field("Seed", {name: "seed", type: "number", min: "1", inputmode: "numeric"}, {hint: "Optional; 1 is the strongest (knockouts)."}),
      h("button", {type: "submit", class: "primary"}, "Add team"),
    );
    onSubmit(add, async () => {
      const body = {name: value(add, "name")};
      if (value(add, "short_name")) {
        body.short_name = value(add, "short_name");
      }
      if (value(add, "seed")) {
        body.seed = intValue(add, "seed");
      }
      await api("POST", `/api/v1/events/${ev.id}/teams`, {body});
      await reload(`${body.name} added.`, '[data-form="add-team"] [name="name"]');
    });
  }
  return h(
    "section",
    {"aria-labelledby": "s-teams"},
    h("h2", {id: "s-teams"}, `Teams (${teams.length})`),
    teams.length ? h("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Teams, scrollable"}, table) : h("p", null, "No teams yet."),
    add,
  );
}

function scheduleForm(ev, games, reload) {
  const form = h(
    "form",
    {class: "stack", novalidate: true},
    field("First game at", {name: "first_game_at", type: "datetime-local", required: true}, {
      hint: "In your own time zone; stored in UTC and shown in the event's time zone.",
    }),
    field("Minutes between rounds", {name: "minutes_between_rounds", type: "number", min: "1", inputmode: "numeric", value: "1440"}),
    field("Venues", {name: "venues", autocomplete: "off"}, {hint: "Optional, separated by commas; games are spread over them."}),
    games.length
      ? h("div", {class: "check"}, h("input", {type: "checkbox", name: "replace", id: "replace-schedule"}),
          h("label", {for: "replace-schedule"}, "Replace the current schedule (only while no game was played)"))
      : null,
    h("button", {type: "submit", class: "primary"}, "Generate schedule"),
  );
  onSubmit(
    form,
    async () => {
      const local = value(form, "first_game_at");
      const at = local ? new Date(local) : null;
      const body = {first_game_at: at && !Number.isNaN(at.getTime()) ? at.toISOString() : local};
      if (value(form, "minutes_between_rounds")) {
        body.minutes_between_rounds = intValue(form, "minutes_between_rounds");
      }
      const venues = value(form, "venues")
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
      if (venues.length) {
        body.venues = venues;
      }
      const replace = form.elements.namedItem("replace");
      if (replace && replace.checked) {
        body.replace = true;
      }
      const res = await api("POST", `/api/v1/events/${ev.id}/schedule`, {body});
      const n = res.body && Array.isArray(res.body.games) ? res.body.games.length : "the";
      await reload(`Schedule generated: ${n} games.`);
    },
    {first_game_at: "first_game_at"},
  );
  return form;
}

function gamesSection(ev, games, canManage, reload) {
  const rounds = new Map();
  for (const g of games) {
    if (!rounds.has(g.round)) {
      rounds.set(g.round, []);
    }
    rounds.get(g.round).push(g);
  }
  const tables = [...rounds.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([round, list]) =>
      h(
        "div",
        {class: "table-wrap"},
        h(
          "table",
          {class: "games"},
          h("caption", null, `Round ${round}`),
          h("thead", null, h("tr", null, ["Starts", "Home", "Score", "Away", "Status", ""].map((c) => h("th", {scope: "col"}, c || h("span", {class: "visually-hidden"}, "Score entry"))))),
          h(
            "tbody",
            null,
            list.map((g) =>
              h(
                "tr",
                {"data-game-id": String(g.id)},
                h("td", null, when(g.starts_at, g.time_zone)),
                h("td", null, g.home_team_name || "to be decided"),
                h("td", {class: "score"}, scoreText(g.home_score, g.away_score)),
                h("td", null, g.away_team_name || "to be decided"),
                h("td", {class: "status"}, g.status),
                h("td", null, h("a", {href: `/console/games/${g.id}`}, "Enter score")),
              ),
            ),
          ),
        ),
      ),
    );
  return h(
    "section",
    {"aria-labelledby": "s-games"},
    h("h2", {id: "s-games"}, `Schedule (${games.length} games)`),
    canManage ? scheduleForm(ev, games, reload) : null,
    games.length ? tables : h("p", null, "No games yet."),
  );
}

function membersSection(ev, members, canManage, reload) {
  const rows = members.map((m) =>
    h(
      "tr",
      null,
      h("td", null, String(m.user_id)),
      h("td", null, m.display_name),
      h("td", null, m.role),
      canManage
        ? h(
            "td",
            {class: "actions"},
            h(
              "button",
              {
                type: "button",
                class: "danger",
                "aria-label": `Remove ${m.display_name}`,
                on: {
                  click: async (e) => {
                    const cell = e.currentTarget.parentElement;
                    if (!window.confirm(`Take ${m.display_name}'s role in this event away?`)) {
                      return;
                    }
                    try {
                      await api("DELETE", `/api/v1/events/${ev.id}/members/${m.user_id}`);
                      await reload(`${m.display_name} removed.`);
                    } catch (err) {
                      cell.append(h("span", {role: "alert", class: "error-text"}, ` ${problemOf(err).detail || err.message}`));
                    }
                  },
                },
              },
              "Remove",
            ),
          )
        : null,
    ),
  );
  let add = null;
  if (canManage) {
    add = h(
      "form",
      {class: "inline-form", novalidate: true, "data-form": "add-member"},
      field("User id", {name: "user_id", type: "number", min: "1", inputmode: "numeric", required: true}, {
        hint: "The number on the person's account page. Adding a member again changes their role.",
      }),
      selectField("Role", "role", ROLES, "scorekeeper"),
      h("button", {type: "submit", class: "primary"}, "Add member"),
    );
    onSubmit(add, async () => {
      const res = await api("POST", `/api/v1/events/${ev.id}/members`, {body: {user_id: intValue(add, "user_id"), role: value(add, "role")}});
      await reload(`${res.body.display_name} is ${res.body.role} now.`, '[data-form="add-member"] [name="user_id"]');
    });
  }
  return h(
    "section",
    {"aria-labelledby": "s-members"},
    h("h2", {id: "s-members"}, "Members and roles"),
    members.length
      ? h(
          "div",
          {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Members, scrollable"},
          h(
            "table",
            null,
            h("caption", null, "Members"),
            h("thead", null, h("tr", null, h("th", {scope: "col"}, "User id"), h("th", {scope: "col"}, "Name"), h("th", {scope: "col"}, "Role"),
              canManage ? h("th", {scope: "col"}, h("span", {class: "visually-hidden"}, "Actions")) : null)),
            h("tbody", null, rows),
          ),
        )
      : h("p", null, "Only admins see this event's members."),
    add,
  );
}

export async function eventConsole({params, main}) {
  const user = await requireUser(main, "Event console");
  if (!user) {
    return;
  }
  const status = h("p", {class: "form-ok", role: "status"});
  const body = h("div", null);
  const title = h("h1", {tabindex: "-1"}, "Event console");
  main.append(title, status, body);

  // Loads everything again and redraws; message goes to the status line,
  // focusSelector names the input that gets the focus back after the redraw.
  async function reload(message, focusSelector) {
    const ev = /^\d+$/.test(params.slug) ? (await api("GET", `/api/v1/events/${params.slug}`)).body : await eventBySlug(params.slug);
    let members = [];
    let myRole = null;
    try {
      members = await all(`/api/v1/events/${ev.id}/members`);
      const mine = members.find((m) => m.user_id === user.id);
      myRole = mine ? mine.role : null;
    } catch (err) {
      if (err.status !== 403) {
        throw err;
      }
    }
    const [teams, games] = await Promise.all([all(`/api/v1/events/${ev.id}/teams`), all(`/api/v1/events/${ev.id}/games`)]);
    const canManage = user.role === "admin" || myRole === "organizer";
    title.textContent = `Console: ${ev.name}`;
    document.title = `${title.textContent} · Scoreline`;
    status.textContent = message || "";
    clear(body);
    put(
      body,
      h(
        "p",
        null,
        h("a", {href: `/events/${encodeURIComponent(ev.slug)}`}, "Public page"),
        " · ",
        h("span", {class: `badge status-${ev.status}`}, ev.status),
        myRole ? ` · your role: ${myRole}` : user.role === "admin" ? " · you are an admin" : "",
      ),
      canManage ? null : h("p", {class: "note"}, "Only the event's organizers and admins can change it. Scorekeepers enter scores from the games below."),
      eventSection(ev, canManage, reload),
      teamsSection(ev, teams, canManage, reload),
      gamesSection(ev, games, canManage, reload),
      membersSection(ev, members, canManage, reload),
      h("section", {"aria-labelledby": "s-export"}, h("h2", {id: "s-export"}, "Export"), exportLinks(ev)),
    );
    if (focusSelector) {
      const el = body.querySelector(focusSelector);
      if (el) {
        el.focus();
      }
    }
  }
  try {
    await reload("");
  } catch (err) {
    if (err.status === 404) {
      title.textContent = "Event not found";
      body.append(h("p", null, "No event has this address, or it is a draft you are not a member of. ", h("a", {href: "/console"}, "Back to the console")));
      return;
    }
    const box = h("form", null);
    body.append(box);
    showProblem(box, problemOf(err));
  }
}
