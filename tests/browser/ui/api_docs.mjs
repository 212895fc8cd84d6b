// /api-docs/ (issue 17): swagger-ui-dist, vendored by `make www`, renders
// docs/openapi.yaml under the site's CSP (lib.mjs fails on any violation or
// console error); axe in light and dark; screenshots.
import { check, checkPage, newPage, open, runScenario } from './lib.mjs';

await runScenario('api_docs', async (browser) => {
  const { page } = await newPage(browser, { label: 'api-docs' });
  await open(page, '/api-docs/');
  await page.getByRole('status').filter({ hasText: 'Loaded /openapi.yaml.' })
    .waitFor({ state: 'visible' });
  // The spec's title and one operation of each kind of user are on the page.
  await page.getByRole('heading', { name: /Scoreline API/ }).waitFor();
  for (const path of ['/api/v1/auth/login', '/api/v1/games/{id}/score']) {
    check(await page.getByText(path, { exact: true }).count() > 0, `no operation ${path}`);
  }
  // The spec itself is served as YAML, not as an anonymous download.
  const spec = await page.request.get('/openapi.yaml');
  check(spec.ok(), `/openapi.yaml answered ${spec.status()}`);
  check((spec.headers()['content-type'] || '').startsWith('application/yaml'),
    `/openapi.yaml is ${spec.headers()['content-type']}, not application/yaml`);
  await checkPage(page, 'api-docs', { fullPage: false });
});
