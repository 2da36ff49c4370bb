// 企业评价与投诉: what enterprises sent about visits (ratings and complaints, 投诉举报),
// within the supervisor's scope, newest first. A web submission is weaker evidence than the
// app's signed verification and is marked as such.

import { h, section, note, select, field } from './dom.js';
import * as api from './api.js';
import { table } from './table.js';
import { num, day } from './format.js';
import { zh } from './labels.js';

const KIND = { rating: '评价', complaint: '投诉举报' };
const SOURCE = { app: '执法App（签名核验）', web: '网页核验（证明力较弱）' };

function stars(score) {
  if (score === null || score === undefined) return '—';
  const n = Math.max(0, Math.min(5, Number(score) || 0));
  return `${'★'.repeat(n)}${'☆'.repeat(5 - n)}（${n} 分）`;
}

export async function render(view, { params }) {
  const filter = { kind: params.get('kind') || '', source: params.get('source') || '' };
  let answer;
  try {
    answer = await api.get('/feedback', { ...filter, limit: 500 });
  } catch (error) {
    if (error.status !== 404) throw error;
    view.append(h('div', { class: 'page-head' }, h('h1', {}, '企业评价与投诉')),
      note('info', '本服务器尚未提供企业评价与投诉数据。'));
    return;
  }
  const rows = answer.feedback;
  const change = (name) => (value) => {
    const next = { ...filter, [name]: value };
    location.hash = '#/feedback?' + new URLSearchParams(Object.entries(next).filter(([, v]) => v));
  };
  const ratings = rows.filter((r) => r.kind === 'rating' && r.score !== null && r.score !== undefined);
  const mean = ratings.length ? ratings.reduce((s, r) => s + Number(r.score), 0) / ratings.length : null;
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, '企业评价与投诉'),
      h('div', { class: 'controls', dataset: { form: 'feedback-filter' } },
        field('类型', select('kind', [['', '全部'], ...Object.entries(KIND)], filter.kind, change('kind'))),
        field('来源', select('source', [['', '全部'], ...Object.entries(SOURCE)], filter.source, change('source'))))),
    section('概况', h('dl', { class: 'facts' },
      h('dt', {}, '条数'), h('dd', {}, `${num(answer.total)}${answer.total > rows.length ? `（显示最新 ${num(rows.length)} 条）` : ''}`),
      h('dt', {}, '其中投诉举报'), h('dd', {}, num(rows.filter((r) => r.kind === 'complaint').length)),
      h('dt', {}, '平均评分'), h('dd', {}, mean === null ? '—' : `${num(mean)} 分`)),
    h('p', { class: 'muted' }, '网页提交的评价和投诉没有执法App的签名核验，证明力弱于App内的两码互核，仅作为监督线索，不计入企业一方的核验。')),
    section('明细', table({
      name: 'feedback', rows, pageSize: 20, empty: '暂无评价或投诉',
      rowAttrs: (r) => ({ dataset: { feedbackId: r.id } }),
      columns: [
        { key: 'kind', label: '类型', value: (r) => r.kind_zh || zh(KIND, r.kind) },
        { key: 'score', label: '评分', num: true, render: (r) => (r.kind === 'rating' ? stars(r.score) : '—') },
        { key: 'text', label: '内容', value: (r) => r.text || '（未填写）' },
        { key: 'enterprise_name', label: '企业', value: (r) => r.enterprise_name || '—' },
        { key: 'officer_name', label: '执法人员', value: (r) => r.officer_name || '—' },
        { key: 'body_name', label: '执法主体', value: (r) => r.body_name || '—' },
        { key: 'on_day', label: '日期', value: (r) => r.on_day, render: (r) => r.created_at || day(r.on_day) },
        { key: 'contact', label: '联系方式', value: (r) => r.contact || '—' },
        { key: 'source', label: '来源', value: (r) => r.source_zh || zh(SOURCE, r.source) },
      ],
    })));
}
