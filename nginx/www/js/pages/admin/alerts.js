// /admin/alerts: integrity alerts (docs/integrity.md) with filters, a status
// change per row (PATCH with If-Match; 409, 412 and 422 shown in the row) and
// the admin stream, whose alert.created / alert.updated messages put the
// alert at the top of the table (or update its row) as they come.
import {h, showProblem} from "../../dom.js";
import {api} from "../../api.js";
import {openStream} from "../../live.js";
import {navigate} from "../../router.js";
import {field, selectField, onSubmit, value, when, problemOf} from "../console/ui.js";
import {requireAdmin, adminNav} from "./guard.js";

const FILTERS = ["status", "kind", "severity", "event_id", "from", "to"];
const STATUSES = ["open", "acknowledged", "resolved", "dismissed"];
const KINDS = ["margin_outlier", "implausible_score", "unexpected_result", "final_corrected", "repeated_corrections", "edit_burst",
  "change_after_completion", "score_before_start", "late_score"];
const SEVERITIES = ["info", "warning", "critical"];
// Where an admin may move an alert (docs/integrity.md, the status workflow);
// the first is offered first. Every target stays selectable, so a refused
// move shows the server's 409.
const NEXT = {open: "acknowledged", acknowledged: "resolved", resolved: "acknowledged", dismissed: "acknowledged"};
const TARGETS = ["acknowledged", "resolved", "dismissed"];

function evidence(ev) {
  if (!ev || typeof ev !== "object") {
    return "";
  }
  const entries = Object.entries(ev).slice(0, 12);
  return h("dl", null, entries.map(([k, v]) => [h("dt", null, k), h("dd", null, typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : String(v))]));
}

// Whether an alert from the stream belongs in the table under these filters
// (the time filters are left to the next reload).
function matches(alert, filters) {
  return (!filters.status || alert.status === filters.status) && (!filters.kind || alert.kind === filters.kind) &&
    (!filters.severity || alert.severity === filters.severity) && (!filters.event_id || String(alert.event_id) === filters.event_id);
}

export async function alertsPage({query, main}) {
  const user = await requireAdmin(main, "Alerts");
  if (!user) {
    return;
  }
  const filters = {};
  for (const k of FILTERS) {
    if (query.get(k)) {
      filters[k] = query.get(k);
    }
  }
  const any = [["", "any"]];
  const form = h(
    "form",
    {class: "filters", novalidate: true, "aria-label": "Filter the alerts"},
    selectField("Status", "status", any.concat(STATUSES), filters.status || ""),
    selectField("Kind", "kind", any.concat(KINDS), filters.kind || ""),
    selectField("Severity", "severity", any.concat(SEVERITIES), filters.severity || ""),
    field("Event id", {name: "event_id", type: "number", min: "1", inputmode: "numeric", value: filters.event_id || ""}),
    field("From", {name: "from", value: filters.from || "", placeholder: "2026-01-31", autocomplete: "off"}, {hint: "Created at or after"}),
    field("To", {name: "to", value: filters.to || "", placeholder: "2026-02-01", autocomplete: "off"}, {hint: "Created before"}),
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
    await navigate(`/admin/alerts${s ? `?${s}` : ""}`);
  });

  const rows = new Map(); // alert id → {tr, alert}
  const tbody = h("tbody", null);
  const table = h(
    "table",
    null,
    h("caption", null, "Alerts"),
    h("thead", null, h("tr", null, ["Alert", "Status", "Game", "Caused by", "Seen", "Evidence", "Change"].map((c) => h("th", {scope: "col"}, c)))),
    tbody,
  );
  const count = h("p", {role: "status", class: "muted"});
  const liveNote = h("p", {class: "muted", "aria-live": "polite"});
  const more = h("button", {type: "button", hidden: true}, "Load more");

  function cells(alert) {
    const select = h(
      "select",
      {"aria-label": "Status", name: "status"},
      TARGETS.map((s) => h("option", {value: s, selected: s === NEXT[alert.status]}, s)),
    );
    const note = h("input", {type: "text", name: "note", "aria-label": "Note", maxlength: "1000", placeholder: "note (optional)"});
    const msg = h("span", {class: "row-message"});
    const update = h("button", {type: "button"}, "Update");
    update.addEventListener("click", async () => {
      update.disabled = true;
      msg.replaceChildren();
      const body = {status: select.value};
      if (note.value.trim()) {
        body.note = note.value;
      }
      try {
        const res = await api("PATCH", `/api/v1/admin/alerts/${alert.id}`, {body, ifMatch: `"${alert.version}"`});
        upsert(res.body, false);
        const fresh = rows.get(alert.id);
        fresh.tr.querySelector(".row-message").replaceChildren(h("span", {role: "status", class: "form-ok"}, `Now ${res.body.status}.`));
        fresh.tr.querySelector("button").focus();
      } catch (err) {
        const p = problemOf(err);
        if (err.status === 412) {
          try {
            const cur = await api("GET", `/api/v1/admin/alerts/${alert.id}`);
            upsert(cur.body, false);
          } catch (e) {
            console.warn(e);
          }
          const fresh = rows.get(alert.id);
          fresh.tr.querySelector(".row-message").replaceChildren(
            h("span", {role: "alert", class: "error-text"}, `Someone else changed this alert first: it is ${fresh.alert.status} now. Choose again.`),
          );
          fresh.tr.querySelector("select").focus();
          return;
        }
        const detail = [p.detail || p.title, ...(Array.isArray(p.errors) ? p.errors.map((e) => `${e.field}: ${e.message}`) : [])].filter(Boolean).join(" ");
        msg.replaceChildren(h("span", {role: "alert", class: "error-text"}, detail || "The change was refused."));
      } finally {
        update.disabled = false;
      }
    });
    const game = alert.game_id
      ? h("a", {href: `/games/${alert.game_id}`}, `${alert.home_team_name || "?"} v ${alert.away_team_name || "?"}`)
      : "—";
    return [
      h("td", null, h("div", null, `#${alert.id} ${alert.kind}`), h("div", {class: `severity-${alert.severity}`}, alert.severity), h("div", {class: "muted"}, when(alert.created_at))),
      h("td", null, h("span", {class: `badge status-${alert.status}`}, alert.status)),
      h("td", null, game, alert.event_name ? h("div", {class: "muted"}, alert.event_name) : null),
      h("td", null, alert.user_display_name || (alert.user_id ? `user ${alert.user_id}` : "—")),
      h("td", null, String(alert.occurrences)),
      h("td", {class: "evidence"}, h("details", null, h("summary", null, "Evidence"), evidence(alert.evidence))),
      h("td", {class: "actions"}, select, note, update, msg),
    ];
  }

  // Shows alert: replaces its row, or adds one (at the top when it is new
  // from the stream, at the bottom for a page read in order).
  function upsert(alert, fromStream) {
    const known = rows.get(alert.id);
    // The stream and a PATCH answer can bring the same version in either
    // order: keep the row already shown unless this copy is newer.
    if (known && (known.alert.version > alert.version || (fromStream && known.alert.version === alert.version))) {
      return;
    }
    const tr = h("tr", {"data-alert-id": String(alert.id), class: fromStream ? "fresh" : null}, cells(alert));
    if (known) {
      known.tr.replaceWith(tr);
    } else if (fromStream) {
      tbody.prepend(tr);
    } else {
      tbody.append(tr);
    }
    rows.set(alert.id, {tr, alert});
  }

  main.append(h("h1", {tabindex: "-1"}, "Alerts"), adminNav("alerts"), form, count, liveNote, h("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Alerts, scrollable"}, table), h("p", {class: "pager"}, more));

  let cursor = null;
  async function page() {
    const res = await api("GET", "/api/v1/admin/alerts", {query: {...filters, limit: 50, cursor}});
    res.body.items.forEach((a) => upsert(a, false));
    cursor = res.body.next_cursor;
    more.hidden = !cursor;
    count.textContent = rows.size ? `${rows.size} alerts shown${cursor ? "; more are available" : ""}.` : "No alert matches these filters.";
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
    showProblem(form, problemOf(err));
    count.textContent = "";
    return;
  }

  const close = openStream("/api/v1/admin/stream", {
    onMessage(type, data) {
      if ((type !== "alert.created" && type !== "alert.updated") || !data || !data.alert) {
        return;
      }
      const known = rows.has(data.alert.id);
      if (!known && !matches(data.alert, filters)) {
        return;
      }
      upsert(data.alert, true);
      liveNote.textContent = `${type === "alert.created" ? "New alert" : "Alert updated"}: ${data.alert.kind} (${data.alert.severity}), id ${data.alert.id}.`;
    },
  });
  return close;
}
