// "/": the events list with search and filters (q, sport, status, from, to).
import {api, ApiError} from "../../api.js";
import {add, clear, h, problemBox, showProblem, uid} from "../../dom.js";
import {formatLabel, shortDate, statusLabel} from "../../format.js";
import {navigate} from "../../router.js";

const STATUSES = ["scheduled", "live", "completed", "archived"];
const FILTERS = ["q", "sport", "status", "from", "to"];

function field(label, input) {
  const id = uid("f");
  input.id = id;
  return h("div", {class: "field"}, h("label", {for: id}, label), input);
}

function eventItem(event) {
  return h(
    "li",
    {class: "event-item"},
    h("a", {href: `/events/${encodeURIComponent(event.slug)}`, class: "event-name"}, event.name),
    h(
      "span",
      {class: "event-meta"},
      `${event.sport} · ${formatLabel(event.format)} · `,
      h("span", {class: ["badge", `status-${event.status}`]}, statusLabel(event.status)),
      ` · ${shortDate(event.starts_on)}${event.ends_on ? ` – ${shortDate(event.ends_on)}` : ""}`,
    ),
  );
}

export async function eventsPage({main, query}) {
  const controller = new AbortController();
  const values = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || ""]));

  const sportList = h("datalist", {id: uid("sports")});
  const inputs = {
    q: h("input", {type: "search", name: "q", value: values.q, autocomplete: "off"}),
    sport: h("input", {type: "text", name: "sport", value: values.sport, list: sportList.id, autocomplete: "off"}),
    status: h(
      "select",
      {name: "status"},
      h("option", {value: ""}, "Any status"),
      STATUSES.map((s) => h("option", {value: s, selected: values.status === s}, statusLabel(s))),
    ),
    from: h("input", {type: "date", name: "from", value: values.from}),
    to: h("input", {type: "date", name: "to", value: values.to}),
  };
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": "Events",
      on: {
        submit: (e) => {
          e.preventDefault();
          const params = new URLSearchParams();
          for (const k of FILTERS) {
            const v = inputs[k].value.trim();
            if (v) {
              params.set(k, v);
            }
          }
          const qs = params.toString();
          navigate(qs ? `/?${qs}` : "/", {replace: true});
        },
      },
    },
    field("Search events", inputs.q),
    field("Sport", inputs.sport),
    field("Status", inputs.status),
    field("Starting from", inputs.from),
    field("Starting until", inputs.to),
    sportList,
    h("div", {class: "field actions"}, h("button", {type: "submit"}, "Search")),
  );

  const list = h("ul", {class: "event-list"});
  const summary = h("p", {class: "result-count", role: "status"});
  const more = h("div", {class: "more"});
  add(main,
    h("h1", null, "Events"),
    h("p", null, "Tournaments and leagues with live scores. ", h("a", {href: "/api-docs/"}, "API documentation")),
    form,
    summary,
    list,
    more,
  );

  const sports = new Set();
  let shown = 0;
  async function load(cursor) {
    clear(more);
    const filters = {...values, limit: 50, cursor};
    let res;
    try {
      res = await api("GET", "/api/v1/events", {query: filters, signal: controller.signal});
    } catch (err) {
      if (err.name === "AbortError") {
        return;
      }
      if (err instanceof ApiError && err.status === 422) {
        showProblem(form, err.problem); // e.g. a bad date next to its field
      } else {
        add(more, problemBox(err));
      }
      return;
    }
    for (const event of res.body.items || []) {
      add(list, eventItem(event));
      if (!sports.has(event.sport)) {
        sports.add(event.sport);
        add(sportList, h("option", {value: event.sport}));
      }
    }
    shown += (res.body.items || []).length;
    summary.textContent = shown === 0 ? "No events match." : `${shown} event${shown === 1 ? "" : "s"} shown.`;
    if (res.body.next_cursor) {
      add(more,
        h("button", {type: "button", class: "secondary", on: {click: () => load(res.body.next_cursor)}}, "Show more events"),
      );
    }
  }
  await load(null);
  return () => controller.abort();
}
