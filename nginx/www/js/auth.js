// The browser's session: who is signed in, and the tokens that prove it.
// The access token lives in this module's memory only; the refresh token in
// sessionStorage under "scoreline.refresh" (never localStorage: docs/web-ui.md,
// "Accounts and tokens"). Talks to /api/v1/auth/* with fetch directly, so that
// api.js can import this module without a cycle.

const REFRESH_KEY = "scoreline.refresh";
// accessToken() refreshes when less than this is left, and the timer fires
// this long before expiry, so a request never leaves with a token about to lapse.
const EARLY_MS = 60 * 1000;
// A refresh that hangs must not hold every request of the page for ever.
const TIMEOUT_MS = 15 * 1000;
// The longest restore() waits for a rate-limited refresh before the page
// renders signed out (the token stays; the next request tries again).
const RESTORE_WAIT_MS = 8 * 1000;

let access = null; // {token, expiresAt (ms since epoch)}
let user = null; // the User of the last login / refresh / me
let refreshing = null; // the refresh in flight, shared by every caller
let timer = null;
const listeners = new Set();

// Tabs of this origin answer "is this refresh token yours?" on a
// BroadcastChannel, by a SHA-256 fingerprint (the token itself is not sent).
const DUPLICATE_WAIT_MS = 100;
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("scoreline.auth") : null;

async function fingerprint(token) {
  if (!token || !(globalThis.crypto && crypto.subtle)) {
    return null;
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

if (channel) {
  channel.addEventListener("message", async (event) => {
    const msg = event.data || {};
    if (msg.type === "held?" && msg.fp && msg.fp === (await fingerprint(refreshToken()))) {
      channel.postMessage({type: "held", fp: msg.fp});
    }
  });
}

// Resolves to true when another open tab holds this refresh token.
async function heldElsewhere(token) {
  const fp = await fingerprint(token);
  if (!channel || !fp) {
    return false;
  }
  return new Promise((resolve) => {
    const onMessage = (event) => {
      if (event.data && event.data.type === "held" && event.data.fp === fp) {
        done(true);
      }
    };
    const timer = setTimeout(() => done(false), DUPLICATE_WAIT_MS);
    function done(result) {
      clearTimeout(timer);
      channel.removeEventListener("message", onMessage);
      resolve(result);
    }
    channel.addEventListener("message", onMessage);
    channel.postMessage({type: "held?", fp});
  });
}

// Thrown for a non-2xx answer of /api/v1/auth/*: the same shape as api.js's
// ApiError (.status, .problem), so pages show it with dom.showProblem.
export class AuthError extends Error {
  constructor(status, problem, retryAfter = null) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = "AuthError";
    this.status = status;
    this.problem = problem || {status, title: `HTTP ${status}`};
    this.retryAfter = retryAfter; // seconds, from a 429's Retry-After
  }
}

function storedRefresh() {
  try {
    return sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return null; // storage disabled: the session lasts as long as the page
  }
}

let memoryRefresh = null; // used only when sessionStorage is unavailable

function storeRefresh(token) {
  memoryRefresh = token;
  try {
    if (token) {
      sessionStorage.setItem(REFRESH_KEY, token);
    } else {
      sessionStorage.removeItem(REFRESH_KEY);
    }
  } catch {
    // sessionStorage disabled: memoryRefresh keeps the session for this page
  }
}

function refreshToken() {
  return storedRefresh() || memoryRefresh;
}

function notify() {
  for (const fn of listeners) {
    try {
      fn(user);
    } catch (e) {
      console.error(e);
    }
  }
}

function schedule() {
  clearTimeout(timer);
  timer = null;
  if (!access) {
    return;
  }
  const wait = Math.max(0, access.expiresAt - Date.now() - EARLY_MS);
  timer = setTimeout(() => {
    refresh().catch(() => {
      // a failed proactive refresh is retried by the next accessToken()
    });
  }, wait);
}

function accept(pair) {
  access = {token: pair.access_token, expiresAt: Date.now() + Number(pair.expires_in) * 1000};
  storeRefresh(pair.refresh_token);
  const changed = !user || !pair.user || user.id !== pair.user.id || user.role !== pair.user.role ||
    user.display_name !== pair.user.display_name;
  user = pair.user || user;
  schedule();
  if (changed) {
    notify();
  }
}

function forget() {
  const hadUser = user !== null;
  access = null;
  user = null;
  storeRefresh(null);
  clearTimeout(timer);
  timer = null;
  if (hadUser) {
    notify();
  }
}

// POST a JSON body to /api/v1/auth/{path}; returns the parsed body (null for
// 204) or throws AuthError. A network failure or timeout throws TypeError /
// AbortError as fetch does.
async function post(path, body, bearer) {
  const headers = {Accept: "application/json"};
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  const abort = new AbortController();
  const t = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(`/api/v1/auth/${path}`, {
      method: "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      signal: abort.signal,
    });
    const text = await res.text();
    let parsed = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!res.ok) {
      const retry = Number.parseInt(res.headers.get("Retry-After") || "", 10);
      throw new AuthError(res.status, parsed, Number.isFinite(retry) ? retry : null);
    }
    return parsed;
  } finally {
    clearTimeout(t);
  }
}

// Trades the refresh token for a new pair. Concurrent callers share one
// request (the server rotates the token: a second use of it would revoke the
// whole session). Resolves to the new access token, or null when there is no
// session (none stored, or the server refused it: then the user is signed out).
// A network error rejects and keeps the session, so a later call can retry.
export function refresh() {
  if (refreshing) {
    return refreshing;
  }
  const token = refreshToken();
  if (!token) {
    forget();
    return Promise.resolve(null);
  }
  refreshing = (async () => {
    try {
      const pair = await post("refresh", {refresh_token: token});
      accept(pair);
      return access.token;
    } catch (e) {
      if (e instanceof AuthError && (e.status === 401 || e.status === 422)) {
        forget();
        return null;
      }
      throw e;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// The access token for a request, refreshed first when less than a minute is
// left; null when nobody is signed in.
export async function accessToken() {
  if (access && access.expiresAt - Date.now() > EARLY_MS) {
    return access.token;
  }
  if (!refreshToken()) {
    return null;
  }
  return refresh();
}

// Signs in; resolves to the user. Throws AuthError (401 bad credentials,
// 422 field errors, 429 throttled with Retry-After in the detail).
export async function login(email, password) {
  const pair = await post("login", {email, password});
  accept(pair);
  return user;
}

// Creates an account (201 → the user); does not sign in.
export async function register({email, password, display_name}) {
  return post("register", {email, password, display_name});
}

// Ends this session on the server (best effort) and forgets it here either way.
export async function logout() {
  let bearer = null;
  try {
    bearer = await accessToken(); // may rotate the refresh token: read it after
  } catch {
    bearer = null;
  }
  const token = refreshToken();
  forget();
  if (token && bearer) {
    try {
      await post("logout", {refresh_token: token}, bearer);
    } catch (e) {
      console.warn("logout: the server did not confirm", e && e.status);
    }
  }
}

// Ends every session of the account (every device), then this one here.
export async function logoutAll() {
  let bearer = null;
  try {
    bearer = await accessToken();
  } catch {
    bearer = null;
  }
  forget();
  if (bearer) {
    try {
      await post("logout-all", undefined, bearer);
    } catch (e) {
      console.warn("logout-all: the server did not confirm", e && e.status);
    }
  }
}

// Asks for a reset mail (always 202 for a plausible address).
export async function requestPasswordReset(email) {
  return post("password-reset", {email});
}

// Sets a new password with the token from the mail (204). Every session of
// the account ends, this one included.
export async function confirmPasswordReset(token, new_password) {
  await post("password-reset/confirm", {token, new_password});
  forget();
}

// The signed-in user ({id, email, display_name, role, created_at}) or null.
export function currentUser() {
  return user;
}

export function isAdmin() {
  return user !== null && user.role === "admin";
}

// fn(user or null) after every sign-in, sign-out and change of the user.
// Returns a function that unsubscribes.
export function onAuthChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Called at start (and by pages that need to know who is signed in before
// they render): resumes the session of this tab from its refresh token, if
// any. Every call returns the same promise; it never rejects (a network error
// keeps the stored token for a later try).
let restoring = null;
export function restore() {
  if (!restoring) {
    restoring = (async () => {
      if (refreshToken() && (await heldElsewhere(refreshToken()))) {
        // A duplicated tab got a copy of sessionStorage: two tabs holding one
        // refresh token would sign each other out at the next rotation
        // (reuse detection, docs/auth.md). The copy is dropped here only.
        access = null;
        storeRefresh(null);
      }
      // Every page load costs one refresh, which nginx's per-address limit on
      // /api/v1/auth/ counts: on a 429, wait as told (at most RESTORE_WAIT_MS)
      // and try once more before giving up for this page.
      for (let attempt = 0; attempt < 2 && refreshToken() && !user; attempt += 1) {
        try {
          await refresh();
        } catch (e) {
          if (attempt === 0 && e instanceof AuthError && e.status === 429) {
            await new Promise((r) => setTimeout(r, Math.min(RESTORE_WAIT_MS, 1000 * (e.retryAfter || 1))));
            continue;
          }
          console.warn("session not restored", e && e.name);
          break;
        }
      }
      notify();
      return user;
    })();
  }
  return restoring;
}
