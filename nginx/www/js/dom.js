// DOM helpers: build elements from data without innerHTML, and show
// application/problem+json errors next to the form fields they name.

let nextId = 0;

// A unique id for elements that need one (labels, aria-describedby).
export function uid(prefix = "id") {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

function append(el, child) {
  if (child === null || child === undefined || child === false || child === true) {
    return;
  }
  if (Array.isArray(child)) {
    for (const c of child) {
      append(el, c);
    }
    return;
  }
  if (child instanceof Node) {
    el.appendChild(child);
    return;
  }
  el.appendChild(document.createTextNode(String(child)));
}

// Appends children to el like h() does (arrays flattened; null, undefined and
// booleans skipped: Element.append would write them as text). Returns el.
export function add(el, ...children) {
  append(el, children);
  return el;
}

// h("a", {href: "/", class: "x", on: {click: fn}}, "text", child, [more]).
// attrs: class, text (textContent), for, data-*, aria-*, on: {event: fn};
// any other key is set as an attribute (true → empty attribute, false/null → absent).
// Children may be strings, numbers, nodes, arrays; null/undefined/booleans are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (key === "on") {
        for (const [type, fn] of Object.entries(value)) {
          el.addEventListener(type, fn);
        }
      } else if (key === "text") {
        el.textContent = String(value);
      } else if (key === "class") {
        el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
      } else if (key === "for") {
        el.htmlFor = String(value);
      } else if (key === "value" && "value" in el) {
        el.value = String(value);
      } else if (key === "checked" || key === "selected" || key === "disabled") {
        el[key] = Boolean(value);
        if (value) {
          el.setAttribute(key, "");
        }
      } else if (value === true) {
        el.setAttribute(key, "");
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

// Removes every child of el; returns el.
export function clear(el) {
  while (el.firstChild) {
    el.removeChild(el.firstChild);
  }
  return el;
}

// Removes what showProblem added to form.
export function clearProblems(form) {
  for (const box of form.querySelectorAll(".form-problem")) {
    box.remove();
  }
  for (const err of form.querySelectorAll(".field-error")) {
    const input = form.querySelector(`[aria-describedby~="${err.id}"]`);
    if (input) {
      const rest = (input.getAttribute("aria-describedby") || "")
        .split(/\s+/)
        .filter((x) => x && x !== err.id);
      if (rest.length) {
        input.setAttribute("aria-describedby", rest.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
    }
    err.remove();
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
}

// Shows a problem+json body in form: each errors[{field, message}] whose field
// names an input goes next to it (.field-error, aria-invalid, aria-describedby);
// the title/detail and the other errors go in a role="alert" box at the top.
export function showProblem(form, problem) {
  clearProblems(form);
  const p = problem || {};
  const rest = [];
  let first = null;
  for (const e of Array.isArray(p.errors) ? p.errors : []) {
    const field = e && typeof e.field === "string" ? e.field : "";
    const message = e && e.message !== undefined ? String(e.message) : "is invalid";
    const input = field ? form.querySelector(`[name="${CSS.escape(field)}"]`) : null;
    if (!input) {
      rest.push(field ? `${field}: ${message}` : message);
      continue;
    }
    const id = uid("field-error");
    const err = h("p", {class: "field-error", id}, message);
    const anchor = input.closest("label") && input.closest("label") !== form ? input.closest("label") : input;
    anchor.after(err);
    input.setAttribute("aria-invalid", "true");
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
    first = first || input;
  }
  const summary = p.detail || p.title || (p.status ? `Request failed (HTTP ${p.status})` : "Request failed");
  const box = h(
    "div",
    {class: "form-problem", role: "alert"},
    h("p", null, summary),
    rest.length ? h("ul", null, rest.map((r) => h("li", null, r))) : null,
    p.request_id ? h("p", {class: "muted"}, `Request id: ${p.request_id}`) : null,
  );
  form.prepend(box);
  if (first) {
    first.focus();
  }
}

// A role="alert" box for errors outside forms.
export function problemBox(err) {
  const p = (err && err.problem) || {};
  const text = p.detail || p.title || (err && err.message) || "Something went wrong";
  return h(
    "div",
    {class: "form-problem", role: "alert"},
    h("p", null, text),
    p.request_id ? h("p", {class: "muted"}, `Request id: ${p.request_id}`) : null,
  );
}
