// History API router: route("/events/:slug", render); same-origin <a href="/...">
// clicks are intercepted; each render gets {params, query, main} and may return
// a cleanup function that runs before the next page renders.
import {add, clear, h} from "./dom.js";

const routes = [];
let cleanup = null;
let rendering = 0;
let rendered = null; // pathname + search of the page on screen

function compile(pattern) {
  const names = [];
  const source = pattern
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        names.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return {regex: new RegExp(`^${source}/?$`), names};
}

export function route(pattern, render) {
  routes.push({...compile(pattern), render});
}

function match(pathname) {
  for (const r of routes) {
    const m = r.regex.exec(pathname);
    if (m) {
      const params = {};
      try {
        r.names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1]);
        });
      } catch {
        return null; // a malformed %-escape: no such page
      }
      return {render: r.render, params};
    }
  }
  return null;
}

function notFound({main}) {
  add(main,
    h("h1", null, "Page not found"),
    h("p", null, "There is no page at this address. ", h("a", {href: "/"}, "See all events")),
  );
}

function focusHeading(main) {
  const h1 = main.querySelector("h1");
  const target = h1 || main;
  if (!target.hasAttribute("tabindex")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus({preventScroll: false});
  document.title = h1 ? `${h1.textContent} · Scoreline` : "Scoreline";
}

async function render({focus}) {
  const token = ++rendering;
  if (cleanup) {
    try {
      cleanup();
    } catch (err) {
      console.error(err);
    }
    cleanup = null;
  }
  rendered = window.location.pathname + window.location.search;
  const main = document.getElementById("main");
  clear(main);
  const found = match(window.location.pathname);
  const query = new URLSearchParams(window.location.search);
  try {
    const result = await (found ? found.render : notFound)({params: found ? found.params : {}, query, main});
    if (token !== rendering) {
      if (typeof result === "function") {
        result();
      }
      return;
    }
    cleanup = typeof result === "function" ? result : null;
  } catch (err) {
    if (token !== rendering) {
      return;
    }
    console.error(err);
    clear(main);
    add(main,
      h("h1", null, err && err.status === 404 ? "Not found" : "Something went wrong"),
      h("p", {role: "alert"}, (err && err.message) || String(err)),
    );
  }
  if (focus) {
    focusHeading(main);
  } else {
    const h1 = main.querySelector("h1");
    document.title = h1 ? `${h1.textContent} · Scoreline` : "Scoreline";
  }
}

// Goes to url (same origin) and renders its page.
export function navigate(url, {replace = false} = {}) {
  const target = new URL(url, window.location.href);
  if (replace) {
    history.replaceState(null, "", target.pathname + target.search + target.hash);
  } else {
    history.pushState(null, "", target.pathname + target.search + target.hash);
  }
  return render({focus: true});
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const a = event.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download")) {
    return;
  }
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !a.getAttribute("href").startsWith("/")) {
    return;
  }
  // Leave the server's own pages (API, docs, files with an extension) to the browser.
  if (/^\/(api|api-docs|healthz|readyz|metrics|status)(\/|$)/.test(url.pathname) || /\.[a-z0-9]+$/i.test(url.pathname)) {
    return;
  }
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
    return;
  }
  event.preventDefault();
  navigate(url.href);
}

// Starts the router: renders the current URL and follows link clicks and back/forward.
export function start() {
  document.addEventListener("click", onClick);
  window.addEventListener("popstate", () => {
    // A click on an in-page #fragment link pops state too: the page stays.
    if (window.location.pathname + window.location.search !== rendered) {
      render({focus: true});
    }
  });
  return render({focus: false});
}
