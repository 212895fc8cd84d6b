// Game elements shared by the event, team and bracket views: each game is an
// element with data-game-id holding a fixed-width .score box and a .status, so
// live updates replace text in place without moving anything.
import {h} from "../../dom.js";
import {scoreText, statusLabel, teamName, time} from "../../format.js";

export function scoreBox(game) {
  return h("span", {class: ["score", `score-${game.status}`]}, scoreText(game));
}

export function statusBox(game) {
  return h("span", {class: ["status", `status-${game.status}`]}, statusLabel(game.status));
}

// The home or away team of a game: a link to its team page once it is known.
export function teamCell(game, side, slug) {
  const id = game[`${side}_team_id`];
  const name = teamName(game, side);
  const winner = Boolean(game.winner_team_id) && game.winner_team_id === id;
  return h(
    "span",
    {class: ["team", side, winner ? "winner" : null]},
    id && slug ? h("a", {href: `/events/${encodeURIComponent(slug)}/teams/${id}`}, name) : name,
  );
}

// One row of a games list: time, home, score, away, status, link to the game page.
export function gameRow(game, {slug, showRound = false} = {}) {
  const when = time(game.starts_at, game.time_zone);
  return h(
    "li",
    {class: "game", "data-game-id": game.id, "data-slug": slug},
    h("span", {class: "when"}, showRound ? `Round ${game.round}, ${when}` : when),
    teamCell(game, "home", slug),
    h(
      "a",
      {href: `/games/${game.id}`, class: "score-link", "aria-label": `${scoreText(game)}: game details`},
      scoreBox(game),
    ),
    teamCell(game, "away", slug),
    statusBox(game),
  );
}

// Puts a changed game's score and status into every element showing it.
// Returns true if the score text changed somewhere.
export function updateGameElements(root, game) {
  let changed = false;
  for (const el of root.querySelectorAll(`[data-game-id="${Number(game.id)}"]`)) {
    const score = el.querySelector(".score");
    if (score) {
      const text = scoreText(game);
      if (score.textContent !== text) {
        score.textContent = text;
        changed = true;
        score.classList.remove("flash");
        void score.offsetWidth; // restart the highlight animation
        score.classList.add("flash");
      }
      score.className = score.className.replace(/\bscore-\w+/, `score-${game.status}`);
    }
    const status = el.querySelector(".status");
    if (status) {
      status.textContent = statusLabel(game.status);
      status.className = status.className.replace(/\bstatus-\w+/, `status-${game.status}`);
    }
    for (const side of ["home", "away"]) {
      const team = el.querySelector(`.team.${side}`);
      if (team) {
        team.replaceWith(teamCell(game, side, el.dataset.slug));
      }
    }
    const link = el.querySelector(".score-link");
    if (link) {
      link.setAttribute("aria-label", `${scoreText(game)}: game details`);
    }
  }
  return changed;
}
