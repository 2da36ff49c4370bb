// The supervisor's console in a real Chromium against the real server (`serve --demo`, the
// harness's accounts): every page drawn at 1366×768 and at tablet size without sideways
// scrolling or a bare code on screen; the warnings lifecycle end to end; a drill-down from the
// overview to a case and its documents; exports downloaded and opened; a table sorted and
// paged. Screenshots of every page go to the harness's output folder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { base, launch, login, shot, outDir } from './harness.mjs';

const DESKTOP = { width: 1366, height: 768 };
const TABLET = { width: 800, height: 1280 };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function session(who, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await login(page, who);
  return { context, page, problems };
}

/** Opens a console route and waits until the page says it has drawn its data. */
async function open(page, route, name) {
  const started = Date.now();
  await page.evaluate(() => { delete document.body.dataset.ready; });
  if (page.url().startsWith(`${base}/console`)) await page.evaluate((r) => { location.hash = r; }, route);
  else await page.goto(`${base}/console#${route}`);
  await page.waitForFunction((want) => document.body.dataset.ready === want, name, { timeout: 30_000 });
  return Date.now() - started;
}

/** What every page must be: no sideways scroll, no error, no code or debug text on screen. */
async function looksRight(page, label) {
  const { scroll, width, text, errors } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    text: document.body.innerText,
    errors: [...document.querySelectorAll('.note.error')].map((n) => n.textContent),
  }));
  assert.ok(scroll <= width, `${label}: the page scrolls sideways (${scroll} > ${width})`);
  assert.deepEqual(errors, [], `${label}: errors shown`);
  for (const bad of [/\bundefined\b/, /\bnull\b/, /\bNaN\b/, /\[object Object\]/, /\b[a-z]+_[a-z_]+\b/, /\b(open|acknowledged|assigned|resolved|dismissed|ordinary|summary|district|officer)\b/]) {
    assert.doesNotMatch(text, bad, `${label}: shows ${bad}`);
  }
}

const PAGES = [
  ['/overview', 'overview'],
  ['/indicators', 'indicators'],
  ['/indicator/case.decided?level=district&period=year', 'indicator'],
  ['/warnings', 'warnings'],
  ['/reviews', 'reviews'],
  ['/exports', 'exports'],
  ['/feedback', 'feedback'],
];

test('every page draws at 1366×768 and on a tablet, in Chinese, without sideways scrolling', async () => {
  for (const [viewport, size] of [[DESKTOP, 'desktop'], [TABLET, 'tablet']]) {
    const { context, page, problems } = await session('city', viewport);
    for (const [route, name] of PAGES) {
      await open(page, route, name);
      await looksRight(page, `${size} ${route}`);
      await shot(page, `console-${size}-${name}`);
    }
    // The header: who is logged in, in words.
    const header = await page.locator('header.top').innerText();
    assert.match(header, /市级执法监督/);
    assert.match(header, /退出登录/);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('overview figure → indicator → district → body → the cases behind → the case and its documents', async () => {
  const { context, page, problems } = await session('city');
  const overviewMs = await open(page, '/overview', 'overview');
  await shot(page, 'drill-1-overview');
  const kpi = page.locator('[data-indicator="case.decided"] a.kpi-link');
  assert.match(await kpi.innerText(), /作出处罚决定数/);
  await kpi.click();
  await page.waitForFunction(() => document.body.dataset.ready === 'indicator');
  await looksRight(page, 'indicator by district');
  await shot(page, 'drill-2-districts');
  // 渝中区 (the demo's district) → its bodies.
  const drillMs = Date.now();
  await page.locator('[data-table="figures"] a[data-drill="500103"]').click();
  await page.waitForFunction(() => document.body.dataset.ready === 'indicator' && location.hash.includes('level=body'));
  const bodyLevelMs = Date.now() - drillMs;
  assert.match(await page.locator('.crumbs').innerText(), /渝中区/);
  await shot(page, 'drill-3-bodies');
  // The body with most decisions: the cases behind its figure.
  await page.locator('[data-table="figures"] a[data-behind]').first().click();
  await page.waitForFunction(() => document.body.dataset.ready === 'indicator' && location.hash.includes('key='));
  const behind = page.locator('[data-table="behind"] a[data-case]');
  assert.ok(await behind.count() > 0, 'cases behind the figure');
  await shot(page, 'drill-4-cases-behind');
  await behind.first().click();
  await page.waitForFunction(() => document.body.dataset.ready === 'case');
  await looksRight(page, 'case view');
  // Its documents: the first ready one drawn in the sandboxed frame, from the core's renderer.
  const frame = page.locator('iframe.doc-frame');
  await frame.waitFor({ state: 'visible' });
  assert.equal(await frame.getAttribute('sandbox'), '');
  const printed = await page.frameLocator('iframe.doc-frame').locator('body').innerText();
  assert.match(printed, /[\u4e00-\u9fff]{4,}/);
  assert.match(await page.locator('main').innerText(), /修改记录/);
  await shot(page, 'drill-5-case');
  // Chromium paints a sandboxed frame only in the viewport: the document in view, on its own.
  await frame.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(outDir, 'drill-6-document.png') });
  assert.deepEqual(problems, []);
  console.log(`overview ${overviewMs} ms, drill to bodies ${bodyLevelMs} ms`);
  await context.close();
});

async function act(page, action, fill = {}) {
  const form = page.locator(`form[data-action="${action}"]`);
  for (const [name, value] of Object.entries(fill)) await form.locator(`[name="${name}"]`).fill(value);
  await page.evaluate(() => { delete document.body.dataset.ready; });
  await form.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.body.dataset.ready === 'warning');
}

test('a warning is acknowledged, assigned and resolved with its opinion; another dismissed with a reason', async () => {
  const { context, page, problems } = await session('city');
  await open(page, '/warnings?status=open', 'warnings');
  const open_ = page.locator('[data-table="warnings"] a[data-warning]');
  assert.ok(await open_.count() >= 2, 'the demo has two open warnings at least');
  const [first, second] = [await open_.nth(0).getAttribute('data-warning'), await open_.nth(1).getAttribute('data-warning')];

  await open(page, `/warning/${encodeURIComponent(first)}`, 'warning');
  await shot(page, 'warning-1-open');
  const badge = () => page.locator('.badge[data-status]').getAttribute('data-status');
  await act(page, 'acknowledge');
  assert.equal(await badge(), 'acknowledged');
  // A refusal is the API's own words: resolving is not offered before assignment, and the
  // assignment needs someone to assign to (the browser's check, then the server's).
  assert.equal(await page.locator('form[data-action="resolve"]').count(), 0);
  await act(page, 'assign', { assignee: '渝中区市场监督管理局法制科' });
  assert.equal(await badge(), 'assigned');
  await shot(page, 'warning-2-assigned');
  await act(page, 'resolve', { opinion: '经核查，该主体已对偏离裁量基准的案件逐一说明理由并整改，今后严格执行裁量基准。' });
  assert.equal(await badge(), 'resolved');
  const opinion = page.frameLocator('iframe[data-opinion]').locator('body');
  await opinion.waitFor();
  assert.match(await opinion.innerText(), /监督意见/);
  assert.match(await opinion.innerText(), /严格执行裁量基准/);
  const history = await page.locator('[data-table="steps"]').innerText();
  for (const step of ['已确认', '已交办', '已办结']) assert.match(history, new RegExp(step));
  await looksRight(page, 'resolved warning');
  await shot(page, 'warning-3-resolved');

  await open(page, `/warning/${encodeURIComponent(second)}`, 'warning');
  await act(page, 'dismiss', { reason: '经核实为节假日集中执法所致，不属于异常。' });
  assert.equal(await badge(), 'dismissed');
  assert.match(await page.locator('[data-table="steps"]').innerText(), /节假日集中执法/);
  await shot(page, 'warning-4-dismissed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a reviewer may read a warning but is offered no step', async () => {
  const { context, page } = await session('reviewer');
  await open(page, '/warnings', 'warnings');
  const any = page.locator('[data-table="warnings"] a[data-warning]').first();
  if (await any.count()) {
    await any.click();
    await page.waitForFunction(() => document.body.dataset.ready === 'warning');
    assert.equal(await page.locator('form[data-action]').count(), 0);
    assert.match(await page.locator('main').innerText(), /处理预警由市、区县司法局/);
  }
  await context.close();
});

test('exports download and open: CSV with its BOM and Chinese headers, .xlsx a zip', async () => {
  const { context, page } = await session('city');
  await open(page, '/exports', 'exports');
  await shot(page, 'exports');
  const download = async (selector) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator(selector).first().click()]);
    return readFile(await file.path());
  };
  const csv = await download('[data-form="cases"] ~ .export-out a[data-export="cases.csv"], a[data-export="cases.csv"]');
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = csv.subarray(3).toString('utf8').split(/\r?\n/).filter(Boolean);
  const headers = lines[0].split(',');
  for (const name of ['案件文档编号', '执法机关', '案号', '罚款（元）']) assert.ok(headers.includes(name), name);
  assert.ok(lines.length > 1, 'rows beside the headers');
  const xlsx = await download('a[data-export="warnings.xlsx"]');
  assert.equal(xlsx.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
  assert.ok(xlsx.length > 2000, `xlsx of ${xlsx.length} bytes`);
  await context.close();
});

test('a table sorts by a column both ways and pages', async () => {
  const { context, page } = await session('city');
  // The cases behind the busiest body's filings: more than one page of them.
  await open(page, '/indicator/case.filed?level=body&period=year', 'indicator');
  await page.locator('[data-table="figures"] a[data-behind]').first().click();
  await page.waitForFunction(() => document.body.dataset.ready === 'indicator' && location.hash.includes('key='));
  const table = page.locator('[data-table="behind"]');
  const fines = async () => (await table.locator('tbody tr td:nth-child(8)').allInnerTexts())
    .filter((t) => /\d/.test(t)).map((t) => Number(t.replace(/[^\d]/g, '')));
  const sortBy = table.locator('button[data-sort="fine"]');
  await sortBy.click();
  const up = await fines();
  assert.ok(up.length > 1, 'fines to sort');
  assert.deepEqual(up, [...up].sort((a, b) => a - b), 'ascending');
  assert.equal(await table.locator('th[aria-sort="ascending"]').count(), 1);
  await sortBy.click();
  const down = await fines();
  assert.deepEqual(down, [...down].sort((a, b) => b - a), 'descending');
  assert.equal(await table.locator('th[aria-sort="descending"]').count(), 1);
  const pager = table.locator('.pager');
  assert.equal(await pager.count(), 1, 'more cases than one page holds');
  const first = await table.locator('tbody tr').first().innerText();
  await pager.locator('button.next').click();
  assert.match(await pager.locator('.page-info').innerText(), /第 2 \//);
  assert.notEqual(await table.locator('tbody tr').first().innerText(), first);
  // Paging keeps the order: the second page's fines are no larger than the first's.
  const second = await fines();
  assert.ok(second.every((f) => f <= down[down.length - 1]), 'page two continues the order');
  await shot(page, 'table-sorted-paged');
  await context.close();
});

test('a reviewer draws a sample, scores one case item by item, and the summary counts it', async () => {
  const { context, page, problems } = await session('reviewer');
  await open(page, '/reviews', 'reviews');
  const draw = page.locator('form[data-form="draw"]');
  await draw.locator('[name="from"]').fill('2026-01-01');
  await draw.locator('[name="rate"]').selectOption('5%');
  await page.evaluate(() => { delete document.body.dataset.ready; });
  await draw.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.body.dataset.ready === 'review' && location.hash.startsWith('#/review/'));
  await shot(page, 'review-1-sample');
  const first = page.locator('[data-table="sample-cases"] a[data-review]').first();
  assert.ok(await first.count() === 1, 'the sample drew cases');
  await first.click();
  await page.waitForFunction(() => document.body.dataset.ready === 'review' && location.hash.split('/').length === 4);
  const form = page.locator('form[data-form="review"]');
  assert.equal(await form.locator('tr[data-item]').count(), 10, 'the ten checklist items');
  await form.locator('[name="points-two_officers"]').fill('10');
  await form.locator('[name="note-two_officers"]').fill('询问笔录仅一名执法人员签名');
  await form.locator('[name="points-documents"]').fill('0');
  const total = await form.locator('.total').innerText();
  assert.match(total, /分/);
  await form.locator('button[type="submit"]').click();
  await page.locator('form[data-form="review"] .note.ok').waitFor();
  const saved = await page.locator('form[data-form="review"] .note.ok').innerText();
  assert.match(saved, /已保存：得分 \d+ 分（评查人：案卷评查员/);
  await looksRight(page, 'review form');
  await shot(page, 'review-2-form');
  // Back on the sample: the case carries the reviewer's score; the summaries count it.
  await page.locator('a', { hasText: '返回样本' }).click();
  await page.waitForFunction(() => document.body.dataset.ready === 'review' && location.hash.split('/').length === 3);
  assert.match(await page.locator('[data-table="sample-cases"]').innerText(), /案卷评查员/);
  assert.match(await page.locator('[data-table="summary-body"]').innerText(), /两名以上执法人员执法 1 处/);
  await shot(page, 'review-3-summary');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a case outside the supervisor\'s district: the page says so in words', async () => {
  const city = await session('city');
  const id = await city.page.evaluate(async () =>
    (await (await fetch('/v1/supervision/cases?district=500103&limit=1')).json()).cases[0].doc_id);
  await city.context.close();
  const { context, page } = await session('otherDistrict');
  await open(page, `/case/${encodeURIComponent(id)}`, 'case');
  const text = await page.locator('main').innerText();
  assert.match(text, /不存在，或不在您的监督范围内（您的监督范围：渝北区）/);
  assert.doesNotMatch(text, /当事人|法律文书/);
  await shot(page, 'case-out-of-scope');
  await context.close();
});
