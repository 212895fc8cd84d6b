// Form building blocks shared by the account, console and admin pages:
// labelled fields, submit handling with problem+json errors next to the
// fields, and the "sign in first" guard.
import {h, uid, showProblem, clearProblems} from "../../dom.js";
import * as auth from "../../auth.js";

// A labelled input: field("Email", {name: "email", type: "email"}).
// opts.hint adds a description linked with aria-describedby.
export function field(label, attrs, opts = {}) {
  const id = attrs.id || uid("f");
  const hintId = opts.hint ? uid("hint") : null;
  const input = h(opts.tag || "input", {...attrs, id, "aria-describedby": hintId}, opts.children || null);
  return h(
    "div",
    {class: ["field", opts.class]},
    h("label", {for: id}, label),
    input,
    opts.hint ? h("p", {class: "hint", id: hintId}, opts.hint) : null,
  );
}

// A labelled <select>; options are [value, text] pairs or strings.
export function selectField(label, name, options, selected, opts = {}) {
  const children = options.map((o) => {
    const [value, text] = Array.isArray(o) ? o : [o, o];
    return h("option", {value, selected: value === selected}, text);
  });
  return field(label, {name, ...(opts.attrs || {})}, {...opts, tag: "select", children});
}

// The problem of an error thrown by api() or auth.js; a network failure becomes
// a problem without fields. aliases maps server field names to input names.
export function problemOf(err, aliases = {}) {
  if (err && err.problem) {
    const p = {...err.problem};
    if (Array.isArray(p.errors)) {
      p.errors = p.errors.map((e) => {
        const field = e && typeof e.field === "string" ? e.field : "";
        const base = field.replace(/\[\d+\]$/, "");
        return {...e, field: aliases[field] || aliases[base] || base};
      });
    }
    return p;
  }
  const offline = err && (err.name === "TypeError" || err.name === "AbortError");
  return {title: offline ? "The server could not be reached. Check the connection and try again." : String(err)};
}

// Runs action(form) on submit with the submit buttons disabled; an error is
// shown in the form (fields named by the problem get their message next to
// them). Returns the form.
export function onSubmit(form, action, aliases = {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitter = event.submitter || null;
    const buttons = [...form.querySelectorAll("button")];
    buttons.forEach((b) => {
      b.disabled = true;
    });
    clearProblems(form);
    try {
      await action(form, submitter);
    } catch (err) {
      if (!(err && err.problem)) {
        console.warn(err);
      }
      if (form.isConnected) {
        showProblem(form, problemOf(err, aliases));
      }
    } finally {
      buttons.forEach((b) => {
        b.disabled = false;
      });
    }
  });
  return form;
}

// el.append(...kids) without the null/false children (native append would
// write them as the text "null").
export function put(el, ...kids) {
  el.append(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}

// A short-lived success message in a form (role="status").
export function say(form, text) {
  let box = form.querySelector(":scope > .form-ok");
  if (!box) {
    box = h("p", {class: "form-ok", role: "status"});
    form.prepend(box);
  }
  box.textContent = text;
}

// The value of an input by name, trimmed.
export function value(form, name) {
  const el = form.elements.namedItem(name);
  return el ? String(el.value).trim() : "";
}

// An integer input's value; the raw text when it is not an integer, so that
// the server answers 422 on that field rather than the page guessing.
export function intValue(form, name) {
  const raw = value(form, name);
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

// Resolves to the signed-in user, or renders a "log in first" page into main
// and resolves to null.
export async function requireUser(main, heading) {
  await auth.restore();
  const user = auth.currentUser();
  if (user) {
    return user;
  }
  const next = window.location.pathname + window.location.search;
  main.append(
    h("h1", {tabindex: "-1"}, heading),
    h("p", null, "You need to be signed in to see this page. ", h("a", {href: `/login?next=${encodeURIComponent(next)}`}, "Log in"), " or ",
      h("a", {href: "/register"}, "create an account"), "."),
  );
  return null;
}

// A UTC ISO instant shown in the viewer's locale (and time zone when given).
export function when(iso, timeZone) {
  if (!iso) {
    return "";
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return iso;
  }
  try {
    return d.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short", timeZone: timeZone || undefined});
  } catch {
    return d.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short"});
  }
}

// "2 – 1", or "–" when there is no score yet.
export function scoreText(home, away) {
  return home === null || home === undefined || away === null || away === undefined ? "–" : `${home} – ${away}`;
}
