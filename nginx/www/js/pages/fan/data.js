// Reads the fan pages share: an event by slug, every game of an event.
import {api} from "../../api.js";

const MAX_PAGES = 50; // 50 × 200 rows: more than any event has games

// The event whose slug is slug (GET /api/v1/events/{id-or-slug}). Throws
// ApiError (404 when there is none, or it is a draft the caller may not see).
export async function eventBySlug(slug, {signal} = {}) {
  const res = await api("GET", `/api/v1/events/${encodeURIComponent(slug)}`, {signal});
  return res.body;
}

// Every game of an event (optionally filtered, e.g. {team_id}), in schedule order.
export async function allGames(eventId, filters = {}, {signal} = {}) {
  const games = [];
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const res = await api("GET", `/api/v1/events/${eventId}/games`, {query: {...filters, limit: 200, cursor}, signal});
    games.push(...(res.body.items || []));
    cursor = res.body.next_cursor;
    if (!cursor) {
      break;
    }
  }
  return games;
}

export async function standings(eventId, live, {signal} = {}) {
  const res = await api("GET", `/api/v1/events/${eventId}/standings`, {query: live ? {live: "true"} : {}, signal});
  return res.body;
}

export function isKnockout(event) {
  return event.format === "single_elimination";
}
