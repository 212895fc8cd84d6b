// /api-docs/: the OpenAPI viewer (issue 17). swagger-ui-dist, vendored by
// `make www` into /vendor/swagger-ui/, renders /openapi.yaml (docs/openapi.yaml,
// copied by the same target). No inline script or style: this module and the
// vendored bundle are files of the site, so the CSP of docs/edge.md holds
// (swagger-ui sets styles through the DOM, which the CSP allows, never a
// <style> element; tests/browser/ui/api_docs.mjs checks it in Chromium).

const status = document.getElementById('api-docs-status');

// swagger-ui's own dark mode (the html.dark-mode class) follows the system's.
const dark = window.matchMedia('(prefers-color-scheme: dark)');
function followScheme() {
  document.documentElement.classList.toggle('dark-mode', dark.matches);
}
dark.addEventListener('change', followScheme);
followScheme();

// swagger-ui's server <select> has a visual label only: name every unnamed
// select after the label text before it, also after React re-renders it.
function nameSelects(root) {
  for (const select of root.querySelectorAll('select:not([aria-label])')) {
    const label = select.closest('label')?.textContent?.trim() ||
                  select.parentElement?.querySelector('.servers-title')?.textContent?.trim();
    select.setAttribute('aria-label', label || select.id || 'Choose');
  }
}

function start() {
  if (typeof window.SwaggerUIBundle !== 'function') {
    status.textContent = 'The viewer is missing: run `make www` to vendor it.';
    return;
  }
  const node = document.getElementById('api-docs');
  new MutationObserver(() => nameSelects(node)).observe(node, { childList: true, subtree: true });
  window.SwaggerUIBundle({
    url: '/openapi.yaml',
    domNode: node,
    // No deep links: they put a link inside each operation's toggle button
    // (nested interactive controls). No outside validator badge.
    deepLinking: false,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    onComplete: () => {
      nameSelects(node);
      status.textContent = 'Loaded /openapi.yaml.';
    },
  });
}

// The bundle is a deferred classic script listed before this module, so it
// has run by now; start() says so when the vendor folder is missing.
start();
