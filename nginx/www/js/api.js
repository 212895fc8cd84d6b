// api(): the one way pages call the HTTP API. JSON in and out, bearer token
// from auth.js, problem+json errors thrown as ApiError.
import * as auth from "./auth.js";

export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem || {};
    super(p.detail || p.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = {status, ...p};
  }
}

function buildUrl(path, query) {
  const url = new URL(path, window.location.origin);
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === null || value === undefined || value === "") {
        continue;
      }
      url.searchParams.set(key, String(value));
    }
  }
  return url.pathname + url.search;
}

// A read that fails without an answer (the network dropped: TypeError) is sent
// once more after a short pause; writes never are (they may have happened).
async function send(method, url, options) {
  try {
    return await sendOnce(method, url, options);
  } catch (err) {
    if (method !== "GET" || !(err instanceof TypeError) || (options.signal && options.signal.aborted)) {
      throw err;
    }
    await new Promise((resolve) => window.setTimeout(resolve, 500));
    return sendOnce(method, url, options);
  }
}

async function sendOnce(method, url, {body, ifMatch, signal, token}) {
  const headers = {Accept: "application/json, application/problem+json"};
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (ifMatch) {
    headers["If-Match"] = ifMatch;
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  return fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    credentials: "same-origin",
  });
}

async function readBody(response) {
  if (response.status === 204 || response.status === 304) {
    return null;
  }
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    // A body cut by the caller's abort rethrows (callers return on
    // AbortError); a body that is no JSON reads as null.
    return response.json().catch((err) => {
      if (err && err.name === "AbortError") {
        throw err;
      }
      return null;
    });
  }
  return response.text();
}

// api("GET", "/api/v1/events", {query: {q: "cup"}}) → {status, headers, body, etag}.
// Throws ApiError for any non-2xx answer except 304. A 401 while signed in
// refreshes the token once and retries once.
export async function api(method, path, {body, ifMatch, query, signal} = {}) {
  const url = buildUrl(path, query);
  let token = await auth.accessToken();
  let response = await send(method, url, {body, ifMatch, signal, token});
  if (response.status === 401 && token) {
    token = await auth.refresh().then(
      () => auth.accessToken(),
      () => null,
    );
    if (token) {
      response = await send(method, url, {body, ifMatch, signal, token});
    }
  }
  const parsed = await readBody(response);
  if (!response.ok && response.status !== 304) {
    throw new ApiError(response.status, parsed && typeof parsed === "object" ? parsed : {title: String(parsed || "")});
  }
  return {status: response.status, headers: response.headers, body: parsed, etag: response.headers.get("ETag")};
}
