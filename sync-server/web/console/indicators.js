// 监督指标: the list by group, and one indicator's definition, its figures at a level with
// drill-down (全市 → 区县 → 执法主体 → 执法人员) as a sortable table and a chart, then the
// cases behind one figure.

import { h, link, section, note } from './dom.js';
import * as api from './api.js';
import { bars } from './chart.js';
import { table } from './table.js';
import { withUnit, num, periodKey } from './format.js';
import { GROUP, LEVEL, PERIOD, zh } from './labels.js';
import * as period from './period.js';
import { caseColumns } from './cases.js';
import { exportLinks } from './exports.js';
import { definitions } from './definitions.js';


const NEXT = { city: 'district', district: 'body', body: 'officer' };

/** The level an indicator page opens at for this supervisor. */
export function firstLevel(def, me) {
  if (me.scope.startsWith('body:') && def.levels.includes('body')) return 'body';
  if (def.levels.includes('district')) return 'district';
  return def.levels[0];
}

function groupOf(def) {
  const prefix = def.id.split('.')[0];
  return GROUP.find(([p]) => p === prefix)?.[1] || '其他指标';
}

export async function renderList(view) {
  const defs = await definitions();
  const groups = new Map();
  for (const def of defs) {
    const g = groupOf(def);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(def);
  }
  view.append(h('div', { class: 'page-head' }, h('h1', {}, '监督指标')));
  for (const [group, list] of groups) {
    view.append(section(group, h('ul', { class: 'indicator-list' }, list.map((def) =>
      h('li', {},
        link(`/indicator/${def.id}`, def.name, { dataset: { indicator: def.id } }),
        h('span', { class: 'unit' }, `（${def.unit}）`),
        h('p', { class: 'muted' }, def.definition))))));
  }
}

/** The drill trail kept in the route: "level:key:label|…". */
function readTrail(text) {
  return (text || '').split('|').filter(Boolean).map((part) => {
    const [level, key, ...rest] = part.split(':');
    return { level, key, label: rest.join(':') };
  });
}

function writeTrail(trail) {
  return trail.map((t) => `${t.level}:${t.key}:${t.label}`).join('|');
}

function routeOf(def, state, change = {}) {
  const next = { ...state, ...change };
  const params = { level: next.level, ...period.toParams(next.p) };
  if (next.trail.length) params.trail = writeTrail(next.trail);
  if (next.key) params.key = next.key;
  if (next.periodKey) params.period_key = next.periodKey;
  if (next.keyLabel) params.key_label = next.keyLabel;
  return `/indicator/${def.id}?` + new URLSearchParams(params);
}

function crumbs(def, state, me) {
  const top = { level: firstLevel(def, me), trail: [] };
  const items = [link(routeOf(def, { ...state, ...top, key: null, periodKey: null, keyLabel: null }), me.scope_zh)];
  state.trail.forEach((t, i) => {
    items.push(' › ');
    items.push(link(routeOf(def, {
      ...state, level: NEXT[t.level], trail: state.trail.slice(0, i + 1), key: null, periodKey: null, keyLabel: null,
    }), t.label));
  });
  items.push(' › ', h('strong', {}, `按${zh(LEVEL, state.level)}`));
  return h('nav', { class: 'crumbs', 'aria-label': '钻取路径' }, items);
}

async function behind(def, state, query) {
  const answer = await api.get(`/indicators/${encodeURIComponent(def.id)}/cases`, {
    ...query, key: state.key, period_key: state.periodKey,
  });
  const title = `“${state.keyLabel || '所选对象'}”${state.periodKey ? periodKey(state.periodKey) : ''}的${def.name}所对应的记录`;
  if (def.table !== 'sv_case') {
    return section(title, note('info',
      `共 ${num(answer.documents.length)} 条记录。本指标统计的是入企检查、核验或评价记录，不是案件，故不在案件视图中打开。`));
  }
  return section(title,
    h('p', { class: 'muted' }, `共 ${num(answer.cases.length)} 件案件${answer.documents.length >= 100 ? '（最多显示前 100 件）' : ''}`),
    table({ name: 'behind', columns: caseColumns(), rows: answer.cases, pageSize: 20, empty: '没有对应的案件' }));
}

export async function renderOne(view, { me, parts, params }) {
  const defs = await definitions();
  const def = defs.find((d) => d.id === parts[0]);
  if (!def) {
    view.append(note('error', '没有这个指标'));
    return;
  }
  let p = period.fromParams(params);
  if (!def.periods.includes(p.kind)) p = { kind: def.periods.includes('year') ? 'year' : def.periods[0], year: p.year, n: 1 };
  const level = def.levels.includes(params.get('level')) ? params.get('level') : firstLevel(def, me);
  const state = {
    level, p, trail: readTrail(params.get('trail')),
    key: params.get('key'), periodKey: params.get('period_key'), keyLabel: params.get('key_label'),
  };
  const parent = state.trail.length ? state.trail[state.trail.length - 1].key : '';
  const { from, to } = period.bounds(p);
  const query = { level, period: p.kind, from, to, parent };
  const answer = await api.get(`/indicators/${encodeURIComponent(def.id)}`, query);
  const figures = answer.figures;
  const next = NEXT[level] && def.levels.includes(NEXT[level]) ? NEXT[level] : null;

  const columns = [
    {
      key: 'label_zh', label: zh(LEVEL, level),
      render: (f) => (next
        ? link(routeOf(def, { ...state, level: next, trail: [...state.trail, { level, key: f.key, label: f.label_zh }], key: null, periodKey: null, keyLabel: null }),
          f.label_zh, { dataset: { drill: f.key } })
        : f.label_zh),
    },
    { key: 'period', label: '期间', render: (f) => periodKey(f.period) },
    { key: 'value', label: `数值（${def.unit}）`, num: true, render: (f) => withUnit(f.value, def.unit) },
    { key: 'numerator', label: '分子', num: true, render: (f) => num(f.numerator) },
    { key: 'denominator', label: '分母', num: true, render: (f) => num(f.denominator) },
    {
      key: 'behind', label: '对应记录', value: () => '',
      render: (f) => link(routeOf(def, { ...state, key: f.key, periodKey: f.period, keyLabel: f.label_zh }), '查看', { dataset: { behind: f.key } }),
    },
  ];
  const shown = [...figures].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
  const changePeriod = (np) => { location.hash = '#' + routeOf(def, { ...state, p: np, key: null, periodKey: null, keyLabel: null }); };

  view.append(
    h('div', { class: 'page-head' },
      h('h1', {}, def.name),
      period.picker(p, changePeriod)),
    section('指标定义',
      h('p', {}, def.definition),
      h('p', { class: 'muted' },
        `单位：${def.unit}；可按${def.levels.map((l) => zh(LEVEL, l)).join('、')}统计；`,
        `统计周期：${def.periods.map((k) => zh(PERIOD, k)).join('、')}。`)),
    section(`${period.label(p)} · 按${zh(LEVEL, level)}`,
      crumbs(def, state, me),
      figures.length
        ? bars({ labels: shown.slice(0, 20).map((f) => f.label_zh), values: shown.slice(0, 20).map((f) => (f.value === null ? null : Math.round(f.value * 100) / 100)), unit: def.unit === '%' ? '%' : '' })
        : note('info', '所选期间没有数据'),
      table({ name: 'figures', columns, rows: shown, pageSize: 20, empty: '所选期间没有数据' }),
      exportLinks('indicator', { id: def.id, ...query }, '导出本表')));
  if (state.key) view.append(await behind(def, state, query));
}
