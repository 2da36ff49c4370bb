// What every browser test shares: the server tests/web/run started, the accounts it made,
// Debian's chromium through playwright-core, login and logout, and screenshots.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const base = process.env.ZHIFA_WEB_BASE;
export const dataDir = process.env.ZHIFA_WEB_DATA;
export const serverBin = process.env.ZHIFA_SERVER_BIN;
export const outDir = process.env.ZHIFA_WEB_OUT;
if (!base || !outDir) {
  throw new Error('run the browser tests through tests/web/run');
}
mkdirSync(outDir, { recursive: true });

const account = (who, scope) => ({ username: `web-${who}`, password: `web-${who}web-${who}`, scope });
export const accounts = {
  city: account('city', ''),
  district: account('district', '500103'),
  otherDistrict: account('otherDistrict', '500112'),
  body: account('body', 'body:B500103001'),
  reviewer: account('reviewer', ''),
};

/** The office screen the console is made for; tablets are tried at `TABLET`. */
export const OFFICE = { width: 1366, height: 768 };
export const TABLET = { width: 800, height: 1280 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--lang=zh-CN'],
  });
}

/** A fresh context (its own cookies) and page at the office size, in zh-CN and Beijing time. */
export async function newPage(browser, viewport = OFFICE) {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  return context.newPage();
}

export async function login(page, who) {
  const { username, password } = accounts[who];
  await page.goto(`${base}/console/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/console**`), page.click('#login')]);
  if (page.url().includes('/console/login')) {
    throw new Error(`login as ${who} failed: ${await page.textContent('body')}`);
  }
}

/** Logs out through the console's own logout form or button (POST with the CSRF token). */
export async function logout(page) {
  const token = await page.getAttribute('meta[name="csrf-token"]', 'content');
  await page.evaluate(async (csrf) => {
    await fetch('/console/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
  }, token);
  // The app may notice the ended session first and go to the login itself.
  await page.goto(`${base}/console`).catch(() => {});
  await page.waitForURL(/\/console\/login$/);
}

export async function shot(page, name) {
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The console page's CSRF token, for API calls made from the test as the page would. */
export async function csrfToken(page) {
  return page.getAttribute('meta[name="csrf-token"]', 'content');
}
