// /console/games/{id}: score entry for one game, phone first (one game per
// screen, +/− buttons and number inputs of at least 44 px). A score is sent
// with If-Match: the version the form was loaded with; a 412 means someone
// else wrote first: the page says so, shows their score and reloads the form
// at the current version. A final game is changed by a correction (organizers
// and admins, with a reason). The history table follows every change.
import {h, clear, showProblem, clearProblems} from "../../dom.js";
import {api} from "../../api.js";
import {allHistory, historyTable} from "../../history.js";
import {field, onSubmit, intValue, value, requireUser, when, scoreText, problemOf} from "./ui.js";

const MAX_SCORE = 999;

// One side's block: team name, −, the number input, +.
function sideControls(form, name, label, team, start) {
  const input = h("input", {
    type: "number",
    name,
    id: `score-${name}`,
    min: "0",
    max: String(MAX_SCORE),
    step: "1",
    inputmode: "numeric",
    required: true,
    value: String(start),
    class: "score-input",
  });
  const step = (delta) => {
    const now = /^\d+$/.test(input.value) ? Number(input.value) : 0;
    input.value = String(Math.min(MAX_SCORE, Math.max(0, now + delta)));
    input.dispatchEvent(new Event("input", {bubbles: true}));
  };
  return h(
    "div",
    {class: "side"},
    h("label", {for: input.id}, label),
    h("p", {class: "team-name", "aria-hidden": "true"}, team),
    h(
      "div",
      {class: "stepper"},
      h("button", {type: "button", class: "step", "aria-label": `Remove a goal for ${team}`, on: {click: () => step(-1)}}, "−"),
      input,
      h("button", {type: "button", class: "step", "aria-label": `Add a goal for ${team}`, on: {click: () => step(1)}}, "+"),
    ),
  );
}

export async function scoreEntry({params, main}) {
  const user = await requireUser(main, "Score entry");
  if (!user) {
    return;
  }
  const id = params.id;
  if (!/^[1-9]\d{0,17}$/.test(id)) {
    main.append(h("h1", {tabindex: "-1"}, "Game not found"), h("p", null, "This is not a game's address."));
    return;
  }
  const title = h("h1", {tabindex: "-1"}, "Score entry");
  const notice = h("div", {class: "notice-area"});
  const body = h("div", null);
  const historyBox = h("section", {"aria-labelledby": "s-history"}, h("h2", {id: "s-history"}, "History"));
  main.append(title, notice, body, historyBox);

  let game = null;
  let ev = null;
  let canCorrect = user.role === "admin";
  let loaded = false;

  async function loadHistory() {
    const items = await allHistory(id);
    historyBox.replaceChildren(
      h("h2", {id: "s-history"}, "History"),
      historyTable(items, {timeZone: ev ? ev.time_zone : undefined, versions: true}),
    );
  }

  async function load() {
    game = (await api("GET", `/api/v1/games/${id}`)).body;
    if (!loaded) {
      ev = (await api("GET", `/api/v1/events/${game.event_id}`)).body;
      if (!canCorrect) {
        try {
          const members = await api("GET", `/api/v1/events/${game.event_id}/members`, {query: {limit: 200}});
          const mine = members.body.items.find((m) => m.user_id === user.id);
          canCorrect = Boolean(mine && mine.role === "organizer");
        } catch (err) {
          if (err.status !== 403) {
            throw err;
          }
        }
      }
      loaded = true;
    }
    render();
    await loadHistory();
  }

  function headline() {
    const home = game.home_team_name || "to be decided";
    const away = game.away_team_name || "to be decided";
    title.textContent = `${home} v ${away}`;
    document.title = `Score: ${home} v ${away} · Scoreline`;
    return h(
      "div",
      {class: "game-head"},
      h(
        "p",
        {class: "crumbs"},
        h("a", {href: `/console/events/${encodeURIComponent(ev.slug)}`}, ev.name),
        " · round ",
        String(game.round),
        " · ",
        when(game.starts_at, game.time_zone),
        game.venue ? ` · ${game.venue}` : "",
      ),
      h(
        "p",
        {class: "big-score", "data-game-id": String(game.id)},
        h("span", {class: "score"}, scoreText(game.home_score, game.away_score)),
        " ",
        h("span", {class: `status badge status-${game.status}`}, game.status),
      ),
      h("p", null, h("a", {href: `/games/${game.id}`}, "Public game page")),
    );
  }

  function scoreForm() {
    const home = game.home_team_name || "home";
    const away = game.away_team_name || "away";
    const form = h("form", {class: "score-form", novalidate: true});
    form.append(
      h(
        "div",
        {class: "sides"},
        sideControls(form, "home_score", "Home score", home, game.home_score ?? 0),
        sideControls(form, "away_score", "Away score", away, game.away_score ?? 0),
      ),
      h(
        "div",
        {class: "score-actions"},
        h("button", {type: "submit", class: "primary big", value: "live"}, "Save live score"),
        h("button", {type: "submit", class: "big", value: "final"}, "Save final score"),
      ),
      h("p", {class: "hint"}, `Saving sends version ${game.version} of the game: if someone else saved meanwhile, nothing changes and the page shows their score.`),
    );
    onSubmit(form, async (f, submitter) => {
      notice.replaceChildren();
      const status = submitter && submitter.value === "final" ? "final" : "live";
      const sent = {home_score: intValue(form, "home_score"), away_score: intValue(form, "away_score"), status};
      try {
        await api("PUT", `/api/v1/games/${id}/score`, {body: sent, ifMatch: `"${game.version}"`});
      } catch (err) {
        if (err.status === 412) {
          await load();
          notice.replaceChildren(
            h(
              "div",
              {class: "form-problem", role: "alert"},
              h("p", null, h("strong", null, "Someone else updated this game."), ` The current score is ${scoreText(game.home_score, game.away_score)} (${game.status}). `,
                game.status !== "final"
                  ? "The form now shows it at the current version: check it and save again if your score is still right."
                  : canCorrect
                    ? "The game is final now: change it with a correction below, with a reason."
                    : "The game is final now: only the event's organizers and admins can correct it."),
            ),
          );
          refocus('[name="home_score"]');
          return;
        }
        if (err.status === 409) {
          await load();
          if (game.status === "final") {
            notice.replaceChildren(
              h(
                "div",
                {class: "form-problem", role: "alert"},
                h("p", null, `This game is final (${scoreText(game.home_score, game.away_score)}). `,
                  canCorrect ? "Use the correction form below to change the result, with a reason." : "Only the event's organizers and admins can correct a final result."),
              ),
            );
            return;
          }
          const current = body.querySelector("form");
          if (current) {
            showProblem(current, problemOf(err));
          }
          return;
        }
        throw err;
      }
      await load();
      notice.replaceChildren(h("p", {class: "form-ok", role: "status"}, `Saved: ${scoreText(game.home_score, game.away_score)} (${game.status}).`));
      refocus(`button[value="${status}"]`, '[name="home_score"]');
    });
    return form;
  }

  function correctionForm() {
    const form = h(
      "form",
      {class: "stack correction", novalidate: true},
      h("p", null, "This game is final. A correction changes the result and the standings; the reason goes into the history and the audit log."),
      h(
        "div",
        {class: "row"},
        field("Home score", {name: "home_score", type: "number", min: "0", max: String(MAX_SCORE), inputmode: "numeric", required: true, value: String(game.home_score ?? 0), class: "score-input"}),
        field("Away score", {name: "away_score", type: "number", min: "0", max: String(MAX_SCORE), inputmode: "numeric", required: true, value: String(game.away_score ?? 0), class: "score-input"}),
      ),
      field("Reason", {name: "reason", required: true, maxlength: "1000", rows: "3"}, {tag: "textarea", hint: "Required: why the result changes (1 to 1,000 characters)."}),
      h("button", {type: "submit", class: "primary big"}, "Correct score"),
    );
    onSubmit(form, async () => {
      notice.replaceChildren();
      const reason = value(form, "reason");
      if (!reason) {
        showProblem(form, {title: "The correction needs a reason.", errors: [{field: "reason", message: "Say why the result changes."}]});
        return;
      }
      const sent = {home_score: intValue(form, "home_score"), away_score: intValue(form, "away_score"), reason};
      try {
        await api("POST", `/api/v1/games/${id}/corrections`, {body: sent, ifMatch: `"${game.version}"`});
      } catch (err) {
        if (err.status === 412) {
          await load();
          notice.replaceChildren(
            h("div", {class: "form-problem", role: "alert"},
              h("p", null, h("strong", null, "Someone else updated this game."), ` The current score is ${scoreText(game.home_score, game.away_score)} (${game.status}). Check it and correct again if needed.`)),
          );
          return;
        }
        throw err;
      }
      await load();
      notice.replaceChildren(h("p", {class: "form-ok", role: "status"}, `Corrected: ${scoreText(game.home_score, game.away_score)}.`));
      refocus('[name="reason"]');
    });
    return form;
  }

  // After a redraw, puts the focus on the first of the selectors that exists
  // (keyboard users stay where they were).
  function refocus(...selectors) {
    for (const sel of selectors) {
      const el = body.querySelector(sel);
      if (el) {
        el.focus();
        return;
      }
    }
  }

  function render() {
    clear(body);
    body.append(headline());
    if (game.status === "final") {
      body.append(
        canCorrect
          ? h("section", {"aria-labelledby": "s-correct"}, h("h2", {id: "s-correct"}, "Correct the final score"), correctionForm())
          : h("p", {class: "note"}, "This game is final. Only the event's organizers and admins can correct it."),
      );
    } else if (game.status === "postponed" || game.status === "cancelled") {
      body.append(h("p", {class: "note"}, `This game is ${game.status}: it takes no score.`));
    } else if (!game.home_team_id || !game.away_team_id) {
      body.append(h("p", {class: "note"}, "Both sides of this game are not known yet: it takes a score once they are."));
    } else {
      body.append(h("section", {"aria-label": "Score entry"}, scoreForm()));
    }
  }

  try {
    await load();
  } catch (err) {
    if (err.status === 404) {
      title.textContent = "Game not found";
      body.append(h("p", null, "No game has this address, or its event is a draft you are not a member of."));
      return;
    }
    const box = h("form", null);
    body.append(box);
    clearProblems(box);
    showProblem(box, problemOf(err));
  }
}
