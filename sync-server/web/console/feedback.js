// 企业评价与投诉: what enterprises sent about visits (ratings and complaints, 投诉举报),
// within the supervisor's scope. A web submission is weaker evidence than the app's signed
// verification and is marked as such.

import { h, section, note, select, field } from './dom.js';
import * as api from './api.js';
import { table } from './table.js';
import { num, day, seconds } from './format.js';
import { zh } from './labels.js';

const KIND = { rating: '评价', complaint: '投诉举报' };

function stars(score) {
  const n = Math.max(0, Math.min(5, Number(score) || 0));
  return score === null || score === undefined ? '—' : `${'★'.repeat(n)}${'☆'.repeat(5 - n)}（${n} 分）`;
}

function source(row) {
  if (row.source_zh) return row.source_zh;
  return row.verified ? '执法App两码互核' : '网页提交（未经App签名核验）';
}

export async function render(view, { params }) {
  const kind = params.get('kind') || '';
  const answer = await api.get('/feedback', { kind, limit: 500 });
  const rows = answer.feedback || answer.items || [];
  const ratings = rows.filter((r) => r.kind === 'rating' && r.score !== null && r.score !== undefined);
  const mean = ratings.length ? ratings.reduce((s, r) => s + Number(r.score), 0) / ratings.length : null;
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, '企业评价与投诉'),
      h('div', { class: 'controls' }, field('类型', select('kind', [['', '全部'], ...Object.entries(KIND)], kind,
        (v) => { location.hash = '#/feedback' + (v ? `?kind=${v}` : ''); })))),
    section('概况', h('dl', { class: 'facts' },
      h('dt', {}, '条数'), h('dd', {}, num(rows.length)),
      h('dt', {}, '投诉举报'), h('dd', {}, num(rows.filter((r) => r.kind === 'complaint').length)),
      h('dt', {}, '平均评分'), h('dd', {}, mean === null ? '—' : `${num(mean)} 分`)),
    h('p', { class: 'muted' }, '网页提交的评价和投诉没有执法App的签名核验，证据效力弱于App内的两码互核，仅作为线索，不计入企业一方的核验。')),
    section('明细', table({
      name: 'feedback', rows, pageSize: 20, empty: '暂无评价或投诉',
      rowAttrs: (r) => ({ dataset: { feedbackId: r.id } }),
      sort: { key: 'when', dir: -1 },
      columns: [
        { key: 'kind', label: '类型', value: (r) => r.kind_zh || zh(KIND, r.kind) },
        { key: 'score', label: '评分', num: true, render: (r) => (r.kind === 'rating' ? stars(r.score) : '—') },
        { key: 'text', label: '内容', value: (r) => r.text || '（未填写）' },
        { key: 'officer', label: '执法人员', value: (r) => r.officer_zh || r.officer_name || '—' },
        { key: 'body', label: '执法主体', value: (r) => r.body_zh || '—' },
        { key: 'district', label: '区县', value: (r) => r.district_zh || '—' },
        { key: 'when', label: '时间', value: (r) => r.created_at || r.on_day, render: (r) => (r.created_at ? seconds(r.created_at) : day(r.on_day)) },
        { key: 'source', label: '来源', value: source },
      ],
    })));
  if (!rows.length) view.append(note('info', '所选范围内暂无企业评价或投诉'));
}
