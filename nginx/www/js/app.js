// Scoreline web UI entry point: restores the session, registers every page's
// routes and starts the router. Loaded as a module (the CSP forbids inline script).
import {api} from "./api.js";
import * as auth from "./auth.js";
import {route, start} from "./router.js";
import {register as fan} from "./pages/fan/index.js";
import {register as account} from "./pages/account/index.js";
import {register as consoleRoutes} from "./pages/console/index.js";
import {register as admin} from "./pages/admin/index.js";

fan(route);
account(route);
consoleRoutes(route);
admin(route);

// The footer names the API version (GET /api/v1/version), as the first UI did.
async function showVersion() {
  try {
    const res = await api("GET", "/api/v1/version");
    const v = res.body && typeof res.body.version === "string" ? res.body.version : "";
    document.getElementById("api-version").textContent = v ? `· API ${v}` : "";
  } catch (err) {
    console.warn("API version unavailable", err);
  }
}

async function main() {
  showVersion();
  try {
    await auth.restore();
  } catch (err) {
    console.warn("session not restored", err);
  }
  await start();
}

main();
