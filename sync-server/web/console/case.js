// 案件 (read-only): the case at a glance, its parties and officers, what was found, the
// decision and the deadlines, each legal document as the phone prints it (in a sandboxed
// frame), the evidence (images as thumbnails) and who changed what when. Every part is read
// through routes that record the supervisor's access.

import { h, section, note, fill } from './dom.js';
import * as api from './api.js';
import { table } from './table.js';
import { day, yuan, bytes, dash, moment } from './format.js';
import { CASE_STATUS, CASE_KIND, PARTY_KIND, OUTCOME, EVIDENCE_KIND, zh } from './labels.js';
import { caseName } from './cases.js';

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined).map(([k, v]) =>
    [h('dt', {}, k), h('dd', {}, v === null || v === '' ? dash : v)]));
}

/** A time the phone recorded (RFC 3339) as Beijing time; free text as written. */
function when(text) {
  if (!text) return null;
  const date = /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : null;
  return date && !Number.isNaN(date.getTime()) ? moment(date) : text;
}

function masked(id) {
  return id ? `${id.slice(0, 3)}${'*'.repeat(Math.max(0, id.length - 7))}${id.slice(-4)}` : null;
}

function parties(file) {
  const list = file?.parties || [];
  if (!list.length) return note('info', '案卷中尚未记录当事人');
  return h('div', {}, list.map((p) => facts([
    ['名称（姓名）', p.name],
    ['类型', zh(PARTY_KIND, p.kind)],
    ['统一社会信用代码', p.credit_code || undefined],
    ['身份证号', p.id_number ? masked(p.id_number) : undefined],
    ['地址', p.address],
    ['法定代表人（在场人）', p.representative || undefined],
  ])));
}

function officers(detail) {
  return table({
    name: 'officers', pageSize: 10, empty: '没有记录执法人员',
    rows: detail.officers || [],
    columns: [
      { key: 'name', label: '姓名' },
      { key: 'credential_no', label: '执法证号' },
      { key: 'acting', label: '承办', value: (o) => (o.acting ? '是' : '否') },
      { key: 'credentialed', label: '持有效执法证', value: (o) => (o.credentialed ? '是' : '否') },
    ],
  });
}

function findings(file) {
  if (!file) return note('info', '案卷内容暂时无法读取');
  const onsite = file.onsite || {};
  return h('div', {},
    facts([
      ['检查时间', when(onsite.time)],
      ['检查地点', onsite.place || null],
      ['现场检查情况', onsite.findings || null],
      ['当事人签字', onsite.party_signed ? '已签字' : '未签字或拒绝签字'],
    ]),
    (file.inquiries || []).map((q, i) => h('div', { class: 'inquiry' },
      h('h3', {}, `询问笔录 ${i + 1}`),
      facts([['被询问人', q.person], ['时间', when(q.time)], ['内容', q.record]]))));
}

function decision(row, file) {
  const d = file?.decision;
  return facts([
    ['程序', zh(CASE_KIND, row.kind)],
    ['状态', zh(CASE_STATUS, row.status)],
    ['裁量结果', zh(OUTCOME, row.outcome)],
    ['决定', d ? (d.penalty ? '给予行政处罚' : '不予行政处罚') : '尚未作出决定'],
    ['警告', d ? (d.warning ? '是' : '否') : undefined],
    ['罚款', d ? yuan(d.fine) : (row.fine ? yuan(row.fine) : undefined)],
    ['没收违法所得', d && d.confiscated_gains ? yuan(d.confiscated_gains) : undefined],
    ['裁量基准区间', row.band_min !== null && row.band_min !== undefined ? `${yuan(row.band_min)} 至 ${yuan(row.band_max)}` : undefined],
    ['偏离裁量基准', row.departure ? `是（理由：${row.departure_reason || '未说明'}）` : '否'],
    ['决定日期', day(row.decided_on)],
  ]);
}

function deadlines(row) {
  return facts([
    ['违法行为日期', day(row.act_on)],
    ['发现日期', day(row.discovered_on)],
    ['立案日期', day(row.filed_on)],
    ['法制审核日期', row.legal_review_required ? day(row.legal_review_on) : undefined],
    ['集体讨论日期', row.collective_required ? day(row.collective_on) : undefined],
    ['告知日期', day(row.notified_on)],
    ['听证日期', row.hearing_held_on ? day(row.hearing_held_on) : undefined],
    ['决定日期', day(row.decided_on)],
    ['送达日期', day(row.served_on)],
    ['缴款日期', day(row.paid_on)],
    ['结案日期', day(row.closed_on)],
    ['办案期限届满日', day(row.due_on)],
    ['延长次数', String(row.extended ?? 0)],
  ]);
}

function documents(id, listing) {
  if (!listing.readable) return note('info', '该案的案卷文档尚未同步到服务器或无法读取，暂不能生成文书。');
  const holder = h('div', { class: 'doc-holder' });
  const status = h('div', { class: 'doc-status' });
  const open = h('p', { class: 'doc-open' });
  async function show(doc, button) {
    for (const b of button.closest('ul').querySelectorAll('button')) b.classList.remove('active');
    button.classList.add('active');
    fill(status, note('info', `正在生成${doc.title_zh}……`));
    const path = `/cases/${encodeURIComponent(id)}/documents/${doc.kind}`;
    try {
      const html = await api.html(path);
      // A fresh frame per document: sandboxed (no script, an opaque origin), its HTML as sent.
      const frame = h('iframe', { class: 'doc-frame', sandbox: '', title: doc.title_zh, dataset: { kind: doc.kind } });
      frame.srcdoc = html;
      fill(holder, frame);
      fill(status);
      fill(open, h('a', { href: api.url(path), target: '_blank', rel: 'noopener' }, '在新窗口打开（可打印）'));
    } catch (error) {
      fill(holder);
      fill(status, note('error', error.message));
    }
  }
  const items = listing.documents.map((doc) => h('li', { dataset: { doc: doc.kind } },
    doc.ready
      ? h('button', { type: 'button', class: 'link', onclick: (e) => show(doc, e.currentTarget) }, doc.title_zh)
      : h('span', { class: 'not-ready' }, doc.title_zh),
    doc.ready ? null : h('p', { class: 'muted small' }, doc.lacking_zh)));
  const first = listing.documents.find((d) => d.ready);
  const el = h('div', { class: 'documents' }, h('ul', { class: 'doc-list' }, items), h('div', { class: 'doc-view' }, status, holder, open));
  if (first) queueMicrotask(() => show(first, el.querySelector(`li[data-doc="${first.kind}"] button`)));
  return el;
}

function evidence(id, listing) {
  if (!listing.readable) return note('info', '该案的案卷文档尚未同步到服务器或无法读取，暂不能显示证据。');
  if (!listing.evidence.length) return note('info', '本案没有证据');
  return h('ul', { class: 'evidence' }, listing.evidence.map((e) => {
    const src = api.url(`/cases/${encodeURIComponent(id)}/evidence/${e.hash}`);
    const image = e.stored && (e.content_type || '').startsWith('image/');
    return h('li', { dataset: { evidence: e.hash } },
      image
        ? h('a', { href: src, target: '_blank', rel: 'noopener' }, h('img', { src, alt: e.description || '证据照片' }))
        : h('div', { class: 'no-thumb' }, e.stored ? '非图片文件' : '尚未上传'),
      h('p', {}, `${zh(EVIDENCE_KIND, e.kind, '证据')}：${e.description || '（无说明）'}`),
      h('p', { class: 'muted small' }, bytes(e.size), e.stored && !image ? [' · ', h('a', { href: src, download: '' }, '下载')] : null));
  }));
}

const OUTCOME_KIND = { reconsideration: '行政复议', litigation: '行政诉讼' };
const OUTCOME_RESULT = { upheld: '维持或驳回', corrected: '变更', revoked: '撤销', confirmed_illegal: '确认违法或无效', withdrawn: '撤回或终止' };

function outcomes(list) {
  if (!list?.length) return null;
  return section('复议与诉讼', table({
    name: 'outcomes', rows: list, pageSize: 10,
    columns: [
      { key: 'kind', label: '类别', value: (o) => zh(OUTCOME_KIND, o.kind) },
      { key: 'result', label: '结果', value: (o) => zh(OUTCOME_RESULT, o.result, '已记录') },
      { key: 'decided_on', label: '日期', render: (o) => day(o.decided_on) },
    ],
  }));
}

function audit(entries) {
  if (!Array.isArray(entries)) return note('info', '修改记录暂时无法读取');
  return table({
    name: 'audit', pageSize: 15, empty: '没有修改记录',
    rows: entries,
    columns: [
      { key: 'at', label: '时间', render: (a) => a.at_zh },
      { key: 'officer_name', label: '修改人', render: (a) => `${a.officer_name || '未持证人员'}${a.credential_no ? `（${a.credential_no}）` : ''}` },
      { key: 'label', label: '修改内容' },
      { key: 'value', label: '修改为', render: (a) => `${a.value}${a.resolved ? '（解决冲突时选定）' : ''}` },
      { key: 'clock_trusted', label: '时间可信', value: (a) => (a.clock_trusted ? '已与服务器校准' : '设备时间') },
    ],
  });
}

export async function render(view, { me, parts }) {
  const id = parts[0];
  let detail;
  let listing;
  try {
    [detail, listing] = await Promise.all([
      api.get(`/cases/${encodeURIComponent(id)}`),
      api.get(`/cases/${encodeURIComponent(id)}/documents`),
    ]);
  } catch (error) {
    if (error.status === 404) {
      view.append(h('div', { class: 'page-head' }, h('h1', {}, '案件')),
        note('error', `该案件不存在，或不在您的监督范围内（您的监督范围：${me.scope_zh}），无法查看。`));
      return;
    }
    throw error;
  }
  const row = detail.case;
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, `案件 ${caseName(row)}`)),
    section('概况', facts([
      ['案号', caseName(row)],
      ['执法主体', row.body_zh || listing.names.body],
      ['区县', row.district_zh || listing.names.district],
      ['违法行为', listing.names.violation],
      ['执法领域', row.sector || null],
      ['程序', zh(CASE_KIND, row.kind)],
      ['状态', zh(CASE_STATUS, row.status)],
    ])),
    section('当事人', parties(detail.file)),
    section('执法人员', officers(detail)),
    section('调查情况', findings(detail.file)),
    section('处理决定', decision(row, detail.file)),
    section('办案期限', deadlines(row)),
    outcomes(detail.outcomes) || '',
    section('法律文书', documents(id, listing)),
    section('证据', evidence(id, listing)),
    section('修改记录（谁在何时修改了什么）', audit(detail.audit)));
}
