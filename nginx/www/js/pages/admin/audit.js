// /admin/audit: the audit log, newest first, filtered by actor, action and
// time (the filters live in the page's URL, so a filtered view can be shared);
// "Who" shows the actor's display name (actor id when it has none).
import {h, showProblem} from "../../dom.js";
import {api} from "../../api.js";
import {navigate} from "../../router.js";
import {field, onSubmit, value, when, problemOf} from "../console/ui.js";
import {requireAdmin, adminNav} from "./guard.js";

const FILTERS = ["actor_id", "action", "from", "to"];

// A short, readable rendering of a before/after object.
function summary(obj) {
  if (obj === null || obj === undefined) {
    return "";
  }
  const text = typeof obj === "object" ? JSON.stringify(obj) : String(obj);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function who(row) {
  if (row.actor_display_name) {
    return row.actor_id ? `${row.actor_display_name} (${row.actor_id})` : row.actor_display_name;
  }
  return row.actor_id ? `user ${row.actor_id}` : "—";
}

function auditRow(row) {
  return h(
    "tr",
    null,
    h("td", null, when(row.created_at)),
    h("td", null, who(row)),
    h("td", null, row.action),
    h("td", null, row.target_type ? `${row.target_type}${row.target_id ? ` ${row.target_id}` : ""}` : ""),
    h("td", {class: "evidence"}, row.before ? h("div", null, h("strong", null, "before "), summary(row.before)) : null,
      row.after ? h("div", null, h("strong", null, "after "), summary(row.after)) : null),
    h("td", null, row.ip || ""),
    h("td", null, row.request_id || ""),
  );
}

export async function auditPage({query, main}) {
  const user = await requireAdmin(main, "Audit log");
  if (!user) {
    return;
  }
  const filters = {};
  for (const k of FILTERS) {
    if (query.get(k)) {
      filters[k] = query.get(k);
    }
  }
  const form = h(
    "form",
    {class: "filters", novalidate: true, "aria-label": "Filter the audit log"},
    field("Actor id", {name: "actor_id", type: "number", min: "1", inputmode: "numeric", value: filters.actor_id || ""}),
    field("Action", {name: "action", value: filters.action || "", placeholder: "auth.login_failed", autocomplete: "off"}),
    field("From", {name: "from", value: filters.from || "", placeholder: "2026-01-31 or 2026-01-31T08:00Z", autocomplete: "off"}, {hint: "Inclusive"}),
    field("To", {name: "to", value: filters.to || "", placeholder: "2026-02-01", autocomplete: "off"}, {hint: "Exclusive"}),
    h("button", {type: "submit", class: "primary"}, "Filter"),
  );
  onSubmit(form, async () => {
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      if (value(form, k)) {
        q.set(k, value(form, k));
      }
    }
    const s = q.toString();
    await navigate(`/admin/audit${s ? `?${s}` : ""}`);
  });
  const tbody = h("tbody", null);
  const table = h(
    "table",
    null,
    h("caption", null, "Audit log"),
    h("thead", null, h("tr", null, ["When", "Who", "Action", "Target", "Details", "IP", "Request id"].map((c) => h("th", {scope: "col"}, c)))),
    tbody,
  );
  const more = h("button", {type: "button", hidden: true}, "Load more");
  const count = h("p", {role: "status", class: "muted"});
  main.append(h("h1", {tabindex: "-1"}, "Audit log"), adminNav("audit"), form, count, h("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Audit log, scrollable"}, table), h("p", {class: "pager"}, more));

  let cursor = null;
  let shown = 0;
  async function page() {
    const res = await api("GET", "/api/v1/admin/audit", {query: {...filters, limit: 50, cursor}});
    tbody.append(...res.body.items.map(auditRow));
    shown += res.body.items.length;
    cursor = res.body.next_cursor;
    more.hidden = !cursor;
    count.textContent = shown ? `${shown} rows shown${cursor ? "; more are available" : ""}.` : "No audit row matches these filters.";
  }
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      await page();
    } catch (err) {
      count.textContent = `Could not load more: ${err.message}`;
    } finally {
      more.disabled = false;
    }
  });
  try {
    await page();
  } catch (err) {
    // A bad filter is a 422 naming the parameter: show it next to its field.
    showProblem(form, problemOf(err));
    count.textContent = "";
  }
}
