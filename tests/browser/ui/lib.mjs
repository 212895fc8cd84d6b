// tests/browser/ui/lib.mjs: what every web UI scenario shares (issue 17).
// A scenario is a node script run by tests/browser/ui_browser_test.cpp on a
// harness::Stack; it exits 0 when every check held, 1 otherwise (the reason on
// stderr). Pages are found by the accessible names of docs/web-ui.md.
//
// Every page opened through newPage() fails the scenario on a CSP violation
// (a `securitypolicyviolation` listener installed before any page script), a
// console error or an uncaught exception, unless the scenario allowed that
// message with allowConsoleError(regex) (e.g. the 412 it provokes).
//
// Environment: BASE_URL (https://127.0.0.1:PORT), SCREENSHOT_DIR (where
// checkPage() writes NAME-1280.png and NAME-390.png), CONTROL_DIR (the
// handshake with the C++ side, control()), ADMIN_EMAIL / ADMIN_PASSWORD (an
// admin made by the C++ side), TIMEOUT_MS (the whole scenario), CHROMIUM.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, request } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE_URL = process.env.BASE_URL;
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || '';
const CONTROL_DIR = process.env.CONTROL_DIR || '';
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS || 120000);
export const ADMIN = { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };

const problems = [];
const allowed = [];

// A console error matching re does not fail the scenario (for the errors a
// scenario provokes on purpose: a 412, a stream that is down).
export function allowConsoleError(re) {
  allowed.push(re);
}

function fail(what) {
  problems.push(what);
  console.error('FAIL: ' + what);
}

export function check(ok, what) {
  if (!ok) {
    throw new Error(what);
  }
}

export function log(line) {
  console.error(line);
}

// Runs body(browser) with the scenario's time bound; exits the process.
export async function runScenario(name, body) {
  if (!BASE_URL) {
    console.error('BASE_URL is required');
    process.exit(2);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let code = 1;
  const timer = setTimeout(() => {
    console.error(`${name}: no result within ${TIMEOUT_MS} ms`);
    process.exit(1);
  }, TIMEOUT_MS);
  try {
    await body(browser);
    code = problems.length === 0 ? 0 : 1;
    if (code !== 0) {
      console.error(`${name}: ${problems.length} problem(s):\n  ` + problems.join('\n  '));
    }
  } catch (err) {
    console.error(`${name}: ${err.stack || err.message}`);
    if (problems.length) {
      console.error('also:\n  ' + problems.join('\n  '));
    }
  } finally {
    clearTimeout(timer);
    await browser.close().catch(() => {});
  }
  console.log(code === 0 ? `${name}: ok` : `${name}: failed`);
  process.exit(code);
}

// A browser context (its own cookies and sessionStorage: one user) and a page
// in it, watched for CSP violations, console errors and page errors.
// options: width (1280), height (800), colorScheme, isMobile, label (for messages).
export async function newPage(browser, options = {}) {
  const width = options.width || 1280;
  const label = options.label || `page@${width}`;
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,  // the stack's certificate is self-signed
    viewport: { width, height: options.height || 800 },
    colorScheme: options.colorScheme || 'light',
    isMobile: !!options.isMobile,
    hasTouch: !!options.isMobile,
    baseURL: BASE_URL,
  });
  // Reported through the console, so one listener below sees both kinds.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}` +
                    ` at ${e.sourceFile || '?'}:${e.lineNumber || 0} (${e.sample || ''})`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on('console', (m) => {
    if (m.type() !== 'error') {
      return;
    }
    // A failed load names its URL in the location, not in the text.
    const where = m.location() && m.location().url ? ` (${m.location().url})` : '';
    const text = m.text() + where;
    if (text.startsWith('CSP violation') || !allowed.some((re) => re.test(text))) {
      fail(`${label} ${page.url()}: console error: ${text}`);
    }
  });
  page.on('pageerror', (e) => fail(`${label} ${page.url()}: uncaught ${e.message}`));
  return { context, page };
}

// Navigates and waits until the page has rendered its h1 (the router moves
// focus there after each render).
export async function open(page, path) {
  await page.goto(path, { waitUntil: 'load' });
  await page.locator('h1').first().waitFor({ state: 'visible' });
}

// axe-core on the page as it is: no serious or critical violation, in light
// and in dark mode. axe runs through the DevTools protocol (evaluate), which
// the page's CSP does not govern, so no inline script is injected.
export async function runAxe(page, name) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await sleep(250);  // transitions of colours settle
    const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!hasAxe) {
      await page.evaluate(axeSource);
    }
    const result = await page.evaluate(() => window.axe.run(document, {
      resultTypes: ['violations'],
    }));
    for (const v of result.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
        fail(`axe ${name} (${scheme}): ${v.impact} ${v.id}: ${v.help} [${where}]`);
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// Screenshots at 1280 and 390 px wide (light mode) into SCREENSHOT_DIR.
// At each width the page must not scroll sideways (also without SCREENSHOT_DIR).
export async function screenshots(page, name, { fullPage = true } = {}) {
  const before = page.viewportSize();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await sleep(200);
    await noSidewaysScroll(page, `${name} at ${width} px`);
    if (SCREENSHOT_DIR) {
      await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${width}.png`, fullPage,
                              animations: 'disabled' });
    }
  }
  await page.setViewportSize(before);
}

// axe in both modes, then the screenshots.
export async function checkPage(page, name, options = {}) {
  await runAxe(page, name);
  await screenshots(page, name, options);
}

// Asks the C++ side to do `command` (a line "control COMMAND" on stdout) and
// waits for its answer, the file CONTROL_DIR/COMMAND.done.
export async function control(command, timeoutMs = 30000) {
  check(CONTROL_DIR, 'CONTROL_DIR is not set');
  console.log(`control ${command}`);
  const done = `${CONTROL_DIR}/${command}.done`;
  const until = Date.now() + timeoutMs;
  while (!existsSync(done)) {
    check(Date.now() < until, `the C++ side did not do "${command}" in ${timeoutMs} ms`);
    await sleep(50);
  }
}

// --- data through the API (what the UI is not under test for) ---

export async function apiClient() {
  const ctx = await request.newContext({ baseURL: BASE_URL, ignoreHTTPSErrors: true });
  async function call(method, path, { body, token, ifMatch, expect } = {}) {
    const headers = {};
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    if (ifMatch) {
      headers['If-Match'] = ifMatch;
    }
    const r = await ctx.fetch(path, { method, headers, data: body });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (expect !== undefined && r.status() !== expect) {
      throw new Error(`${method} ${path}: ${r.status()} (wanted ${expect}): ${text}`);
    }
    return { status: r.status(), body: json, etag: r.headers().etag };
  }
  return { call, dispose: () => ctx.dispose() };
}

export function tag() {
  return randomBytes(4).toString('hex');
}

// 20 random letters and digits around fixed punctuation, as the C++ harness's
// strong_password() makes them.
export function strongPassword() {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  let pw = 'Tq-';
  for (const b of bytes) {
    pw += alphabet[b % alphabet.length];
  }
  return pw + '!7';
}

// A registered, signed-in user: {id, email, password, display_name, token}.
// cracklib may call a random password systematic: then another one (3 tries).
// displayName: a fixed one (screenshots that do not change from run to run).
export async function signUp(api, who, displayName) {
  for (let attempt = 1; ; ++attempt) {
    const t = tag();
    const user = { email: `${who}-${t}@example.org`, password: strongPassword(),
                   display_name: displayName || `${who[0].toUpperCase()}${who.slice(1)} ${t}` };
    const r = await api.call('POST', '/api/v1/auth/register', { body: user });
    if (r.status === 201) {
      return { ...user, id: r.body.id, token: await logIn(api, user) };
    }
    const weak = r.status === 422 && (r.body.errors || []).some((e) => e.field === 'password');
    if (!weak || attempt === 3) {
      throw new Error(`POST /api/v1/auth/register: ${r.status}: ${JSON.stringify(r.body)}`);
    }
  }
}

export async function logIn(api, { email, password }) {
  const r = await api.call('POST', '/api/v1/auth/login', { body: { email, password }, expect: 200 });
  return r.body.access_token;
}

// A live round-robin event of `teams` teams with its schedule, made by
// `organizer`: {event, teams, games}. scorekeepers get that role.
export async function makeLeague(api, organizer, { teams = 4, scorekeepers = [], name } = {}) {
  const token = organizer.token;
  const t = tag();
  const created = await api.call('POST', '/api/v1/events', {
    token, expect: 201,
    body: { name: name || `Test League ${t}`, sport: 'football', format: 'round_robin',
            starts_on: '2026-12-01', time_zone: 'Europe/London' },
  });
  const event = created.body;
  const made = [];
  const names = ['Harbour City', 'Northgate Rovers', 'Valley United', 'Ironbridge Town',
                 'Lakeside Athletic', 'Southfield Wanderers'];
  for (let i = 0; i < teams; ++i) {
    const r = await api.call('POST', `/api/v1/events/${event.id}/teams`, {
      token, expect: 201, body: { name: names[i] },
    });
    made.push(r.body);
  }
  for (const user of scorekeepers) {
    await api.call('POST', `/api/v1/events/${event.id}/members`, {
      token, body: { user_id: user.id, role: 'scorekeeper' },
    });
  }
  const schedule = await api.call('POST', `/api/v1/events/${event.id}/schedule`, {
    token, expect: 201, body: { first_game_at: '2026-12-05T15:00:00Z', minutes_between_rounds: 60 },
  });
  const live = await api.call('PATCH', `/api/v1/events/${event.id}`, {
    token, expect: 200, body: { status: 'live' },
  });
  return { event: live.body, teams: made, games: schedule.body.games };
}

export function teamName(league, id) {
  return league.teams.find((x) => x.id === id).name;
}

// PUT a score with the game's current version.
export async function putScore(api, token, gameId, home, away, status) {
  const game = await api.call('GET', `/api/v1/games/${gameId}`, { token, expect: 200 });
  return api.call('PUT', `/api/v1/games/${gameId}/score`, {
    token, ifMatch: game.etag, expect: 200,
    body: { home_score: home, away_score: away, status },
  });
}

// --- the UI's own steps ---

export async function logInUI(page, { email, password }) {
  await open(page, '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor({ state: 'visible' });
}

// The text of a game's score box on a fan page ("2 – 1" or "–").
export async function scoreText(page, gameId) {
  return (await page.locator(`[data-game-id="${gameId}"] .score`).first().textContent()).trim();
}

// Waits until the game's score box reads `text`; returns the ms it took.
export async function waitForScore(page, gameId, text, timeoutMs) {
  const started = Date.now();
  await page.waitForFunction(
    ({ id, want }) => {
      const el = document.querySelector(`[data-game-id="${id}"] .score`);
      return el && el.textContent.trim() === want;
    },
    { id: gameId, want: text }, { timeout: timeoutMs, polling: 20 });
  return Date.now() - started;
}

// Fails when the page scrolls sideways at its current width.
export async function noSidewaysScroll(page, name) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  if (scroll > client) {
    fail(`${name}: scrolls sideways at ${client} px (content ${scroll} px wide)`);
  }
}

export { sleep, fail };
