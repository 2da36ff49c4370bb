// The period a page shows: a year, a quarter or a month of it, kept in the route's
// parameters (period=year|quarter|month, year, n) so a link carries it.

import { h, select, field } from './dom.js';
import { today } from './format.js';

const pad = (n) => String(n).padStart(2, '0');

function lastDay(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period the parameters name (this year by default). */
export function fromParams(params) {
  const year = Number(params.get('year')) || Number(today().slice(0, 4));
  const kind = ['year', 'quarter', 'month'].includes(params.get('period')) ? params.get('period') : 'year';
  const max = kind === 'quarter' ? 4 : 12;
  const n = Math.min(Math.max(Number(params.get('n')) || 1, 1), max);
  return { kind, year, n };
}

/** from and to (inclusive) of the period. */
export function bounds({ kind, year, n }) {
  if (kind === 'quarter') {
    const first = (n - 1) * 3 + 1;
    return { from: `${year}-${pad(first)}-01`, to: `${year}-${pad(first + 2)}-${lastDay(year, first + 2)}` };
  }
  if (kind === 'month') return { from: `${year}-${pad(n)}-01`, to: `${year}-${pad(n)}-${lastDay(year, n)}` };
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** The period as read: 2026年, 2026年第一季度, 2026年3月. */
export function label({ kind, year, n }) {
  if (kind === 'quarter') return `${year}年第${'一二三四'[n - 1]}季度`;
  if (kind === 'month') return `${year}年${n}月`;
  return `${year}年`;
}

/** The parameters that name the period. */
export function toParams(p) {
  return p.kind === 'year' ? { period: 'year', year: p.year } : { period: p.kind, year: p.year, n: p.n };
}

/** Selectors for the period; `onchange(period)` when one changes. */
export function picker(p, onchange) {
  const thisYear = Number(today().slice(0, 4));
  const years = [];
  for (let y = thisYear; y >= thisYear - 4; y -= 1) years.push([y, `${y}年`]);
  const ns = p.kind === 'quarter'
    ? [1, 2, 3, 4].map((q) => [q, `第${'一二三四'[q - 1]}季度`])
    : Array.from({ length: 12 }, (_, i) => [i + 1, `${i + 1}月`]);
  return h('div', { class: 'controls', dataset: { picker: 'period' } },
    field('年度', select('year', years, p.year, (v) => onchange({ ...p, year: Number(v) }))),
    field('统计周期', select('period', [['year', '全年'], ['quarter', '季度'], ['month', '月度']], p.kind,
      (v) => onchange({ ...p, kind: v, n: 1 }))),
    p.kind === 'year' ? null : field(p.kind === 'quarter' ? '季度' : '月份',
      select('n', ns, p.n, (v) => onchange({ ...p, n: Number(v) }))));
}
