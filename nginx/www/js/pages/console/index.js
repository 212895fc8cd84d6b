// The console for organizers and scorekeepers: /console (my events and
// "Create event"), /console/events/{slug} (event.js), /console/games/{id}
// (game.js).
import {h} from "../../dom.js";
import {api} from "../../api.js";
import {navigate} from "../../router.js";
import {field, onSubmit, value, requireUser} from "./ui.js";
import {eventFields, eventBody, EVENT_ALIASES} from "./event-form.js";
import {eventBySlug} from "../fan/data.js";
import {eventConsole} from "./event.js";
import {scoreEntry} from "./game.js";

// Every event the caller can see that they own, at most 1,000 (5 pages).
async function ownedEvents(user) {
  const mine = [];
  let cursor = null;
  for (let page = 0; page < 5; page += 1) {
    const res = await api("GET", "/api/v1/events", {query: {limit: 200, cursor}});
    for (const ev of res.body.items) {
      if (ev.owner_id === user.id) {
        mine.push(ev);
      }
    }
    cursor = res.body.next_cursor;
    if (!cursor) {
      break;
    }
  }
  return mine;
}

async function consoleHome({main}) {
  const user = await requireUser(main, "Console");
  if (!user) {
    return;
  }
  const list = h("ul", {class: "event-list"}, h("li", null, "Loading…"));
  const open = h(
    "form",
    {class: "inline-form", novalidate: true},
    field("Event address", {name: "slug", required: true, placeholder: "premier-league-2011-12", autocomplete: "off"}, {
      hint: "The slug of an event you help run (from its page address /events/…).",
    }),
    h("button", {type: "submit"}, "Open console"),
  );
  onSubmit(open, async () => {
    const slug = value(open, "slug").replace(/^.*\/events\//, "").replace(/\/.*$/, "");
    const ev = await eventBySlug(slug);
    navigate(`/console/events/${encodeURIComponent(ev.slug)}`);
  });
  const create = h("form", {class: "stack", novalidate: true}, eventFields(null), h("button", {type: "submit", class: "primary"}, "Create event"));
  onSubmit(
    create,
    async () => {
      const res = await api("POST", "/api/v1/events", {body: eventBody(create)});
      navigate(`/console/events/${encodeURIComponent(res.body.slug)}`);
    },
    EVENT_ALIASES,
  );
  main.append(
    h("h1", {tabindex: "-1"}, "Console"),
    h("section", {"aria-labelledby": "my-events"}, h("h2", {id: "my-events"}, user.role === "admin" ? "Events you own" : "Your events"), list, open),
    h("section", {"aria-labelledby": "create-event"}, h("h2", {id: "create-event"}, "Create event"), create),
  );
  try {
    const mine = await ownedEvents(user);
    list.replaceChildren(
      ...(mine.length
        ? mine.map((ev) =>
            h(
              "li",
              null,
              h("a", {href: `/console/events/${encodeURIComponent(ev.slug)}`}, ev.name),
              " ",
              h("span", {class: `badge status-${ev.status}`}, ev.status),
              " ",
              h("span", {class: "muted"}, ev.starts_on),
            ),
          )
        : [h("li", null, "You do not own an event yet. Create one below, or open an event you help run by its address.")]),
    );
  } catch (err) {
    list.replaceChildren(h("li", {role: "alert"}, `Could not load your events: ${err.message}`));
  }
}

export function register(route) {
  route("/console", consoleHome);
  route("/console/events/:slug", eventConsole);
  route("/console/games/:id", scoreEntry);
}
