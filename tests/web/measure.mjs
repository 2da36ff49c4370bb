// Page figures for the closing note and docs: how long the console's overview and a
// drill-down take in Chromium until their data is drawn (`document.body.dataset.ready`),
// and how many bytes each downloads, cold (empty cache) and warm (second visit).
//
//   node tests/web/measure.mjs --base http://127.0.0.1:8480 --user U --password P \
//        [--indicator ID] [--runs 5]
// Against the city-year: `supervision simulate --scale full`, `supervision add-account`,
// then `serve` on that data dir (docs/SUPERVISION.md, "The console on the city-year").
import { chromium } from 'playwright-core';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const base = args.base ?? 'http://127.0.0.1:8480';
const runs = Number(args.runs ?? 5);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
const page = await context.newPage();
await page.goto(`${base}/console/login`);
await page.fill('#username', args.user);
await page.fill('#password', args.password);
await Promise.all([page.waitForURL(`${base}/console**`), page.click('#login')]);

let bytes = 0;
page.on('requestfinished', async (request) => {
  const sizes = await request.sizes().catch(() => null);
  if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
});

/** Milliseconds from navigation to the page's ready mark, and the bytes it downloaded. */
async function visit(hash, ready, { fresh }) {
  if (fresh) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
  }
  await page.goto('about:blank');
  bytes = 0;
  const started = Date.now();
  await page.goto(`${base}/console${hash}`);
  await page.waitForFunction((name) => document.body.dataset.ready === name, ready, { timeout: 60_000 });
  const millis = Date.now() - started;
  await page.waitForLoadState('networkidle');
  return { millis, bytes };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(label, hash, ready) {
  const cold = await visit(hash, ready, { fresh: true });
  const warm = [];
  for (let i = 0; i < runs; i += 1) warm.push(await visit(hash, ready, { fresh: false }));
  console.log(`${label}: cold ${cold.millis} ms, ${(cold.bytes / 1024).toFixed(0)} KiB; `
    + `warm median ${median(warm.map((w) => w.millis))} ms, ${(median(warm.map((w) => w.bytes)) / 1024).toFixed(0)} KiB`
    + ` (${runs} runs)`);
}

const indicator = args.indicator ?? 'cases.decided';
await measure('overview', '#/overview', 'overview');
await measure(`indicator ${indicator} by district`, `#/indicator/${indicator}?level=district`, 'indicator');
await measure(`indicator ${indicator} by body`, `#/indicator/${indicator}?level=body`, 'indicator');
await browser.close();
