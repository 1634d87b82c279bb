// The floor under the Dashboard's "interactive": the empty Blazor WebAssembly template (dotnet new blazorwasm, Release,
// invariant globalisation), served as static files, in the same Chromium with the same flags and a cold cache.
// Usage: node floor.mjs --url http://127.0.0.1:5999 [--runs 3]; floor.sh publishes and serves it.
// "rendered": the template's home heading is on screen; "interactive": after a client-side navigation to Counter, a click
// on its button has changed the count (the .NET runtime is running the page).
import { chromium } from 'playwright-core';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const url = args.url ?? 'http://127.0.0.1:5999';
const runs = Number(args.runs ?? 3);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const results = [];
for (let run = 1; run <= runs; run++) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const start = Date.now();
  await page.goto(`${url}/`, { waitUntil: 'commit' });
  await page.getByRole('heading', { name: 'Hello, world!' }).waitFor();
  const rendered = Date.now() - start;
  await page.getByRole('link', { name: 'Counter' }).click();
  await page.getByRole('button', { name: 'Click me' }).click();
  await page.getByText('Current count: 1').waitFor();
  const interactive = Date.now() - start;
  const downloaded = await page.evaluate(() => Math.round(Math.max(...performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/_framework/')).map(e => e.responseEnd))));
  results.push(interactive);
  console.log(`template run ${run}: rendered ${rendered} ms, interactive ${interactive} ms, runtime files downloaded by ${downloaded} ms`);
  await context.close();
}
await browser.close();
console.log(`template median of ${runs}: interactive ${[...results].sort((a, b) => a - b)[Math.floor(runs / 2)]} ms`);
