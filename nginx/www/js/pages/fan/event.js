// "/events/{slug}": the event page. Sections: Standings (official or live
// table, legend, tiebreakers), Games (by round or by date), Bracket (knockout),
// Ask (question box). An EventSource keeps scores and the table current.
import {add, clear, h, problemBox} from "../../dom.js";
import {dayKey, formatLabel, longDate, scoreText, shortDate, statusLabel, teamName, tiebreakerLabel} from "../../format.js";
import {openStream} from "../../live.js";
import {askBox} from "./ask.js";
import {bracketView, roundName} from "./bracket.js";
import {allGames, eventBySlug, isKnockout, standings} from "./data.js";
import {gameRow, updateGameElements} from "./games.js";

const COLUMNS = [
  ["rank", "Pos", "Position"],
  ["team_name", "Team", "Team"],
  ["played", "P", "Played"],
  ["won", "W", "Won"],
  ["drawn", "D", "Drawn"],
  ["lost", "L", "Lost"],
  ["goals_for", "GF", "Goals for (scored)"],
  ["goals_against", "GA", "Goals against (conceded)"],
  ["goal_difference", "GD", "Goal difference (GF − GA)"],
  ["points", "Pts", "Points"],
];

// A group of buttons of which one is pressed (aria-pressed); onSelect(value).
export function toggleGroup(label, options, selected, onSelect) {
  const buttons = options.map(([value, text]) =>
    h(
      "button",
      {
        type: "button",
        "aria-pressed": value === selected ? "true" : "false",
        "data-value": value,
        on: {
          click: () => {
            for (const b of buttons) {
              b.setAttribute("aria-pressed", b === buttonFor(value) ? "true" : "false");
            }
            onSelect(value);
          },
        },
      },
      text,
    ),
  );
  const buttonFor = (value) => buttons.find((b) => b.dataset.value === value);
  return h("div", {class: "toggle-group", role: "group", "aria-label": label}, buttons);
}

function standingsTable(data, slug, live) {
  const signed = (n) => (n > 0 ? `+${n}` : String(n));
  return h(
    "div",
    {class: "table-wrap", tabindex: "0", role: "region", "aria-label": live ? "Live standings, scrollable" : "Standings, scrollable"},
    h(
      "table",
      {class: "standings"},
      h("caption", null, live ? "Live standings" : "Standings"),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          COLUMNS.map(([key, short, long]) =>
            h("th", {scope: "col", class: key === "team_name" ? null : "num"}, h("abbr", {title: long}, short)),
          ),
        ),
      ),
      h(
        "tbody",
        null,
        (data.rows || []).map((row) =>
          h(
            "tr",
            {"data-team-id": row.team_id},
            COLUMNS.map(([key]) => {
              if (key === "team_name") {
                return h("th", {scope: "row"}, h("a", {href: `/events/${encodeURIComponent(slug)}/teams/${row.team_id}`}, row.team_name));
              }
              return h("td", {class: "num"}, key === "goal_difference" ? signed(row[key]) : String(row[key]));
            }),
          ),
        ),
      ),
    ),
  );
}

function legend() {
  return h(
    "section",
    {class: "legend", "aria-labelledby": "legend-heading"},
    h("h3", {id: "legend-heading"}, "Legend"),
    h("dl", null, COLUMNS.map(([, short, long]) => [h("dt", null, short), h("dd", null, long)])),
  );
}

function tiebreakers(event) {
  const keys = [...(event.tiebreakers || [])];
  return h(
    "section",
    {class: "tiebreakers", "aria-labelledby": "tiebreakers-heading"},
    h("h3", {id: "tiebreakers-heading"}, "Tiebreakers"),
    h(
      "p",
      null,
      `Teams level on the first rule are ordered by the next one. Points: ${event.points.win} for a win, ${event.points.draw} for a draw, ${event.points.loss} for a loss.`,
    ),
    h("ol", null, keys.map((k) => h("li", null, tiebreakerLabel(k))), h("li", null, "Team name (alphabetical)")),
  );
}

function gamesByRound(games, slug, knockout) {
  const rounds = new Map();
  for (const g of games) {
    if (!rounds.has(g.round)) {
      rounds.set(g.round, []);
    }
    rounds.get(g.round).push(g);
  }
  const lastRound = Math.max(...rounds.keys());
  return [...rounds.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([round, list]) => {
      const days = [...new Set(list.map((g) => dayKey(g.starts_at, g.time_zone)))];
      const when = days.length === 1 ? longDate(days[0]) : `${shortDate(days[0])} – ${shortDate(days[days.length - 1])}`;
      return h(
        "section",
        {class: "game-group"},
        h("h3", null, knockout ? roundName(round, lastRound) : `Round ${round}`, h("span", {class: "muted"}, ` · ${when}`)),
        h("ul", {class: "games"}, list.map((g) => gameRow(g, {slug}))),
      );
    });
}

function gamesByDate(games, slug) {
  const days = new Map();
  for (const g of games) {
    const key = dayKey(g.starts_at, g.time_zone);
    if (!days.has(key)) {
      days.set(key, []);
    }
    days.get(key).push(g);
  }
  return [...days.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([day, list]) =>
      h(
        "section",
        {class: "game-group"},
        h("h3", null, longDate(day)),
        h("ul", {class: "games"}, list.map((g) => gameRow(g, {slug, showRound: true}))),
      ),
    );
}

export async function eventPage({params, main}) {
  const controller = new AbortController();
  const signal = controller.signal;
  const event = await eventBySlug(params.slug, {signal});
  const slug = event.slug;
  const knockout = isKnockout(event);
  let games = await allGames(event.id, {}, {signal});
  const byId = new Map(games.map((g) => [g.id, g]));

  const announcer = h("p", {class: "visually-hidden", "aria-live": "polite", "aria-atomic": "true"});
  const sectionNav = h(
    "nav",
    {class: "section-nav", "aria-label": "Sections"},
    knockout ? h("a", {href: "#bracket"}, "Bracket") : h("a", {href: "#standings"}, "Standings"),
    h("a", {href: "#games"}, "Games"),
    h("a", {href: "#ask"}, "Ask"),
  );
  add(main,
    h("h1", null, event.name),
    h(
      "p",
      {class: "event-meta"},
      `${event.sport} · ${formatLabel(event.format)} · `,
      h("span", {class: ["badge", `status-${event.status}`]}, statusLabel(event.status)),
      ` · ${shortDate(event.starts_on)}${event.ends_on ? ` – ${shortDate(event.ends_on)}` : ""} · times in ${event.time_zone}`,
    ),
    sectionNav,
    announcer,
  );

  // Standings (round-robin formats) or bracket (knockout).
  let tableMode = "official";
  const tableHolder = h("div", {class: "standings-holder"});
  const liveNote = h("p", {class: "live-note", hidden: true}, "Live — includes games in progress");
  function showTable(data, mode) {
    const focusInside = tableHolder.contains(document.activeElement);
    add(
      clear(tableHolder),
      (data.rows || []).length ? standingsTable(data, slug, mode === "live") : h("p", null, "No games have been played yet."),
    );
    if (focusInside) {
      tableHolder.querySelector(".table-wrap")?.focus();
    }
  }
  async function refreshTable() {
    if (knockout) {
      return;
    }
    const mode = tableMode;
    try {
      const data = await standings(event.id, mode === "live", {signal});
      if (mode === tableMode) {
        showTable(data, mode);
      }
    } catch (err) {
      if (err.name !== "AbortError") {
        add(clear(tableHolder), problemBox(err));
      }
    }
  }
  if (knockout) {
    add(main,
      h("section", {id: "bracket", class: "bracket-section", "aria-labelledby": "bracket-heading"}, h("h2", {id: "bracket-heading"}, "Bracket"), bracketView(games, slug)),
    );
  } else {
    add(main,
      h(
        "section",
        {id: "standings", "aria-labelledby": "standings-heading"},
        h("h2", {id: "standings-heading"}, "Standings"),
        toggleGroup(
          "Table",
          [
            ["official", "Official table"],
            ["live", "Live table"],
          ],
          tableMode,
          (mode) => {
            tableMode = mode;
            liveNote.hidden = mode !== "live";
            refreshTable();
          },
        ),
        liveNote,
        tableHolder,
        h("div", {class: "standings-notes"}, legend(), tiebreakers(event)),
      ),
    );
    await refreshTable();
  }

  // Games by round or by date.
  let gamesMode = "round";
  const gamesHolder = h("div", {class: "games-holder"});
  function renderGames() {
    // Keep keyboard focus on the same link of the same game across a redraw.
    const active = gamesHolder.contains(document.activeElement) ? document.activeElement : null;
    const activeGame = active?.closest("[data-game-id]")?.dataset.gameId;
    const activeHref = active?.getAttribute("href");
    add(
      clear(gamesHolder),
      games.length === 0 ? h("p", null, "No games scheduled yet.") : gamesMode === "round" ? gamesByRound(games, slug, knockout) : gamesByDate(games, slug),
    );
    if (activeGame && activeHref) {
      const links = gamesHolder.querySelectorAll(`[data-game-id="${Number(activeGame)}"] a`);
      [...links].find((a) => a.getAttribute("href") === activeHref)?.focus();
    }
  }
  add(main,
    h(
      "section",
      {id: "games", "aria-labelledby": "games-heading"},
      h("h2", {id: "games-heading"}, "Games"),
      toggleGroup(
        "Group games",
        [
          ["round", "By round"],
          ["date", "By date"],
        ],
        gamesMode,
        (mode) => {
          gamesMode = mode;
          renderGames();
        },
      ),
      gamesHolder,
    ),
  );
  renderGames();

  add(main, h("section", {id: "ask", "aria-labelledby": "ask-heading"}, h("h2", {id: "ask-heading"}, "Ask"), askBox(event)));

  // Live updates.
  // A read right after a message may come from nginx's 1 s microcache
  // (docs/edge.md), so refetches wait 1.1 s (and coalesce meanwhile).
  const CACHE_WAIT_MS = 1100;
  let tableTimer = null;
  let gamesTimer = null;
  function refreshTableSoon() {
    window.clearTimeout(tableTimer);
    tableTimer = window.setTimeout(refreshTable, CACHE_WAIT_MS);
  }
  function reloadGamesSoon() {
    window.clearTimeout(gamesTimer);
    gamesTimer = window.setTimeout(reloadGames, CACHE_WAIT_MS);
  }
  async function reloadGames() {
    try {
      games = await allGames(event.id, {}, {signal});
      byId.clear();
      for (const g of games) {
        byId.set(g.id, g);
      }
      renderGames();
      if (knockout) {
        const section = main.querySelector("#bracket");
        section.querySelector(".bracket")?.replaceWith(bracketView(games, slug));
      }
      refreshTable();
    } catch (err) {
      if (err.name !== "AbortError") {
        console.warn(err);
      }
    }
  }
  const close = openStream(`/api/v1/events/${event.id}/stream`, {
    ticketTopics: event.status === "draft" ? [`event:${event.id}`] : undefined,
    resyncOnOpen: event.status === "live",
    onMessage(type, data) {
      if (type === "reset" || type === "schedule.updated") {
        reloadGamesSoon();
        return;
      }
      if ((type === "score.updated" || type === "game.updated") && data && data.game) {
        const game = data.game;
        const known = byId.has(game.id);
        const merged = {...(byId.get(game.id) || {}), ...game};
        delete merged.change;
        byId.set(game.id, merged);
        games = games.map((g) => (g.id === game.id ? merged : g));
        if (!known) {
          reloadGamesSoon();
          return;
        }
        if (updateGameElements(main, merged)) {
          announcer.textContent = `${teamName(merged, "home")} ${scoreText(merged)} ${teamName(merged, "away")}, ${statusLabel(merged.status)}`;
        }
        if (type === "score.updated" && tableMode === "live") {
          refreshTableSoon();
        }
        return;
      }
      if (type === "standings.updated" && tableMode === "official") {
        // The message carries the table as GET returns it.
        if (data && data.standings && Array.isArray(data.standings.rows)) {
          window.clearTimeout(tableTimer);
          showTable(data.standings, "official");
        } else {
          refreshTableSoon();
        }
      }
    },
  });
  return () => {
    controller.abort();
    window.clearTimeout(tableTimer);
    window.clearTimeout(gamesTimer);
    close();
  };
}
