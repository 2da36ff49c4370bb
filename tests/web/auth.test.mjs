// Accounts in the browser: login and logout, a wrong password and the lockout, and a district
// supervisor refused another district's case, on the page and through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accounts, base, csrfToken, dataDir, launch, login, logout, newPage, serverBin, shot } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('login opens the console with the account shown, logout ends the session', async () => {
  const page = await newPage(browser);
  await page.goto(`${base}/console`);
  assert.match(page.url(), /\/console\/login$/, 'the unknown are sent to the login');
  await shot(page, 'login');
  await login(page, 'city');
  const me = await page.evaluate(async () => (await fetch('/v1/supervision/me')).json());
  assert.equal(me.name, '市级监督员');
  assert.equal(me.role, 'city');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'zhifa_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(session.secure, true);
  assert.equal(await page.evaluate(() => document.cookie.includes('zhifa_session')), false,
    'scripts cannot read the session');

  // Without the CSRF header a change is refused, in words; with it, it reaches the handler.
  const refused = await page.evaluate(async () => {
    const answer = await fetch('/v1/supervision/warnings/none/acknowledge', { method: 'POST' });
    return { status: answer.status, body: await answer.json() };
  });
  assert.equal(refused.status, 403);
  assert.match(refused.body.detail, /防伪令牌/);
  const token = await csrfToken(page);
  const reached = await page.evaluate(async (csrf) => {
    const answer = await fetch('/v1/supervision/warnings/none/acknowledge', {
      method: 'POST', headers: { 'X-CSRF-Token': csrf, 'content-type': 'application/json' }, body: '{}',
    });
    return answer.status;
  }, token);
  assert.equal(reached, 404, 'past the CSRF check: the warning does not exist');

  await logout(page);
  assert.match(page.url(), /\/console\/login$/);
  const after = await page.evaluate(async () => (await fetch('/v1/supervision/me')).status);
  assert.equal(after, 401, 'the old session opens nothing');
  await page.context().close();
});

test('a wrong password is refused in words, and five in a row lock the account', async () => {
  // An account of its own, so the lock does not stop the other tests.
  const username = 'web-lockout';
  const password = 'lockout-password-1';
  execFileSync(serverBin, ['supervision', 'add-account', '--username', username, '--name', '锁定测试',
    '--role', 'reviewer', '--scope', '', '--password-stdin'],
  { input: `${password}\n`, env: { ...process.env, ZHIFA_DATA_DIR: dataDir }, stdio: ['pipe', 'ignore', 'ignore'] });
  const page = await newPage(browser);
  const attempt = async (secret, as = username) => {
    await page.goto(`${base}/console/login`);
    await page.fill('#username', as);
    await page.fill('#password', secret);
    await Promise.all([page.waitForLoadState('load'), page.click('#login')]);
    return (await page.textContent('body')) ?? '';
  };
  let text = await attempt('not the password');
  assert.match(text, /用户名或密码错误/);
  assert.match(page.url(), /\/console\/login$/);
  await shot(page, 'login-wrong-password');
  for (let i = 2; i <= 4; i += 1) {
    assert.match(await attempt(`wrong ${i}`), /用户名或密码错误/);
  }
  text = await attempt('wrong 5');
  assert.match(text, /连续 5 次登录失败，账户已锁定至 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（北京时间）/);
  await shot(page, 'login-locked');
  // Locked: even the right password is refused until the lock ends.
  text = await attempt(password);
  assert.match(text, /账户已锁定/);
  assert.match(page.url(), /\/console\/login$/);
  // An unknown name reads exactly as a wrong password.
  assert.match(await attempt('whatever password', 'web-nobody'), /用户名或密码错误/);
  await page.context().close();
});

test('a district supervisor is refused another district\'s case, on the page and by the API', async () => {
  const city = await newPage(browser);
  await login(city, 'city');
  const listed = await city.evaluate(async () =>
    (await fetch('/v1/supervision/cases?district=500112&limit=1')).json());
  assert.ok(listed.cases.length > 0, 'the demo has a case in 渝北区');
  const elsewhere = listed.cases[0].doc_id;
  const own = await city.evaluate(async () =>
    (await fetch('/v1/supervision/cases?district=500103&limit=1')).json());
  const ownCase = own.cases[0].doc_id;
  await city.context().close();

  const page = await newPage(browser);
  await login(page, 'district');
  const api = await page.evaluate(async (id) => {
    const answer = await fetch(`/v1/supervision/cases/${encodeURIComponent(id)}`);
    return { status: answer.status, body: await answer.json() };
  }, elsewhere);
  assert.equal(api.status, 404, 'outside the scope reads as absent');
  assert.match(api.body.detail, /不在您的监督范围内/);
  const mine = await page.evaluate(async (id) =>
    (await fetch(`/v1/supervision/cases/${encodeURIComponent(id)}`)).status, ownCase);
  assert.equal(mine, 200, 'the own district\'s case opens');
  const log = JSON.parse(execFileSync(serverBin, ['supervision', 'access-log', '--case', ownCase],
    { env: { ...process.env, ZHIFA_DATA_DIR: dataDir } }).toString());
  assert.ok(log.some((entry) => entry.who === 'web-district' && entry.what === 'case'),
    'the access log records who looked');

  await page.goto(`${base}/console#/case/${encodeURIComponent(elsewhere)}`);
  await page.waitForSelector('text=/不在您的监督范围/');
  await shot(page, 'case-other-district-refused');
  assert.equal(accounts.district.scope, '500103');
  await page.context().close();
});
