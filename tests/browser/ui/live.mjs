// Two browser contexts (issue 17): a scorekeeper saves a live score on the
// console; it shows on a fan's event page within a second, without a reload,
// and the live table counts it while the official one does not.
import { apiClient, check, log, logInUI, makeLeague, newPage, open, runScenario,
         signUp, waitForScore } from './lib.mjs';

await runScenario('live', async (browser) => {
  const api = await apiClient();
  const organizer = await signUp(api, 'organizer');
  const keeper = await signUp(api, 'scorekeeper');
  const league = await makeLeague(api, organizer, { scorekeepers: [keeper] });
  const game = league.games[0];

  const fan = await newPage(browser, { label: 'fan' });
  await open(fan.page, `/events/${league.event.slug}`);
  await fan.page.locator('#live-status').filter({ hasText: 'live' }).waitFor();
  await fan.page.evaluate(() => { window.notReloaded = true; });

  const sk = await newPage(browser, { label: 'scorekeeper' });
  await logInUI(sk.page, keeper);
  await open(sk.page, `/console/games/${game.id}`);
  await sk.page.getByLabel('Home score').fill('1');
  await sk.page.getByLabel('Away score').fill('0');
  const saved = sk.page.waitForResponse((r) => r.url().endsWith(`/api/v1/games/${game.id}/score`));
  await sk.page.getByRole('button', { name: 'Save live score' }).click();
  const response = await saved;
  check(response.status() === 200, `PUT score answered ${response.status()}`);
  const ms = await waitForScore(fan.page, game.id, '1 – 0', 1000);
  log(`the fan saw 1 – 0 ${ms} ms after the save answered`);
  check(await fan.page.evaluate(() => window.notReloaded === true), 'the fan page reloaded');

  // The live table counts the game in progress, the official one does not.
  await fan.page.getByRole('button', { name: 'Live table' }).click();
  await fan.page.getByText('Live — includes games in progress').waitFor();
  const live = fan.page.locator('table', { has: fan.page.locator('caption', { hasText: /live/i }) });
  const homeName = league.teams.find((t) => t.id === game.home_team_id).name;
  const row = live.getByRole('row').filter({ hasText: homeName });
  await row.waitFor();
  check(/\b3\b/.test(await row.innerText()), `the live table's row: ${await row.innerText()}`);
  await api.dispose();
});
