// tests/browser/eventsource.mjs: Chromium's own EventSource receives live
// updates from scoreline-sse through nginx (issue 6). Driven by
// tests/browser/sse_browser_test.cpp, which starts the stack, waits for the
// line "open" on stdout, commits outbox rows and checks the lines
// "message {json}" that follow. The EventSource reconnects by itself when
// the stream ends (each success prints "open" again); a refused reconnect
// ends it for good. Exit 0 once MESSAGES messages arrived, 1 on anything else.
//
// Environment: BASE_URL (https://127.0.0.1:PORT), STREAM_PATH
// (/api/v1/events/ID/stream), MESSAGES (default 1), TIMEOUT_MS (default
// 30000), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';

const baseUrl = process.env.BASE_URL;
const streamPath = process.env.STREAM_PATH;
const timeoutMs = Number(process.env.TIMEOUT_MS || 30000);
const wanted = Number(process.env.MESSAGES || 1);
if (!baseUrl || !streamPath) {
  console.error('BASE_URL and STREAM_PATH are required');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let code = 1;
try {
  // The stack's certificate is self-signed.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.on('console', (m) => console.error('page console:', m.text()));
  // The web UI's origin: the stream is same-origin, as the UI would open it.
  await page.goto(baseUrl + '/', { waitUntil: 'load' });
  await page.exposeFunction('report', (line) => console.log(line));
  await page.evaluate(
    ({ path, timeout, count }) => new Promise((resolve, reject) => {
      const source = new EventSource(path);
      let received = 0;
      const timer = setTimeout(() => { source.close(); reject(new Error('no message in time')); },
                               timeout);
      source.onopen = () => window.report('open');
      source.onerror = () => {
        if (source.readyState === EventSource.CLOSED) {
          clearTimeout(timer);
          reject(new Error('the stream was refused'));
        }
      };
      // Named events arrive under their name, not as 'message'.
      for (const kind of ['score.updated', 'game.updated', 'message']) {
        source.addEventListener(kind, async (e) => {
          // Awaited, so every line is out before the script ends.
          await window.report('message ' + JSON.stringify({ id: e.lastEventId, event: e.type,
                                                            data: e.data }));
          if (++received === count) {
            clearTimeout(timer);
            source.close();
            resolve();
          }
        });
      }
    }),
    { path: streamPath, timeout: timeoutMs, count: wanted });
  code = 0;
} catch (err) {
  console.error('eventsource.mjs: ' + err.message);
} finally {
  await browser.close();
}
process.exit(code);
