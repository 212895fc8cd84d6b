// A 390 px wide run (issue 17): a phone-sized scorekeeper enters a score by
// tapping the +/− buttons (targets at least 44 px), a phone-sized fan sees it;
// no page scrolls sideways.
import { apiClient, check, fail, logInUI, makeLeague, newPage, noSidewaysScroll, open,
         runScenario, signUp, teamName, waitForScore } from './lib.mjs';

const phone = { width: 390, height: 844, isMobile: true };

await runScenario('phone', async (browser) => {
  const api = await apiClient();
  const organizer = await signUp(api, 'organizer');
  const keeper = await signUp(api, 'scorekeeper');
  const league = await makeLeague(api, organizer, { scorekeepers: [keeper] });
  const game = league.games[0];
  const home = teamName(league, game.home_team_id);

  const fan = await newPage(browser, { ...phone, label: 'fan@390' });
  for (const path of ['/', `/events/${league.event.slug}`,
                      `/events/${league.event.slug}/teams/${game.home_team_id}`,
                      `/games/${game.id}`]) {
    await open(fan.page, path);
    await noSidewaysScroll(fan.page, `fan ${path}`);
  }
  await open(fan.page, `/events/${league.event.slug}`);

  const sk = await newPage(browser, { ...phone, label: 'scorekeeper@390' });
  await logInUI(sk.page, keeper);
  await open(sk.page, `/console/games/${game.id}`);
  await noSidewaysScroll(sk.page, 'score entry');
  const plus = sk.page.getByRole('button', { name: `Add a goal for ${home}` });
  const box = await plus.boundingBox();
  check(box, 'no + button');
  if (box.width < 44 || box.height < 44) {
    fail(`the + button is ${box.width}x${box.height} px, under 44 px`);
  }
  await plus.tap();
  await plus.tap();
  await sk.page.getByRole('button', { name: `Remove a goal for ${home}` }).tap();
  check(await sk.page.getByLabel('Home score').inputValue() === '1', 'the taps did not count 1');
  await sk.page.getByRole('button', { name: 'Save live score' }).tap();
  await sk.page.getByRole('status').filter({ hasText: 'Saved: 1 – 0' }).waitFor();
  await waitForScore(fan.page, game.id, '1 – 0', 2000);
  await noSidewaysScroll(fan.page, 'fan event page after the update');
  await api.dispose();
});
