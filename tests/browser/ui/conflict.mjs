// The 412 path (issue 17): two scorekeepers open the same game; the first
// saves, the second's save (an old version) shows "Someone else updated this
// game" with the current score, and the reloaded form then saves.
import { allowConsoleError, apiClient, check, logInUI, makeLeague, newPage, open, runScenario,
         signUp } from './lib.mjs';

// The stale save's 412 is logged by Chromium as a failed load: expected here.
allowConsoleError(/status of 412 .*\/api\/v1\/games\/\d+\/score/);

await runScenario('conflict', async (browser) => {
  const api = await apiClient();
  const organizer = await signUp(api, 'organizer');
  const first = await signUp(api, 'keeper');
  const second = await signUp(api, 'keeper');
  const league = await makeLeague(api, organizer, { scorekeepers: [first, second] });
  const game = league.games[0];

  const a = await newPage(browser, { label: 'keeper A' });
  const b = await newPage(browser, { label: 'keeper B' });
  await logInUI(a.page, first);
  await logInUI(b.page, second);
  await open(a.page, `/console/games/${game.id}`);
  await open(b.page, `/console/games/${game.id}`);
  await a.page.getByLabel('Home score').waitFor();
  await b.page.getByLabel('Home score').waitFor();

  await a.page.getByLabel('Home score').fill('1');
  await a.page.getByLabel('Away score').fill('0');
  await a.page.getByRole('button', { name: 'Save live score' }).click();
  await a.page.getByRole('status').filter({ hasText: 'Saved: 1 – 0' }).waitFor();

  await b.page.getByLabel('Home score').fill('0');
  await b.page.getByLabel('Away score').fill('2');
  await b.page.getByRole('button', { name: 'Save live score' }).click();
  const alert = b.page.getByRole('alert').filter({ hasText: 'Someone else updated this game' });
  await alert.waitFor();
  check((await alert.innerText()).includes('1 – 0'), `the alert: ${await alert.innerText()}`);
  let now = (await api.call('GET', `/api/v1/games/${game.id}`, { expect: 200 })).body;
  check(now.home_score === 1 && now.away_score === 0, 'the stale save changed the game');

  // The form holds the current version now: saving again goes through.
  check(await b.page.getByLabel('Home score').inputValue() === '1', 'the form did not reload');
  await b.page.getByLabel('Away score').fill('2');
  await b.page.getByRole('button', { name: 'Save live score' }).click();
  await b.page.getByRole('status').filter({ hasText: 'Saved: 1 – 2' }).waitFor();
  now = (await api.call('GET', `/api/v1/games/${game.id}`, { expect: 200 })).body;
  check(now.home_score === 1 && now.away_score === 2, `the game is ${now.home_score}–${now.away_score}`);
  await api.dispose();
});
