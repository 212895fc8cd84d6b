// The whole seed flow in the browser (issue 17): register → log out → log in
// → create event → teams → schedule → scores → standings → correction →
// history. The creator is the event's organizer, so may correct.
import { check, log, logIn, apiClient, newPage, open, runScenario, strongPassword, tag }
  from './lib.mjs';

await runScenario('seed_flow', async (browser) => {
  const { page } = await newPage(browser, { label: 'organizer' });
  const t = tag();
  const me = { email: `organizer-${t}@example.org`, password: strongPassword(),
               name: `Olive Organizer ${t}` };

  await open(page, '/register');
  await page.getByLabel('Email').fill(me.email);
  await page.getByLabel('Display name').fill(me.name);
  await page.getByLabel('Password').fill(me.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('link', { name: 'Log in' }).first().waitFor();

  await open(page, '/login');
  await page.getByLabel('Email').fill(me.email);
  await page.getByLabel('Password').fill(me.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('link', { name: 'Console' }).first().click();
  await page.waitForURL('**/console');

  const eventName = `Seed Cup ${t}`;
  await page.getByLabel('Name', { exact: true }).fill(eventName);
  await page.getByLabel('Sport').fill('football');
  await page.getByLabel('Format').selectOption('round_robin');
  await page.getByLabel('Starts on').fill('2026-12-01');
  await page.getByLabel('Time zone').fill('Europe/London');
  await page.getByLabel('Points for a win').fill('3');
  await page.getByLabel('Points for a draw').fill('1');
  await page.getByLabel('Points for a loss').fill('0');
  await page.getByRole('button', { name: 'Create event' }).click();
  await page.waitForURL('**/console/events/*');
  const slug = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  log(`event ${slug}`);

  const teams = ['Harbour City', 'Northgate Rovers', 'Valley United', 'Ironbridge Town'];
  for (const name of teams) {
    await page.getByLabel('Team name').fill(name);
    await page.getByLabel('Short name').fill(name.slice(0, 3).toUpperCase());
    await page.getByRole('button', { name: 'Add team' }).click();
    await page.getByRole('cell', { name, exact: true }).waitFor();
  }

  await page.getByLabel('First game at').fill('2026-12-05T15:00');
  await page.getByRole('button', { name: 'Generate schedule' }).click();
  const enter = page.getByRole('link', { name: 'Enter score' });
  await enter.nth(5).waitFor();
  check(await enter.count() === 6, `4 teams, round robin: 6 games, the page lists ${await enter.count()}`);

  await page.getByLabel('Status').selectOption('live');
  await page.getByRole('button', { name: 'Save event' }).click();
  await page.getByRole('status').filter({ hasText: /saved/i }).first().waitFor()
    .catch(() => {});

  // The first game: live 1–0, then final 2–1.
  await enter.first().click();
  await page.waitForURL('**/console/games/*');
  const gameId = Number(new URL(page.url()).pathname.split('/').pop());
  await page.getByLabel('Home score').fill('1');
  await page.getByLabel('Away score').fill('0');
  await page.getByRole('button', { name: 'Save live score' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved: 1 – 0 (live)' }).waitFor();
  await page.getByLabel('Home score').fill('2');
  await page.getByLabel('Away score').fill('1');
  await page.getByRole('button', { name: 'Save final score' }).click();
  await page.getByRole('button', { name: 'Correct score' }).waitFor();

  // Standings on the fan page: the home side won.
  const api = await apiClient();
  const game = (await api.call('GET', `/api/v1/games/${gameId}`, { expect: 200 })).body;
  check(game.status === 'final' && game.home_score === 2 && game.away_score === 1,
        `the game is ${JSON.stringify(game)}`);
  await open(page, `/events/${slug}`);
  const standings = page.locator('table', { has: page.locator('caption', { hasText: /^Standings$/ }) });
  await standings.waitFor();
  const homeRow = standings.getByRole('row').filter({ hasText: game.home_team_name });
  await homeRow.waitFor();
  check(/\b3\b/.test(await homeRow.innerText()), `the winner's row: ${await homeRow.innerText()}`);

  // The correction (organizer) to 1–1, with a reason; the history shows it.
  await open(page, `/console/games/${gameId}`);
  await page.getByLabel('Home score').fill('1');
  await page.getByLabel('Away score').fill('1');
  await page.getByLabel('Reason').fill('The second home goal was offside');
  await page.getByRole('button', { name: 'Correct score' }).click();
  await page.getByRole('status').filter({ hasText: 'Corrected: 1 – 1.' }).waitFor();
  const history = page.locator('table', { has: page.locator('caption', { hasText: 'Score history' }) });
  await history.getByText('The second home goal was offside').waitFor();

  // The fan's game page reads the same history; the standings follow.
  await open(page, `/games/${gameId}`);
  await page.locator('table', { has: page.locator('caption', { hasText: 'Score history' }) })
    .getByText('The second home goal was offside').waitFor();
  const table = (await api.call('GET', `/api/v1/events/${game.event_id}/standings`, { expect: 200 })).body;
  const rows = table.rows;
  const home = rows.find((r) => r.team_id === game.home_team_id);
  check(home && home.points === 1, `after the correction the home side has ${JSON.stringify(home)}`);
  // logIn works with what the form registered (the account is real).
  check(await logIn(api, me), 'no token for the registered account');
  await api.dispose();
});
