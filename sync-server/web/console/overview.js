// 总览: the period's key figures for the supervisor's scope, each with its monthly trend over
// the year and a link to its indicator page.

import { h, link, section, note } from './dom.js';
import * as api from './api.js';
import { trend } from './chart.js';
import { withUnit, num, today } from './format.js';
import * as period from './period.js';
import { definitions } from './definitions.js';
import { firstLevel } from './indicators.js';

/** The figures that matter most to a supervisor, in the order shown. */
export const KEY_INDICATORS = [
  'case.filed',
  'case.decided',
  'money.fines',
  'case.decided_within_90',
  'discretion.departure_rate',
  'case.overdue',
  'visit.verified_share',
  'feedback.complaints',
];

function sameScopeTotal(figures) {
  // At the city level the scope's rows make one key; its one figure is the total.
  return figures.length ? figures[0] : null;
}

async function card(def, p, me) {
  const { from, to } = period.bounds(p);
  const year = period.bounds({ kind: 'year', year: p.year });
  const kind = def.periods.includes(p.kind) ? p.kind : null;
  const [now, months] = await Promise.all([
    kind ? api.get(`/indicators/${encodeURIComponent(def.id)}`, { level: 'city', period: kind, from, to }) : null,
    def.periods.includes('month')
      ? api.get(`/indicators/${encodeURIComponent(def.id)}`, { level: 'city', period: 'month', from: year.from, to: year.to })
      : null,
  ]);
  // A count or an amount over no rows is zero; a rate or a mean over none has no value.
  const additive = ['件', '次', '元'].includes(def.unit);
  const zero = additive ? { value: 0, numerator: null, denominator: null } : null;
  const figure = now ? (sameScopeTotal(now.figures) || zero) : null;
  const byMonth = new Map((months?.figures || []).map((f) => [f.period, f.value]));
  const categories = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);
  const thisMonth = today().slice(0, 7);
  const values = categories.map((_, i) => {
    const month = `${p.year}-${String(i + 1).padStart(2, '0')}`;
    const v = byMonth.get(month);
    if (v === undefined || v === null) return additive && month <= thisMonth ? 0 : null;
    return Math.round(v * 100) / 100;
  });
  const target = `/indicator/${def.id}?` + new URLSearchParams({
    level: firstLevel(def, me), ...period.toParams(kind ? p : { kind: 'year', year: p.year }),
  });
  return h('article', { class: 'kpi', dataset: { indicator: def.id } },
    h('h3', {}, link(target, def.name, { class: 'kpi-link' })),
    h('p', { class: 'kpi-value' }, figure ? withUnit(figure.value, def.unit) : '—'),
    h('p', { class: 'kpi-sub' }, figure && figure.denominator !== null && def.unit === '%'
      ? `${num(figure.numerator)} / ${num(figure.denominator)}` : '\u00a0'),
    months ? trend({ categories, series: [{ name: def.name, values, type: def.unit === '%' ? 'line' : 'bar' }], unit: def.unit === '%' ? '%' : '', height: 120 }) : null);
}

async function warningsCard() {
  const open = await api.get('/warnings', { status: 'open', limit: 500 });
  const count = open.warnings.length;
  return h('article', { class: 'kpi warn', dataset: { indicator: 'warnings.open' } },
    h('h3', {}, link('/warnings?status=open', '待处理预警', { class: 'kpi-link' })),
    h('p', { class: 'kpi-value' }, count >= 500 ? '500 条以上' : `${num(count)} 条`),
    h('p', { class: 'kpi-sub' }, '预警规则发现、尚未确认的问题'));
}

export async function render(view, { me, params }) {
  const p = period.fromParams(params);
  const defs = await definitions();
  const chosen = KEY_INDICATORS.map((id) => defs.find((d) => d.id === id)).filter(Boolean);
  const cards = await Promise.all([...chosen.map((def) => card(def, p, me)), warningsCard()]);
  view.append(
    h('div', { class: 'page-head' },
      h('h1', {}, `总览 · ${me.scope_zh} · ${period.label(p)}`),
      period.picker(p, (next) => { location.hash = '#/overview?' + new URLSearchParams(period.toParams(next)); })),
    cards.length ? h('div', { class: 'kpis' }, cards) : note('info', '暂无指标'),
    section('说明', h('p', { class: 'muted' },
      '各项数字为您监督范围内的统计；点击指标名称查看其定义、按区县、执法主体、执法人员的分布及对应案件。趋势图为所选年度各月数值。')));
}
