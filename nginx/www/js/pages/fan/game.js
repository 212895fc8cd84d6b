// "/games/{id}": one game's score, status and its score history.
import {api} from "../../api.js";
import {add, clear, h, problemBox} from "../../dom.js";
import {dateTime, scoreText, statusLabel, teamName} from "../../format.js";
import {allHistory, historyTable} from "../../history.js";
import {openStream} from "../../live.js";
import {scoreBox, statusBox, teamCell, updateGameElements} from "./games.js";

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
    add(clear(historyHolder), historyTable(history, {timeZone: game.time_zone}));
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
