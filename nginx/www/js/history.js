// A game's score history (GET /api/v1/games/{id}/history): every change, who
// made it and why. The fan's game page and the scorekeeper's console show the
// same table; the console adds the game version each change made.
import {api} from "./api.js";
import {h} from "./dom.js";
import {dateTime, statusLabel} from "./format.js";

const KIND = {update: "Update", correction: "Correction", reset: "Reset"};

function side(score) {
  if (!score) {
    return "–";
  }
  const s = score.home_score === null || score.home_score === undefined ? "–" : `${score.home_score} – ${score.away_score}`;
  return `${s} (${statusLabel(score.status)})`;
}

// The table of `items` (oldest first, as the API lists them), times in
// `timeZone`; `versions` adds the game's version after each change.
export function historyTable(items, {timeZone, versions = false} = {}) {
  if (!items.length) {
    return h("p", null, "No score has been entered yet.");
  }
  const columns = ["When", "Change", "From", "To", "Who", "Reason"];
  if (versions) {
    columns.push("Version");
  }
  return h(
    "div",
    {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Score history, scrollable"},
    h(
      "table",
      {class: "history"},
      h("caption", null, "Score history"),
      h("thead", null, h("tr", null, columns.map((c) => h("th", {scope: "col"}, c)))),
      h(
        "tbody",
        null,
        items.map((c) =>
          h(
            "tr",
            null,
            h("td", null, dateTime(c.created_at, timeZone)),
            h("td", null, KIND[c.kind] || c.kind),
            h("td", null, side(c.old)),
            h("td", null, side(c.new)),
            h("td", null, c.changed_by_name || (c.changed_by ? `User ${c.changed_by}` : "–")),
            h("td", null, c.reason || ""),
            versions ? h("td", null, String(c.game_version)) : null,
          ),
        ),
      ),
    ),
  );
}

// Every history entry of game `id`: up to 20 pages of 200.
export async function allHistory(id, signal) {
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
