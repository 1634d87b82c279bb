// First load of the console as a person meets it: Debian's Chromium, signed in, cold cache, the dashboard.
// Usage: node firstload.mjs --url http://127.0.0.1:5080 --email admin@example.com --password '…' [--runs 5] [--label x] [--list 20]
// Prints one line per run and a median; bench/RESULTS.md says how the numbers were taken.
//
// "readable": the Dashboard heading and the figures of its cards are on screen (no skeletons left).
// "interactive": the client answers a click: the navigation menu's "Keys" group folds away its items (clicked once the
// client has taken over a page the server drew).
// Bytes are what crossed the wire (CDP encodedDataLength: headers plus the body as sent, compressed or not).
import { chromium } from 'playwright-core';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const url = args.url ?? 'http://127.0.0.1:5080';
const runs = Number(args.runs ?? 5);
const label = args.label ?? url;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// Sign in once; each measured run starts a fresh context (empty HTTP cache) holding only the sign-in cookie.
const signIn = await browser.newContext({ baseURL: url });
const page0 = await signIn.newPage();
page0.setDefaultTimeout(180_000);
await page0.goto('/Account/Login');
await page0.getByLabel('Email').fill(args.email);
await page0.getByLabel('Password').fill(args.password);
await page0.getByRole('button', { name: 'Sign in', exact: true }).click();
await page0.waitForURL(u => !u.pathname.startsWith('/Account/Login'));
const state = await signIn.storageState();
await signIn.close();

const results = [];
for (let run = 1; run <= runs; run++) {
  const context = await browser.newContext({ baseURL: url, storageState: state, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  // What went wrong in the browser, printed as it happens (a page that never becomes interactive says why here).
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') console.log(`  browser ${m.type()}: ${m.text()}`); });
  page.on('pageerror', e => console.log(`  page error: ${e.message}`));
  page.on('response', r => { if (r.status() >= 400) console.log(`  HTTP ${r.status()} ${new URL(r.url()).pathname}`); });
  page.setDefaultTimeout(180_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0, requests = 0, decoded = 0;
  const urls = new Map(), encodings = new Map(), sizes = [];
  cdp.on('Network.requestWillBeSent', e => urls.set(e.requestId, e.request.url));
  cdp.on('Network.responseReceived', e => encodings.set(e.requestId,
    Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding')?.[1] ?? '-'));
  cdp.on('Network.loadingFinished', e => { bytes += e.encodedDataLength; requests++; sizes.push([e.encodedDataLength, urls.get(e.requestId), encodings.get(e.requestId)]); });
  cdp.on('Network.dataReceived', e => { decoded += e.dataLength; });

  const start = Date.now();
  await page.goto('/', { waitUntil: 'commit' });
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  await page.waitForFunction(() => {
    const cards = document.querySelectorAll('[data-testid=stat-card]');
    return cards.length > 0 && [...cards].every(c => !c.querySelector('.mud-skeleton'));
  }, null, { polling: 50, timeout: 180_000 });
  const readable = Date.now() - start;
  // What had crossed the wire when the Dashboard became readable (a page drawn by the server is readable before the
  // client's files arrive); the total below counts everything until the page is quiet.
  const bytesReadable = bytes;
  // A page the server drew (ADR 0095) shows its buttons before the client runs, and a click then does nothing: wait until
  // the layout says the client has taken over (data-interactive="true"; a build without the marker draws the layout in
  // the client only, so its layout is interactive as soon as it is there), then click.
  await page.waitForFunction(() => {
    const layout = document.querySelector('.mud-layout');
    return layout !== null && layout.getAttribute('data-interactive') !== 'false';
  }, null, { polling: 50, timeout: 180_000 });
  await page.locator('[data-testid=nav] .mud-nav-group').filter({ hasText: 'Keys' }).first().locator('button').first().click();
  await page.getByRole('link', { name: 'All keys' }).waitFor({ state: 'hidden' });
  const interactive = Date.now() - start;
  // When the last of the runtime's files had arrived: what lies between that and "interactive" is the browser's CPU
  // (starting .NET, then the client's first render), not the wire.
  // The browser's own first contentful paint: the page as the server drew it (with its figures, ADR 0095) was on screen
  // then. The "readable" poll above runs on the page's main thread, which the starting runtime can keep busy for seconds
  // after that paint, so it can report later than a person sees the figures.
  const painted = await page.evaluate(() => Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1));
  const downloaded = await page.evaluate(() => Math.round(Math.max(...performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/_framework/') && !e.name.includes('resource-collection')).map(e => e.responseEnd))));
  // Whatever the page still fetches after it is usable (the live feed's connection, late chunks) counts too.
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(500);
  if (args.list && run === runs) {
    // The largest transfers of the last run: where the bytes go.
    for (const [size, u, encoding] of sizes.sort((a, b) => b[0] - a[0]).slice(0, Number(args.list))) {
      console.log(`  ${(size / 1024).toFixed(0).padStart(6)} KiB  ${(encoding ?? '-').padEnd(5)} ${new URL(u).pathname}`);
    }
  }
  results.push({ run, readable, interactive, bytes, decoded, requests, bytesReadable });
  console.log(`${label} run ${run}: readable ${readable} ms (${(bytesReadable / 1048576).toFixed(2)} MiB by then; first contentful paint ${painted} ms), interactive ${interactive} ms (runtime files downloaded by ${downloaded} ms), ` +
    `${(bytes / 1048576).toFixed(2)} MiB transferred (${(decoded / 1048576).toFixed(2)} MiB decoded), ${requests} requests`);
  await context.close();
}
await browser.close();

const median = key => [...results].map(r => r[key]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(`${label} median of ${runs}: readable ${median('readable')} ms (${(median('bytesReadable') / 1048576).toFixed(2)} MiB by then), interactive ${median('interactive')} ms, ` +
  `${(median('bytes') / 1048576).toFixed(2)} MiB transferred, ${median('requests')} requests`);
