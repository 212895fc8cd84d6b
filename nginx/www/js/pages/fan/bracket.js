// The knockout bracket: one column per round, games ordered so that the two
// games feeding a game sit next to each other (from next_game_id / next_slot).
import {h} from "../../dom.js";
import {dateTime} from "../../format.js";
import {scoreBox, statusBox, teamCell} from "./games.js";

// "Final", "Semi-finals", "Quarter-finals", "Round of 16", … for round of rounds.
export function roundName(round, rounds) {
  const left = rounds - round;
  if (left === 0) {
    return "Final";
  }
  if (left === 1) {
    return "Semi-finals";
  }
  if (left === 2) {
    return "Quarter-finals";
  }
  return `Round of ${2 ** (left + 1)}`;
}

// Games of each round in bracket order: walk back from the last round's games
// through their feeders (home slot first). Games outside the links keep id order.
function ordered(games) {
  const rounds = [...new Set(games.map((g) => g.round))].sort((a, b) => a - b);
  const feeders = new Map();
  for (const g of games) {
    if (g.next_game_id) {
      if (!feeders.has(g.next_game_id)) {
        feeders.set(g.next_game_id, []);
      }
      feeders.get(g.next_game_id).push(g);
    }
  }
  for (const list of feeders.values()) {
    list.sort((a, b) => (a.next_slot === b.next_slot ? a.id - b.id : a.next_slot === "home" ? -1 : 1));
  }
  const byRound = new Map(rounds.map((r) => [r, []]));
  const placed = new Set();
  const last = rounds[rounds.length - 1];
  let level = games.filter((g) => g.round === last).sort((a, b) => a.id - b.id);
  for (let i = rounds.length - 1; i >= 0 && level.length; i -= 1) {
    for (const g of level) {
      if (!placed.has(g.id)) {
        placed.add(g.id);
        byRound.get(g.round)?.push(g);
      }
    }
    level = level.flatMap((g) => feeders.get(g.id) || []);
  }
  for (const g of [...games].sort((a, b) => a.id - b.id)) {
    if (!placed.has(g.id)) {
      byRound.get(g.round).push(g);
    }
  }
  return rounds.map((r) => [r, byRound.get(r)]);
}

export function bracketView(games, slug) {
  if (!games.length) {
    return h("p", {class: "bracket"}, "The bracket appears once the schedule is made.");
  }
  const rounds = ordered(games);
  const count = rounds.length ? rounds[rounds.length - 1][0] : 0;
  return h(
    "div",
    {class: ["table-wrap", "bracket"], tabindex: "0", role: "region", "aria-label": "Bracket, scrollable"},
    h(
      "ol",
      {class: "bracket-rounds"},
      rounds.map(([round, list]) =>
        h(
          "li",
          {class: "bracket-round"},
          h("h3", null, roundName(round, count)),
          h(
            "ol",
            {class: "bracket-games"},
            list.map((g) =>
              h(
                "li",
                {class: "bracket-game", "data-game-id": g.id, "data-slug": slug},
                h("div", {class: "bracket-teams"}, teamCell(g, "home", slug), teamCell(g, "away", slug)),
                h("a", {href: `/games/${g.id}`, class: "score-link", "aria-label": "Game details"}, scoreBox(g)),
                statusBox(g),
                h("span", {class: "when muted"}, dateTime(g.starts_at, g.time_zone)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
