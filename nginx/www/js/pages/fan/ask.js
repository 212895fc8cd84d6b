// The question box: POST /api/v1/analytics/ask with the event's id. Shows the
// answer, how the question was understood and the result table; a 422 shows
// the reason and the suggestions as buttons that ask them.
import {api, ApiError} from "../../api.js";
import {add, clear, h, problemBox, uid} from "../../dom.js";

const REASONS = {
  empty: "The question is empty.",
  too_long: "The question is too long.",
  ambiguous_name: "A name in the question matches more than one team.",
  weak_name: "A name in the question is too unsure a match.",
  unknown_words: "Some words in the question were not understood.",
  no_intent: "It is not clear what the question asks for.",
  several_intents: "The question asks several things at once.",
  no_event: "The question does not say which event it is about.",
};

function cell(value) {
  if (value === null || value === undefined) {
    return "–";
  }
  return String(value);
}

function interpretation(i) {
  const rows = [["Question type", String(i.intent || "").replaceAll("_", " ")]];
  if (i.event && i.event.name) {
    rows.push(["Event", i.event.name]);
  }
  if (Array.isArray(i.teams) && i.teams.length) {
    rows.push(["Teams", i.teams.map((t) => t.name).join(", ")]);
  }
  if (i.metric) {
    rows.push(["Measure", String(i.metric).replaceAll("_", " ")]);
  }
  if (i.order) {
    rows.push(["Order", i.order === "high" ? "highest first" : "lowest first"]);
  }
  if (i.venue && i.venue !== "all") {
    rows.push(["Venue", `${i.venue} games`]);
  }
  if (i.n !== null && i.n !== undefined) {
    rows.push(["Number", String(i.n)]);
  }
  const t = i.time || {};
  if (t.round) {
    rows.push(["Round", String(t.round)]);
  }
  if (t.month) {
    rows.push(["Month", new Intl.DateTimeFormat("en-GB", {month: "long", timeZone: "UTC"}).format(new Date(Date.UTC(2000, t.month - 1, 1)))]);
  }
  if (t.last_n) {
    rows.push(["Period", `last ${t.last_n} games`]);
  }
  if (t.period) {
    rows.push(["Period", t.period.replaceAll("_", " ")]);
  }
  return h(
    "details",
    {class: "interpretation"},
    h("summary", null, "How the question was understood"),
    h("dl", null, rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)])),
  );
}

function resultTable(body) {
  if (!Array.isArray(body.columns) || !body.columns.length) {
    return null;
  }
  return h(
    "div",
    {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Answer table, scrollable"},
    h(
      "table",
      {class: "answer-table"},
      h("caption", null, "Answer"),
      h("thead", null, h("tr", null, body.columns.map((c) => h("th", {scope: "col"}, String(c).replaceAll("_", " "))))),
      h(
        "tbody",
        null,
        (body.rows || []).map((r) => h("tr", null, r.map((v) => h("td", {class: typeof v === "number" ? "num" : null}, cell(v))))),
      ),
    ),
  );
}

export function askBox(event) {
  const inputId = uid("ask");
  const input = h("input", {type: "text", id: inputId, name: "question", maxlength: "500", autocomplete: "off", required: true});
  const button = h("button", {type: "submit"}, "Ask");
  const out = h("div", {class: "ask-result", "aria-live": "polite"});
  let controller = null;

  async function ask(question) {
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    add(clear(out), h("p", {class: "muted"}, "Asking…"));
    button.disabled = true;
    try {
      const res = await api("POST", "/api/v1/analytics/ask", {body: {question, event_id: event.id}, signal: controller.signal});
      const body = res.body || {};
      add(clear(out),
        h("p", {class: "answer"}, body.answer || "No answer."),
        body.interpretation ? interpretation(body.interpretation) : null,
        resultTable(body),
      );
    } catch (err) {
      if (err.name === "AbortError") {
        return;
      }
      if (err instanceof ApiError && err.status === 422 && err.problem.reason) {
        const p = err.problem;
        const suggestions = Array.isArray(p.suggestions) ? p.suggestions : [];
        add(clear(out),
          h(
            "div",
            {class: "form-problem", role: "alert"},
            h("p", null, REASONS[p.reason] || p.detail || "The question was not understood."),
            p.detail && REASONS[p.reason] ? h("p", null, p.detail) : null,
          ),
          suggestions.length
            ? h(
                "div",
                {class: "suggestions"},
                h("p", null, "Try one of these:"),
                h(
                  "ul",
                  null,
                  suggestions.map((s) =>
                    h(
                      "li",
                      null,
                      h(
                        "button",
                        {
                          type: "button",
                          class: "secondary",
                          on: {
                            click: () => {
                              input.value = s;
                              ask(s);
                            },
                          },
                        },
                        s,
                      ),
                    ),
                  ),
                ),
              )
            : null,
        );
      } else {
        add(clear(out), problemBox(err));
      }
    } finally {
      button.disabled = false;
    }
  }

  const form = h(
    "form",
    {
      class: "ask-form",
      on: {
        submit: (e) => {
          e.preventDefault();
          const q = input.value.trim();
          if (q) {
            ask(q);
          }
        },
      },
    },
    h("label", {for: inputId}, "Ask a question"),
    h("p", {class: "muted hint", id: `${inputId}-hint`}, "For example: Who won? Who scored the most goals at home? Form of Arsenal"),
    h("div", {class: "ask-row"}, input, button),
  );
  input.setAttribute("aria-describedby", `${inputId}-hint`);
  return h("div", {class: "ask-box"}, form, out);
}
