// Reconnection (issue 17): scoreline-sse is killed under a fan's event page,
// after the page got a first update; a score is saved while it is down, then
// it is started again: the page says "reconnecting", then "live", and shows the
// score saved meanwhile (replayed after its last id) and the next one, without
// a reload.
import { allowConsoleError, apiClient, check, control, makeLeague, newPage, open, putScore,
         runScenario, signUp, waitForScore } from './lib.mjs';

// While scoreline-sse is down nginx answers the stream with a 502.
allowConsoleError(/EventSource|status of 50[234] .*\/stream/);

await runScenario('reconnect', async (browser) => {
  const api = await apiClient();
  const organizer = await signUp(api, 'organizer');
  const league = await makeLeague(api, organizer);
  const game = league.games[0];

  const fan = await newPage(browser, { label: 'fan' });
  await open(fan.page, `/events/${league.event.slug}`);
  const status = fan.page.locator('#live-status');
  await status.filter({ hasText: /^live$/ }).waitFor();
  await fan.page.evaluate(() => { window.notReloaded = true; });
  // A first update before the outage: the page knows where it is (its last id).
  await putScore(api, organizer.token, game.id, 1, 0, 'live');
  await waitForScore(fan.page, game.id, '1 – 0', 5000);

  await control('stop-sse');
  await status.filter({ hasText: 'reconnecting' }).waitFor({ timeout: 20000 });
  await putScore(api, organizer.token, game.id, 2, 0, 'live');
  await control('start-sse');
  await waitForScore(fan.page, game.id, '2 – 0', 30000);
  await status.filter({ hasText: /^live$/ }).waitFor({ timeout: 20000 });
  await putScore(api, organizer.token, game.id, 3, 0, 'live');
  await waitForScore(fan.page, game.id, '3 – 0', 5000);
  check(await fan.page.evaluate(() => window.notReloaded === true), 'the fan page reloaded');
  await api.dispose();
});
