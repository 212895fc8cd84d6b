// axe-core on every page in light and dark mode (no serious or critical
// violation) and screenshots of each at 1280 and 390 px (issue 17), on a small
// league: a final game, a live one, the rest scheduled.
import { ADMIN, apiClient, checkPage, logInUI, makeLeague, newPage, open, putScore,
         runScenario, signUp } from './lib.mjs';

await runScenario('pages', async (browser) => {
  const api = await apiClient();
  const organizer = await signUp(api, 'organizer', 'Olive Organizer');
  const league = await makeLeague(api, organizer, { name: 'Harbour League 2026' });
  const [done, live] = league.games;
  await putScore(api, organizer.token, done.id, 1, 0, 'live');
  await putScore(api, organizer.token, done.id, 3, 1, 'final');
  await putScore(api, organizer.token, live.id, 0, 1, 'live');
  const slug = league.event.slug;

  const fan = await newPage(browser, { label: 'fan' });
  for (const [name, path] of [
    ['home', '/'],
    ['event', `/events/${slug}`],
    ['team', `/events/${slug}/teams/${done.home_team_id}`],
    ['game', `/games/${done.id}`],
    ['login', '/login'],
    ['register', '/register'],
    ['password-reset', '/password-reset'],
    // The form as a mail's link opens it (the token is checked on submit).
    ['password-reset-confirm', '/password-reset/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ]) {
    await open(fan.page, path);
    await checkPage(fan.page, name);
  }
  await open(fan.page, '/api-docs/');
  await fan.page.getByText('Loaded /openapi.yaml.').waitFor();
  await checkPage(fan.page, 'api-docs', { fullPage: false });

  const org = await newPage(browser, { label: 'organizer' });
  await logInUI(org.page, organizer);
  for (const [name, path] of [
    ['console', '/console'],
    ['event-console', `/console/events/${slug}`],
    ['score-entry', `/console/games/${live.id}`],
    ['correction', `/console/games/${done.id}`],
  ]) {
    await open(org.page, path);
    await checkPage(org.page, name);
  }

  const admin = await newPage(browser, { label: 'admin' });
  await logInUI(admin.page, ADMIN);
  for (const [name, path] of [['admin-audit', '/admin/audit'], ['admin-alerts', '/admin/alerts']]) {
    await open(admin.page, path);
    await admin.page.locator('table').first().waitFor();
    await checkPage(admin.page, name);
  }
  await api.dispose();
});
