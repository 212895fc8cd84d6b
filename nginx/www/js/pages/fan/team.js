// "/events/{slug}/teams/{team_id}": a team's results, form (last 5) and next game.
import {api} from "../../api.js";
import {add, clear, h} from "../../dom.js";
import {dateTime, scoreText, statusLabel, teamName} from "../../format.js";
import {openStream} from "../../live.js";
import {allGames, eventBySlug} from "./data.js";
import {gameRow, scoreBox, statusBox, teamCell} from "./games.js";

// "W", "D" or "L" for the team in a final game.
function outcome(game, teamId) {
  const home = game.home_team_id === teamId;
  const mine = home ? game.home_score : game.away_score;
  const theirs = home ? game.away_score : game.home_score;
  if (game.winner_team_id) {
    return game.winner_team_id === teamId ? "W" : "L";
  }
  return mine > theirs ? "W" : mine < theirs ? "L" : "D";
}

const OUTCOME = {W: "Won", D: "Drawn", L: "Lost"};

export async function teamPage({params, main}) {
  const controller = new AbortController();
  const signal = controller.signal;
  const event = await eventBySlug(params.slug, {signal});
  const teamId = Number(params.team_id);
  const teams = await api("GET", `/api/v1/events/${event.id}/teams`, {query: {limit: 200}, signal});
  const team = (teams.body.items || []).find((t) => t.id === teamId);
  const name = team ? team.name : `Team ${teamId}`;
  const body = h("div", {class: "team-body"});
  add(main,
    h("nav", {class: "breadcrumbs", "aria-label": "Breadcrumbs"}, h("a", {href: `/events/${encodeURIComponent(event.slug)}`}, event.name)),
    h("h1", null, name),
    body,
  );
  if (!team) {
    add(body, h("p", {role: "alert"}, "This team is not part of the event."));
    return () => controller.abort();
  }

  async function render() {
    const games = await allGames(event.id, {team_id: teamId}, {signal});
    const finals = games.filter((g) => g.status === "final");
    const next = games.find((g) => g.status === "live") || games.find((g) => g.status === "scheduled");
    const form = finals.slice(-5);
    add(clear(body),
      h(
        "section",
        {"aria-labelledby": "next-heading"},
        h("h2", {id: "next-heading"}, next && next.status === "live" ? "Playing now" : "Next game"),
        next
          ? h(
              "p",
              {class: "next-game", "data-game-id": next.id, "data-slug": event.slug},
              teamCell(next, "home", event.slug),
              " ",
              h("a", {href: `/games/${next.id}`, class: "score-link", "aria-label": "Game details"}, scoreBox(next)),
              " ",
              teamCell(next, "away", event.slug),
              " ",
              statusBox(next),
              h("span", {class: "muted"}, ` ${dateTime(next.starts_at, next.time_zone)}${next.venue ? `, ${next.venue}` : ""}`),
            )
          : h("p", null, "No game scheduled."),
      ),
      h(
        "section",
        {"aria-labelledby": "form-heading"},
        h("h2", {id: "form-heading"}, "Form (last 5)"),
        form.length
          ? h(
              "ol",
              {class: "form-guide"},
              form.map((g) => {
                const o = outcome(g, teamId);
                return h(
                  "li",
                  {class: ["form-result", `form-${o}`]},
                  h("abbr", {title: OUTCOME[o]}, o),
                  h("span", {class: "visually-hidden"}, ` ${OUTCOME[o]}: ${teamName(g, "home")} ${scoreText(g)} ${teamName(g, "away")}`),
                );
              }),
            )
          : h("p", null, "No results yet."),
      ),
      h(
        "section",
        {"aria-labelledby": "results-heading"},
        h("h2", {id: "results-heading"}, "Results"),
        finals.length ? h("ul", {class: "games"}, [...finals].reverse().map((g) => gameRow(g, {slug: event.slug, showRound: true}))) : h("p", null, "No results yet."),
      ),
      h(
        "section",
        {"aria-labelledby": "fixtures-heading"},
        h("h2", {id: "fixtures-heading"}, "All games"),
        h(
          "div",
          {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "All games, scrollable"},
          h(
            "table",
            null,
            h("caption", null, `Games of ${name}`),
            h("thead", null, h("tr", null, ["Round", "Kick-off", "Home", "Score", "Away", "Status"].map((c) => h("th", {scope: "col"}, c)))),
            h(
              "tbody",
              null,
              games.map((g) =>
                h(
                  "tr",
                  null,
                  h("td", {class: "num"}, String(g.round)),
                  h("td", null, dateTime(g.starts_at, g.time_zone)),
                  h("td", null, teamName(g, "home")),
                  h("td", null, h("a", {href: `/games/${g.id}`}, scoreText(g))),
                  h("td", null, teamName(g, "away")),
                  h("td", null, statusLabel(g.status)),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
  await render();
  let timer = null;
  const close = openStream(`/api/v1/events/${event.id}/stream`, {
    ticketTopics: event.status === "draft" ? [`event:${event.id}`] : undefined,
    resyncOnOpen: event.status === "live",
    onMessage(type, data) {
      const g = data && data.game;
      if (type === "reset" || (g && (g.home_team_id === teamId || g.away_team_id === teamId))) {
        // After nginx's 1 s microcache (docs/edge.md), so the read sees the change.
        window.clearTimeout(timer);
        timer = window.setTimeout(() => render().catch((err) => err.name !== "AbortError" && console.warn(err)), 1100);
      }
    },
  });
  return () => {
    controller.abort();
    window.clearTimeout(timer);
    close();
  };
}
