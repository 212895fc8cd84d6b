// Reads the fan pages share: an event by slug, every game of an event.
import {api, ApiError} from "../../api.js";

const MAX_PAGES = 50; // 50 × 200 rows: more than any event has games
const bySlug = new Map();

// The event whose slug is slug: GET /api/v1/events/{slug}; if the API does not
// take a slug there, the list is searched (bounded) for it. Throws ApiError 404.
export async function eventBySlug(slug, {signal} = {}) {
  if (bySlug.has(slug)) {
    const res = await api("GET", `/api/v1/events/${bySlug.get(slug)}`, {signal});
    return res.body;
  }
  try {
    const res = await api("GET", `/api/v1/events/${encodeURIComponent(slug)}`, {signal});
    if (res.body && res.body.slug === slug) {
      bySlug.set(slug, res.body.id);
      return res.body;
    }
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 400 && err.status !== 404 && err.status !== 422)) {
      throw err;
    }
  }
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const res = await api("GET", "/api/v1/events", {query: {limit: 200, cursor}, signal});
    const found = (res.body.items || []).find((e) => e.slug === slug);
    if (found) {
      bySlug.set(slug, found.id);
      return found;
    }
    cursor = res.body.next_cursor;
    if (!cursor) {
      break;
    }
  }
  throw new ApiError(404, {title: "Not Found", status: 404, detail: `There is no event "${slug}".`});
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
