// The enterprise page (/v/<code>) in a real browser, on a phone-sized screen: real officer
// codes from `web-codes` (an officer's phone enrolled against the running server, its duty
// credential issued by it), each verdict the page gives (valid, forged, expired, replayed,
// another enterprise's), the check cookie surviving a reload, and a complaint sent from the
// page and then seen by the city supervisor, through the API and on the console's feedback
// page. The web-codes binary sits beside the server's (ZHIFA_WEB_CODES_BIN overrides).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { base, dataDir, serverBin, launch, newPage, login, shot } from './harness.mjs';

const PHONE = { width: 390, height: 844 };
const codesBin = process.env.ZHIFA_WEB_CODES_BIN || path.join(path.dirname(serverBin), 'web-codes');
const COMPLAINT = `检查人员态度粗暴，未出示执法证件（浏览器测试 ${Date.now()}）`;

let browser;
let codes;
let validPage;

before(async () => {
  browser = await launch();
  // Codes are valid for about a minute: made here, used at once.
  codes = JSON.parse(execFileSync(codesBin, ['--server', base, '--data-dir', dataDir]).toString());
});

after(async () => {
  await browser?.close();
});

async function open(url) {
  const page = await newPage(browser, PHONE);
  const answer = await page.goto(url);
  return { page, answer };
}

async function verdict(page) {
  return page.getAttribute('[data-verdict]', 'data-verdict');
}

/** A bound code asks for the enterprise's credit code first. */
async function answerCreditCode(page, creditCode) {
  await page.waitForSelector('form.credit');
  await page.fill('#enterprise', creditCode);
  await Promise.all([page.waitForURL(/enterprise=/), page.click('form.credit button')]);
}

test('a valid code bound to the enterprise: who, which body, what, until when', async () => {
  const { page } = await open(codes.valid_a);
  assert.match(await page.textContent('main'), /统一社会信用代码/);
  await shot(page, 'enterprise-ask-credit-code');
  await answerCreditCode(page, codes.enterprise_a);
  assert.equal(await verdict(page), 'valid');
  const text = await page.textContent('main');
  assert.match(text, /核验通过/);
  assert.ok(text.includes(codes.officer), text);
  assert.match(text, /执法机关/);
  assert.match(text, /可实施的执法事项/);
  assert.match(text, /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）/);
  assert.match(text, /重庆渝中大坪山城烧烤店/);
  assert.match(await page.textContent('footer'), /不计入“两码互核”/);
  // Readable with no script at all, and nothing loaded from elsewhere.
  assert.equal(await page.locator('script').count(), 0);
  await shot(page, 'enterprise-valid');
  // The same browser reloading sees its own first verdict (the check cookie).
  await page.reload();
  assert.equal(await verdict(page), 'valid');
  validPage = page;
});

test('the same code opened by anyone else is refused as replayed', async () => {
  const { page } = await open(codes.valid_a);
  await answerCreditCode(page, codes.enterprise_a);
  assert.equal(await verdict(page), 'Replayed');
  assert.match(await page.textContent('main'), /该码已被使用过/);
  await shot(page, 'enterprise-replayed');
  await page.context().close();
});

test('a forged code is refused with advice', async () => {
  const { page, answer } = await open(codes.forged);
  assert.equal(answer.status(), 200);
  assert.equal(await verdict(page), 'BadDeviceSignature');
  const text = await page.textContent('main');
  assert.match(text, /核验未通过/);
  assert.match(text, /可能是截图或伪造/);
  assert.match(text, /12345/);
  await shot(page, 'enterprise-forged');
  await page.context().close();
});

test('an expired code is refused', async () => {
  const { page } = await open(codes.expired);
  assert.equal(await verdict(page), 'StepTooOld');
  assert.match(await page.textContent('main'), /该码已过时/);
  await shot(page, 'enterprise-expired');
  await page.context().close();
});

test("another enterprise's code is refused at this one", async () => {
  const { page } = await open(codes.other_enterprise);
  await answerCreditCode(page, codes.enterprise_a);
  assert.equal(await verdict(page), 'WrongEnterprise');
  assert.match(await page.textContent('main'), /该码是为其他单位生成的/);
  await shot(page, 'enterprise-other-enterprise');
  await page.context().close();
});

test('a complaint sent from the verdict page', async () => {
  assert.ok(validPage, 'the valid check ran first');
  await validPage.fill('#complaint-text', COMPLAINT);
  await validPage.fill('#contact', '13800000000');
  await Promise.all([
    validPage.waitForURL(/sent=complaint/),
    validPage.click('form.complaint button'),
  ]);
  assert.match(await validPage.textContent('.notice'), /投诉已提交/);
  await shot(validPage, 'enterprise-complaint-sent');
  // An empty complaint is refused in words by the browser's own form check before sending.
  assert.equal(await validPage.getAttribute('#complaint-text', 'required'), '');
  await validPage.context().close();
});

test('the city supervisor sees the complaint', async () => {
  const page = await newPage(browser);
  await login(page, 'city');
  const listed = await page.evaluate(async () => {
    const answer = await fetch('/v1/supervision/feedback?kind=complaint');
    return answer.json();
  });
  const item = listed.feedback.find((f) => f.text === COMPLAINT);
  assert.ok(item, JSON.stringify(listed).slice(0, 500));
  assert.equal(item.source, 'web');
  assert.equal(item.officer, codes.officer);
  assert.equal(item.enterprise, codes.enterprise_a);
  assert.equal(item.contact, '13800000000');
  await page.goto(`${base}/console#/feedback`);
  const row = page.locator(`[data-feedback-id="${item.id}"]`);
  await row.waitFor({ timeout: 10_000 });
  assert.match(await row.textContent(), /投诉/);
  await shot(page, 'console-feedback-complaint');
  await page.context().close();
});
