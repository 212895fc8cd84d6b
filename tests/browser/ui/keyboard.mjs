// Keyboard only (issue 17): log in and enter a score with Tab, typing, Enter
// and Space; the focused control always shows a visible focus indicator.
import { apiClient, check, fail, makeLeague, newPage, open, runScenario, signUp, teamName }
  from './lib.mjs';

// Presses Tab until `locator` has the focus (at most 60 presses); checks that
// the focused element draws an outline or a box shadow.
async function tabTo(page, locator, what) {
  for (let i = 0; i < 60; ++i) {
    await page.keyboard.press('Tab');
    if (await locator.evaluate((el) => el === document.activeElement).catch(() => false)) {
      const visible = await locator.evaluate((el) => {
        const s = getComputedStyle(el);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ||
               s.boxShadow !== 'none';
      });
      if (!visible) {
        fail(`${what}: no visible focus indicator`);
      }
      return;
    }
  }
  throw new Error(`${what}: not reached with Tab`);
}

await runScenario('keyboard', async (browser) => {
  const api = await apiClient();
  const organizer = await signUp(api, 'organizer');
  const keeper = await signUp(api, 'scorekeeper');
  const league = await makeLeague(api, organizer, { scorekeepers: [keeper] });
  const game = league.games[0];
  const home = teamName(league, game.home_team_id);
  const away = teamName(league, game.away_team_id);
  const { page } = await newPage(browser, { label: 'keyboard' });

  await open(page, '/login');
  await tabTo(page, page.getByLabel('Email'), 'Email');
  await page.keyboard.type(keeper.email);
  await tabTo(page, page.getByLabel('Password'), 'Password');
  await page.keyboard.type(keeper.password);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Log out' }).waitFor();

  await open(page, `/console/games/${game.id}`);
  await tabTo(page, page.getByRole('button', { name: `Add a goal for ${home}` }), '+ home');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: `Add a goal for ${away}` }), '+ away');
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: 'Save live score' }), 'Save live score');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Saved: 2 – 1' }).waitFor();
  const now = (await api.call('GET', `/api/v1/games/${game.id}`, { expect: 200 })).body;
  check(now.home_score === 2 && now.away_score === 1 && now.status === 'live',
        `the game is ${now.home_score}–${now.away_score} ${now.status}`);
  await api.dispose();
});
