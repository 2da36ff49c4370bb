// The supervisor's console: a header with who is logged in, the navigation, and one page per
// hash route (#/overview, #/indicators, #/indicator/<id>, #/case/<id>, #/warnings,
// #/warning/<id>, #/reviews, #/review/<sample>[/<case>], #/exports, #/feedback). When a page
// has drawn its data, body[data-ready] names it (the load-time measurement waits for it).

import { h, fill, note } from './dom.js';
import * as api from './api.js';
import { disposeAll } from './chart.js';
import * as overview from './overview.js';
import * as indicators from './indicators.js';
import * as casePage from './case.js';
import * as warnings from './warnings.js';
import * as reviews from './reviews.js';
import * as exportsPage from './exports.js';
import * as feedback from './feedback.js';

const PAGES = {
  overview: overview.render,
  indicators: indicators.renderList,
  indicator: indicators.renderOne,
  case: casePage.render,
  warnings: warnings.renderList,
  warning: warnings.renderOne,
  reviews: reviews.renderList,
  review: reviews.renderSample,
  exports: exportsPage.render,
  feedback: feedback.render,
};

const NAV = [
  ['overview', '总览'],
  ['indicators', '监督指标'],
  ['warnings', '预警'],
  ['reviews', '案卷评查'],
  ['exports', '数据导出'],
  ['feedback', '企业评价与投诉'],
];

/** The route of a hash: its page, the path's further parts and its parameters. */
export function parse(hash) {
  const text = decodeURIComponent(hash.replace(/^#\/?/, ''));
  const [path, search = ''] = text.split('?');
  const parts = path.split('/').filter(Boolean);
  return { page: parts[0] || 'overview', parts: parts.slice(1), params: new URLSearchParams(search) };
}

function header(me) {
  return h('header', { class: 'top' },
    h('div', { class: 'brand' }, '行政执法监督平台'),
    h('nav', { class: 'nav', 'aria-label': '主导航' },
      NAV.filter(([page]) => page !== 'reviews' || me.may_review)
        .map(([page, label]) => h('a', { href: `#/${page}`, dataset: { nav: page } }, label))),
    h('div', { class: 'who' },
      h('span', { class: 'name' }, me.name),
      h('span', { class: 'role' }, me.role_zh),
      h('span', { class: 'scope' }, me.scope_zh),
      h('button', { type: 'button', class: 'logout', onclick: () => api.logout() }, '退出登录')));
}

let drawing = 0;

async function route(main, me) {
  const current = ++drawing;
  const { page, parts, params } = parse(location.hash);
  delete document.body.dataset.ready;
  disposeAll();
  for (const a of document.querySelectorAll('nav.nav a')) {
    const on = a.dataset.nav === page || (a.dataset.nav + 's') === page ||
      (page === 'indicator' && a.dataset.nav === 'indicators') ||
      (page === 'review' && a.dataset.nav === 'reviews');
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const render = PAGES[page];
  if (!render) {
    fill(main, note('error', '没有这个页面'));
    document.body.dataset.ready = 'missing';
    return;
  }
  fill(main, note('info', '正在加载……'));
  const view = h('div', { class: 'page', dataset: { page } });
  // Pages append optional parts as `cond ? part : null`: nothing, never the text "null".
  const append = view.append.bind(view);
  view.append = (...parts) => append(...parts.flat().filter((p) => p !== null && p !== undefined && p !== false && p !== ''));
  try {
    await render(view, { me, parts, params, stale: () => current !== drawing });
    if (current !== drawing) return;
    fill(main, view);
  } catch (error) {
    if (current !== drawing) return;
    const text = error instanceof api.ApiError ? error.message : '页面出错，请刷新后重试';
    if (!(error instanceof api.ApiError)) console.error(error);
    fill(main, view.childNodes.length ? view : '', note('error', text));
  }
  document.body.dataset.ready = page;
  window.scrollTo(0, 0);
}

async function start() {
  const root = document.getElementById('app') || document.body.appendChild(h('div', { id: 'app' }));
  let me;
  try {
    me = await api.get('/me');
  } catch (error) {
    fill(root, note('error', error.message || '无法读取登录信息'));
    return;
  }
  const main = h('main', { class: 'main', id: 'main' });
  fill(root, header(me), main);
  window.addEventListener('hashchange', () => route(main, me));
  if (!location.hash) history.replaceState(null, '', '#/overview');
  await route(main, me);
}

start();
