// "/games/{id}": one game's score, status and its score history.
import {api} from "../../api.js";
import {add, clear, h, problemBox} from "../../dom.js";
import {dateTime, scoreText, statusLabel, teamName} from "../../format.js";
import {openStream} from "../../live.js";
import {scoreBox, statusBox, teamCell, updateGameElements} from "./games.js";

const KIND = {update: "Update", correction: "Correction", reset: "Reset"};

function side(score, status) {
  if (!score) {
    return "–";
  }
  const s = score.home_score === null || score.home_score === undefined ? "–" : `${score.home_score} – ${score.away_score}`;
  return status || score.status ? `${s} (${statusLabel(score.status)})` : s;
}

function historyTable(items, timeZone) {
  if (!items.length) {
    return h("p", null, "No score has been entered yet.");
  }
  return h(
    "div",
    {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Score history, scrollable"},
    h(
      "table",
      {class: "history"},
      h("caption", null, "Score history"),
      h("thead", null, h("tr", null, ["When", "Change", "From", "To", "Who", "Reason"].map((c) => h("th", {scope: "col"}, c)))),
      h(
        "tbody",
        null,
        items.map((c) =>
          h(
            "tr",
            null,
            h("td", null, dateTime(c.created_at, timeZone)),
            h("td", null, KIND[c.kind] || c.kind),
            h("td", null, side(c.old, true)),
            h("td", null, side(c.new, true)),
            h("td", null, c.changed_by_name || (c.changed_by ? `User ${c.changed_by}` : "–")),
            h("td", null, c.reason || ""),
          ),
        ),
      ),
    ),
  );
}

async function allHistory(id, signal) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < 20; page += 1) {
    const res = await api("GET", `/api/v1/games/${id}/history`, {query: {limit: 200, cursor}, signal});
    items.push(...(res.body.items || []));
    cursor = res.body.next_cursor;
    if (!cursor) {
      break;
    }
  }
  return items;
}

export async function gamePage({params, main}) {
  const controller = new AbortController();
  const signal = controller.signal;
  const id = Number(params.id);
  let game = (await api("GET", `/api/v1/games/${id}`, {signal})).body;
  const event = (await api("GET", `/api/v1/events/${game.event_id}`, {signal})).body;
  const announcer = h("p", {class: "visually-hidden", "aria-live": "polite", "aria-atomic": "true"});
  const historyHolder = h("div");
  add(main,
    h("nav", {class: "breadcrumbs", "aria-label": "Breadcrumbs"}, h("a", {href: `/events/${encodeURIComponent(event.slug)}`}, event.name)),
    h("h1", null, `${teamName(game, "home")} v ${teamName(game, "away")}`),
    h(
      "div",
      {class: "scoreboard", "data-game-id": game.id, "data-slug": event.slug},
      teamCell(game, "home", event.slug),
      scoreBox(game),
      teamCell(game, "away", event.slug),
      statusBox(game),
    ),
    h(
      "p",
      {class: "muted"},
      `Round ${game.round} · ${dateTime(game.starts_at, game.time_zone)} (${game.time_zone})${game.venue ? ` · ${game.venue}` : ""}`,
    ),
    announcer,
    h("section", {"aria-labelledby": "history-heading"}, h("h2", {id: "history-heading"}, "History"), historyHolder),
  );
  let history = [];
  function showHistory() {
    add(clear(historyHolder), historyTable(history, game.time_zone));
  }
  async function loadHistory() {
    try {
      history = await allHistory(id, signal);
      showHistory();
    } catch (err) {
      if (err.name !== "AbortError") {
        add(clear(historyHolder), problemBox(err));
      }
    }
  }
  await loadHistory();
  let timer = null;
  const close = openStream(`/api/v1/events/${event.id}/stream`, {
    ticketTopics: event.status === "draft" ? [`event:${event.id}`] : undefined,
    resyncOnOpen: event.status === "live",
    onMessage(type, data) {
      if (type === "reset") {
        // Missed messages: read again, after nginx's 1 s microcache (docs/edge.md).
        window.clearTimeout(timer);
        timer = window.setTimeout(() => {
          api("GET", `/api/v1/games/${id}`, {signal}).then((res) => {
            game = res.body;
            updateGameElements(main, game);
            loadHistory();
          }, () => {});
        }, 1100);
        return;
      }
      const g = data && data.game;
      if (!g || g.id !== id) {
        return;
      }
      game = {...game, ...g};
      delete game.change;
      if (updateGameElements(main, game)) {
        announcer.textContent = `${teamName(game, "home")} ${scoreText(game)} ${teamName(game, "away")}, ${statusLabel(game.status)}`;
      }
      // The message carries the history entry: no refetch (a read right after
      // the change could come from nginx's 1 s microcache, docs/edge.md).
      const change = g.change;
      if (type === "score.updated" && change && !history.some((c) => c.id === change.id)) {
        history.push(change);
        showHistory();
      }
    },
  });
  return () => {
    controller.abort();
    window.clearTimeout(timer);
    close();
  };
}
