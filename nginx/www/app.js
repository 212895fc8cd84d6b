// Scoreline web UI: shows the API version from GET /api/v1/version.
// Loaded as an external file: the Content-Security-Policy forbids inline script.
"use strict";

function show(text, state, detail) {
  const version = document.getElementById("api-version");
  version.textContent = text;
  version.className = state;
  document.getElementById("api-detail").textContent = detail || "";
}

async function loadVersion() {
  try {
    const response = await fetch("/api/v1/version", {
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const why = body && body.title ? body.title : "HTTP " + response.status;
      const id = body && body.request_id ? " (request id " + body.request_id + ")" : "";
      show("unavailable", "error", why + id);
      return;
    }
    const text = body && typeof body.version === "string" ? body.version : JSON.stringify(body);
    const extra = [];
    if (body && body.schema_version !== undefined) {
      extra.push("schema " + body.schema_version);
    }
    if (body && typeof body.commit === "string") {
      extra.push("commit " + body.commit);
    }
    show(text, "ok", extra.join(", "));
  } catch (err) {
    show("unavailable", "error", "The API could not be reached: " + err.message);
  }
}

document.addEventListener("DOMContentLoaded", loadVersion);
