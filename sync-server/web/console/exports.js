// 数据导出: CSV (with a BOM, so spreadsheet software reads the Chinese) and .xlsx of the cases,
// warnings, an indicator's figures and a review sample, through the API's export route.

import { h, section, field, select } from './dom.js';
import { url } from './api.js';
import { definitions } from './definitions.js';
import { LEVEL, CASE_STATUS, WARNING_STATUS, zh } from './labels.js';
import * as period from './period.js';

/** CSV and .xlsx download links for an export with its filters. */
export function exportLinks(what, params, label = '导出') {
  return h('p', { class: 'exports' }, `${label}：`,
    h('a', { href: url(`/export/${what}.csv`, params), download: '', class: 'button', dataset: { export: `${what}.csv` } }, 'CSV'),
    ' ',
    h('a', { href: url(`/export/${what}.xlsx`, params), download: '', class: 'button', dataset: { export: `${what}.xlsx` } }, 'Excel（.xlsx）'));
}

function form(name, controls, build) {
  const out = h('div', { class: 'export-out' });
  const el = h('form', {
    class: 'controls', dataset: { form: name },
    onsubmit: (e) => { e.preventDefault(); out.replaceChildren(build(new FormData(el))); },
    onchange: () => out.replaceChildren(build(new FormData(el))),
  }, controls);
  queueMicrotask(() => out.replaceChildren(build(new FormData(el))));
  return [el, out];
}

export async function render(view) {
  const defs = await definitions();
  const p = period.fromParams(new URLSearchParams());
  const year = period.bounds(p);
  const dateInput = (name, value) => h('input', { type: 'date', name, value });
  view.append(h('div', { class: 'page-head' }, h('h1', {}, '数据导出')),
    h('p', { class: 'muted' }, '导出您监督范围内的数据；CSV 文件为 UTF-8 编码（带 BOM），Excel 可直接打开。单次导出最多 50,000 行，超出请缩小筛选范围。'),
    section('案件',
      ...form('cases', [
        field('立案日期自', dateInput('from', year.from)),
        field('至', dateInput('to', year.to)),
        field('案件状态', select('status', [['', '全部'], ...Object.entries(CASE_STATUS)], '')),
      ], (data) => exportLinks('cases', { date: 'filed', from: data.get('from'), to: data.get('to'), status: data.get('status') }))),
    section('预警',
      ...form('warnings', [
        field('状态', select('status', [['', '全部'], ...Object.entries(WARNING_STATUS)], '')),
      ], (data) => exportLinks('warnings', { status: data.get('status') }))),
    section('指标数值',
      ...form('indicator', [
        field('指标', select('id', defs.map((d) => [d.id, d.name]), defs[0]?.id)),
        field('层级', select('level', Object.entries(LEVEL).filter(([l]) => l !== 'sector'), 'district')),
        field('自', dateInput('from', year.from)),
        field('至', dateInput('to', year.to)),
      ], (data) => {
        const def = defs.find((d) => d.id === data.get('id'));
        const level = def && def.levels.includes(data.get('level')) ? data.get('level') : def?.levels[0];
        const kind = def?.periods.includes('month') ? 'month' : def?.periods[0];
        return h('div', {},
          level !== data.get('level') ? h('p', { class: 'muted' }, `该指标不按${zh(LEVEL, data.get('level'))}统计，改按${zh(LEVEL, level)}导出。`) : null,
          exportLinks('indicator', { id: data.get('id'), level, period: kind, from: data.get('from'), to: data.get('to') }));
      })),
    section('案卷评查结果', h('p', { class: 'muted' }, '在“案卷评查”中打开一个评查样本，即可导出该样本的评查结果。')));
}
