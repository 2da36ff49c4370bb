// 案卷评查: draw a sample, its cases, the scoring form of one case (the ten checklist items
// with the core's automatic findings beside the reviewer's own deduction and note), and the
// summary by body and officer.

import { h, link, section, note, select, field, fill } from './dom.js';
import * as api from './api.js';
import { table } from './table.js';
import { millis, num, day, today } from './format.js';
import { CASE_STATUS, zh } from './labels.js';
import { caseName } from './cases.js';
import { exportLinks } from './exports.js';

const RECENT = 'zhifa.console.samples';

function recent() {
  try {
    return JSON.parse(localStorage.getItem(RECENT) || '[]');
  } catch {
    return [];
  }
}

function remember(sample) {
  const list = [{ id: sample.id, label: `${day(sample.from)}至${day(sample.to)}，${sample.cases.length} 件` },
    ...recent().filter((s) => s.id !== sample.id)].slice(0, 10);
  localStorage.setItem(RECENT, JSON.stringify(list));
}

function rateZh(rate) {
  return rate === 'all' ? '全部案件' : `按 ${rate} 比例随机抽取`;
}

function summaryTable(name, answer, by) {
  const items = answer.items;
  return table({
    name, rows: answer.figures, pageSize: 10, empty: '尚无评查结果',
    sort: { key: 'mean_score', dir: 1 },
    columns: [
      { key: 'label_zh', label: by === 'body' ? '执法主体' : '执法人员' },
      { key: 'cases', label: '评查案件数', num: true },
      { key: 'mean_score', label: '平均得分', num: true, render: (f) => num(f.mean_score) },
      {
        key: 'defects', label: '主要问题',
        value: (f) => Object.entries(f.defects_by_code || {}).sort((a, b) => b[1] - a[1])
          .map(([code, n]) => `${items.find((i) => i.code === code)?.name_zh || '其他问题'} ${n} 处`).join('；') || '无',
      },
    ],
  });
}

async function summaries(params) {
  const [bodies, officers] = await Promise.all([
    api.get('/reviews/summary', { ...params, by: 'body' }),
    api.get('/reviews/summary', { ...params, by: 'officer' }),
  ]);
  return [
    section('按执法主体汇总', summaryTable('summary-body', bodies, 'body')),
    section('按执法人员汇总', summaryTable('summary-officer', officers, 'officer')),
  ];
}

function drawForm(me) {
  if (!me.may_review) return note('info', '您的角色不能抽取评查样本，可查看评查汇总。');
  const year = today().slice(0, 4);
  const message = h('div');
  const form = h('form', {
    class: 'controls', dataset: { form: 'draw' },
    onsubmit: async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const body = { from: data.get('from'), to: data.get('to'), rate: data.get('rate') };
      if (data.get('seed')) body.seed = Number(data.get('seed'));
      fill(message, note('info', '正在抽取……'));
      try {
        const { sample } = await api.post('/reviews/samples', body);
        remember(sample);
        location.hash = `#/review/${encodeURIComponent(sample.id)}`;
      } catch (error) {
        fill(message, note('error', error.message));
      }
    },
  },
  field('决定日期自', h('input', { type: 'date', name: 'from', value: `${year}-01-01`, required: true })),
  field('至', h('input', { type: 'date', name: 'to', value: today(), required: true })),
  field('抽取比例', select('rate', [['1%', '1%'], ['2%', '2%'], ['5%', '5%'], ['10%', '10%'], ['20%', '20%'], ['all', '全部案件']], '5%')),
  field('随机种子（可不填）', h('input', { type: 'number', name: 'seed', min: 0, step: 1 })),
  h('button', { type: 'submit', class: 'primary' }, '抽取样本'));
  return h('div', {}, form, message);
}

export async function renderList(view, { me, params }) {
  const year = today().slice(0, 4);
  const from = params.get('from') || `${year}-01-01`;
  const to = params.get('to') || today();
  const list = recent();
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, '案卷评查')),
    section('抽取评查样本', drawForm(me)),
    section('最近抽取的样本', list.length
      ? h('ul', {}, list.map((s) => h('li', {}, link(`/review/${encodeURIComponent(s.id)}`, s.label))))
      : note('info', '本浏览器尚未抽取样本')),
    h('h2', { class: 'band' }, `${day(from)}至${day(to)}作出决定的案件的评查汇总`),
    ...(await summaries({ from, to })));
}

async function sampleView(view, me, id) {
  const answer = await api.get(`/reviews/samples/${encodeURIComponent(id)}`);
  const { sample, reviews, cases } = answer;
  remember(sample);
  const byDoc = new Map(reviews.map((r) => [r.doc_id, r]));
  const message = h('div');
  const score = me.may_review ? h('button', {
    type: 'button', class: 'primary', dataset: { action: 'auto-score' },
    onclick: async (e) => {
      e.currentTarget.disabled = true;
      fill(message, note('info', '正在逐案核查……'));
      try {
        const { report } = await api.post(`/reviews/samples/${encodeURIComponent(id)}/score`);
        fill(message, note('ok', `已自动评查 ${report.scored} 件${report.skipped.length ? `，${report.skipped.length} 件无法读取` : ''}`));
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (error) {
        fill(message, note('error', error.message));
      }
    },
  }, '按评查表自动核查全部案件') : null;
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, '评查样本')),
    section('样本', h('dl', { class: 'facts' },
      h('dt', {}, '决定日期范围'), h('dd', {}, `${day(sample.from)}至${day(sample.to)}`),
      h('dt', {}, '抽取方式'), h('dd', {}, rateZh(sample.rate)),
      h('dt', {}, '抽取人'), h('dd', {}, sample.drawn_by),
      h('dt', {}, '抽取时间'), h('dd', {}, millis(sample.drawn_at)),
      h('dt', {}, '案件数'), h('dd', {}, `${num(sample.cases.length)} 件（已评查 ${num(reviews.length)} 件）`)),
    score, message),
    section('样本案件', table({
      name: 'sample-cases', rows: cases, pageSize: 20, empty: '样本中没有案件',
      columns: [
        { key: 'case_number', label: '案号', render: (r) => link(`/review/${encodeURIComponent(id)}/${encodeURIComponent(r.doc_id)}`, caseName(r), { dataset: { review: r.doc_id } }) },
        { key: 'body_zh', label: '执法主体' },
        { key: 'status', label: '状态', value: (r) => zh(CASE_STATUS, r.status) },
        { key: 'score', label: '得分', num: true, value: (r) => byDoc.get(r.doc_id)?.score ?? null, render: (r) => (byDoc.has(r.doc_id) ? num(byDoc.get(r.doc_id).score) : '未评查') },
        { key: 'reviewer', label: '评查人', value: (r) => byDoc.get(r.doc_id)?.reviewer || '—' },
        { key: 'open', label: '案卷', value: () => '', render: (r) => link(`/case/${encodeURIComponent(r.doc_id)}`, '查看案件') },
      ],
    }), exportLinks('reviews', { sample: id }, '导出评查结果')),
    ...(await summaries({ sample: id })));
}

async function formView(view, me, id, doc) {
  const [form, sampleAnswer] = await Promise.all([
    api.get(`/reviews/samples/${encodeURIComponent(id)}/cases/${encodeURIComponent(doc)}`),
    api.get(`/reviews/samples/${encodeURIComponent(id)}`),
  ]);
  const row = sampleAnswer.cases.find((c) => c.doc_id === doc) || { doc_id: doc };
  const automatic = form.automatic?.defects || [];
  const stored = form.review?.details || [];
  const total = h('strong', { class: 'total' });
  const message = h('div');
  const rows = form.items.map((item) => {
    const found = automatic.filter((d) => d.code === item.code);
    const mine = stored.filter((d) => d.code === item.code);
    const points = (mine.length ? mine : found).reduce((s, d) => s + d.points, 0);
    const text = mine.map((d) => d.text).filter(Boolean).join('；');
    return h('tr', { dataset: { item: item.code } },
      h('td', {}, item.name_zh, h('span', { class: 'muted small' }, `（每处扣 ${item.points} 分）`)),
      h('td', {}, !form.automatic ? h('span', { class: 'muted' }, '案卷文档不可读，未能自动核查')
        : found.length ? h('ul', { class: 'findings' }, found.map((d) => h('li', {}, `${d.text}（扣 ${d.points} 分）`))) : h('span', { class: 'ok' }, '未发现问题')),
      h('td', { class: 'num' }, h('input', { type: 'number', name: `points-${item.code}`, min: 0, max: 100, step: 1, value: points, 'aria-label': `${item.name_zh}扣分` })),
      h('td', {}, h('textarea', { name: `note-${item.code}`, rows: 2, maxlength: 500, 'aria-label': `${item.name_zh}评查意见` }, text)));
  });
  const el = h('form', {
    class: 'review-form', dataset: { form: 'review' },
    oninput: () => update(),
    onsubmit: async (e) => {
      e.preventDefault();
      const data = new FormData(el);
      const items = form.items.map((item) => ({
        code: item.code, points: Number(data.get(`points-${item.code}`)) || 0, note: String(data.get(`note-${item.code}`) || ''),
      }));
      try {
        const { review } = await api.post(`/reviews/samples/${encodeURIComponent(id)}/cases/${encodeURIComponent(doc)}`, { items });
        fill(message, note('ok', `已保存：得分 ${review.score} 分（评查人：${review.reviewer}）`));
      } catch (error) {
        fill(message, note('error', error.message));
      }
    },
  },
  h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '评查项目'), h('th', {}, '自动核查发现'), h('th', { class: 'num' }, '扣分'), h('th', {}, '评查意见'))),
    h('tbody', {}, rows))),
  h('p', {}, '得分：', total),
  me.may_review ? h('button', { type: 'submit', class: 'primary' }, '提交评查结果') : note('info', '您的角色不能评查打分'),
  message);
  function update() {
    const data = new FormData(el);
    const lost = form.items.reduce((s, item) => s + (Number(data.get(`points-${item.code}`)) || 0), 0);
    total.textContent = `${Math.max(0, 100 - lost)} 分`;
  }
  update();
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, `评查：${caseName(row)}`),
      h('p', {}, link(`/review/${encodeURIComponent(id)}`, '返回样本'), ' · ', link(`/case/${encodeURIComponent(doc)}`, '查看案卷'))),
    section(`评查表（自动核查得分 ${form.automatic ? form.automatic.score : '—'} 分${form.review ? `；已记录得分 ${form.review.score} 分，评查人 ${form.review.reviewer}，${millis(form.review.reviewed_at)}` : ''}）`, el));
}

export async function renderSample(view, { me, parts }) {
  if (parts[1]) await formView(view, me, parts[0], parts[1]);
  else await sampleView(view, me, parts[0]);
}
