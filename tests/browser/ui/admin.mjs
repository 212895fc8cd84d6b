// Admin pages (issue 17): the audit log names who did what by display name;
// a corrected final score raises an alert whose status the admin changes.
import { ADMIN, apiClient, check, logInUI, makeLeague, newPage, open, putScore, runScenario,
         signUp } from './lib.mjs';

await runScenario('admin', async (browser) => {
  const api = await apiClient();
  const organizer = await signUp(api, 'organizer');
  const league = await makeLeague(api, organizer);
  const game = league.games[0];
  await putScore(api, organizer.token, game.id, 1, 0, 'live');
  await putScore(api, organizer.token, game.id, 2, 0, 'final');
  await api.call('POST', `/api/v1/games/${game.id}/corrections`, {
    token: organizer.token, expect: 200,
    body: { home_score: 2, away_score: 1, reason: 'Late goal missed' } });

  const { page } = await newPage(browser, { label: 'admin' });
  await logInUI(page, ADMIN);
  await page.getByRole('link', { name: 'Admin' }).first().click();
  const audit = page.locator('table', { has: page.locator('caption', { hasText: 'Audit log' }) });
  await audit.waitFor();
  await audit.getByRole('columnheader', { name: 'Who' }).waitFor();
  await audit.getByRole('cell', { name: organizer.display_name }).first().waitFor();

  await open(page, '/admin/alerts');
  const alerts = page.locator('table', { has: page.locator('caption', { hasText: 'Alerts' }) });
  await alerts.waitFor();
  const row = alerts.getByRole('row').filter({ hasText: 'final_corrected' }).first();
  await row.waitFor();
  await row.getByLabel('Status').selectOption('acknowledged');
  await row.getByRole('button', { name: 'Update' }).click();
  const token = (await api.call('POST', '/api/v1/auth/login',
                                { body: ADMIN, expect: 200 })).body.access_token;
  let status = '';
  for (let i = 0; i < 50 && status !== 'acknowledged'; ++i) {
    const list = await api.call('GET', '/api/v1/admin/alerts?kind=final_corrected',
                                { token, expect: 200 });
    status = (list.body.items.find((a) => a.game_id === game.id) || {}).status;
    await page.waitForTimeout(100);
  }
  check(status === 'acknowledged', `the alert is ${status}`);
  await api.dispose();
});
