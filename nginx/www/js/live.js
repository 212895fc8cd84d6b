// openStream(): an EventSource with the bookkeeping pages need. Updates
// #live-status ("live" / "reconnecting", hidden when no stream is open).
// Private streams (draft events, /api/v1/admin/stream) take a stream ticket
// first (POST /api/v1/stream-tickets, docs/sse.md) and a fresh one before each
// reconnect, since an EventSource cannot send a bearer token.
import {api} from "./api.js";

const DEFAULT_TYPES = [
  "game.updated",
  "score.updated",
  "standings.updated",
  "event.updated",
  "alert.created",
  "alert.updated",
  "reset",
];
const MAX_REOPENS = 40; // then the page says "offline" until reloaded
const MAX_BACKOFF_MS = 30000;

const streams = new Map(); // stream → "live" | "reconnecting" | "offline"

function showStatus() {
  const el = document.getElementById("live-status");
  if (!el) {
    return;
  }
  const states = [...streams.values()];
  let text = "";
  if (states.includes("offline")) {
    text = "offline";
  } else if (states.includes("reconnecting")) {
    text = "reconnecting";
  } else if (states.length) {
    text = "live";
  }
  if (el.textContent !== text) {
    el.textContent = text;
  }
  el.hidden = text === "";
  el.dataset.state = text;
}

// openStream("/api/v1/events/7/stream", {onMessage(type, data, id), onState(state), ticketTopics: ["event:7"]})
// ticketTopics: when set, a ticket for those topics is fetched and passed as ?ticket=
// (the admin stream always takes one for ["admin"]). onMessage also gets
// ("reset", {reason: "reconnected"}) when the stream comes back after a break
// before any message carried an id: the page should read its state again.
// resyncOnOpen: also ("reset", {reason: "opened"}) when the first connection
// opens, for pages whose first read may be older than the stream (a change
// committed in between, or a read served by nginx's 1 s microcache).
// Returns close().
export function openStream(path, {onMessage, onState, ticketTopics, resyncOnOpen = false, types = DEFAULT_TYPES} = {}) {
  const key = {};
  const topics = ticketTopics || (path.startsWith("/api/v1/admin/stream") ? ["admin"] : null);
  let source = null;
  let lastId = null;
  let opened = false; // an earlier connection was open
  let closed = false;
  let reopens = 0;
  let timer = null;

  function setState(state) {
    if (closed) {
      return;
    }
    streams.set(key, state);
    showStatus();
    if (onState) {
      onState(state);
    }
  }

  function handle(type, event) {
    if (event.lastEventId) {
      lastId = event.lastEventId;
    }
    let data = null;
    try {
      data = event.data ? JSON.parse(event.data) : null;
    } catch {
      data = event.data;
    }
    if (onMessage) {
      onMessage(type, data, event.lastEventId || null);
    }
  }

  async function open() {
    if (closed) {
      return;
    }
    const url = new URL(path, window.location.origin);
    if (lastId) {
      url.searchParams.set("last_event_id", lastId);
    }
    if (topics) {
      try {
        const res = await api("POST", "/api/v1/stream-tickets", {body: {topics}});
        url.searchParams.set("ticket", res.body.ticket);
      } catch (err) {
        console.warn("stream ticket refused", err);
        scheduleReopen();
        return;
      }
    }
    if (closed) {
      return;
    }
    source = new EventSource(url.pathname + url.search);
    source.addEventListener("open", () => {
      reopens = 0;
      const again = opened;
      opened = true;
      setState("live");
      // Back after a break without ever having got a message: there is no
      // Last-Event-ID to replay from, so the page reads its state again.
      if (again && !lastId && onMessage) {
        onMessage("reset", {reason: "reconnected"}, null);
      } else if (!again && resyncOnOpen && onMessage) {
        onMessage("reset", {reason: "opened"}, null);
      }
    });
    source.addEventListener("message", (event) => handle("message", event));
    for (const type of types) {
      source.addEventListener(type, (event) => handle(type, event));
    }
    source.addEventListener("error", () => {
      if (closed) {
        return;
      }
      if (source.readyState === EventSource.CONNECTING && !topics) {
        // The browser reconnects by itself and resends Last-Event-ID.
        setState("reconnecting");
        return;
      }
      // Closed for good (a non-200 answer), or a ticketed stream whose ticket
      // may have expired: reopen ourselves with a new ticket after a pause.
      source.close();
      source = null;
      scheduleReopen();
    });
  }

  function scheduleReopen() {
    if (closed) {
      return;
    }
    reopens += 1;
    if (reopens > MAX_REOPENS) {
      setState("offline");
      return;
    }
    setState("reconnecting");
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(reopens - 1, 5)) * (0.5 + Math.random() / 2);
    timer = window.setTimeout(open, delay);
  }

  streams.set(key, "reconnecting");
  showStatus();
  open();

  return function close() {
    closed = true;
    if (timer) {
      window.clearTimeout(timer);
    }
    if (source) {
      source.close();
    }
    streams.delete(key);
    showStatus();
  };
}
