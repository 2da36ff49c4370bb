// 预警: the inbox with its filters, and one warning: why it fired, its figures, the cases
// behind it, every step taken, and the steps the supervisor's role allows now (确认, 交办,
// 办结 with the 监督意见书, 排除 with a reason). A refusal shows the API's own words.

import { h, link, section, note, select, field, fill } from './dom.js';
import * as api from './api.js';
import { table } from './table.js';
import { seconds, num, periodKey, day, yuan } from './format.js';
import { RULE, SEVERITY, WARNING_STATUS, SCOPE_KIND, FIGURE, zh } from './labels.js';
import { caseColumns } from './cases.js';
import { exportLinks } from './exports.js';

function scopeText(w) {
  const kind = zh(SCOPE_KIND, w.scope_kind, '对象');
  const name = w.scope_zh || (w.scope_kind === 'case' ? w.figures?.case_number : '');
  return name ? `${kind}：${name}` : kind;
}

export async function renderList(view, { params }) {
  const filter = {
    status: params.get('status') || '', rule: params.get('rule') || '', severity: params.get('severity') || '',
  };
  const answer = await api.get('/warnings', { ...filter, limit: 500 });
  const change = (name) => (value) => {
    const next = { ...filter, [name]: value };
    location.hash = '#/warnings?' + new URLSearchParams(Object.entries(next).filter(([, v]) => v));
  };
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, '预警'),
      h('div', { class: 'controls', dataset: { form: 'warning-filter' } },
        field('状态', select('status', [['', '全部'], ...Object.entries(WARNING_STATUS)], filter.status, change('status'))),
        field('规则', select('rule', [['', '全部'], ...Object.entries(RULE)], filter.rule, change('rule'))),
        field('严重程度', select('severity', [['', '全部'], ...Object.entries(SEVERITY)], filter.severity, change('severity'))))),
    section(`共 ${num(answer.warnings.length)} 条${answer.warnings.length >= 500 ? '（仅显示前 500 条，请缩小筛选范围）' : ''}`,
      table({
        name: 'warnings', rows: answer.warnings, pageSize: 20, empty: '没有符合条件的预警',
        sort: { key: 'fired_at', dir: -1 },
        columns: [
          { key: 'rule', label: '预警规则', value: (w) => zh(RULE, w.rule, '预警'), render: (w) => link(`/warning/${encodeURIComponent(w.id)}`, zh(RULE, w.rule, '预警'), { dataset: { warning: w.id } }) },
          { key: 'scope_zh', label: '对象', value: scopeText },
          { key: 'district_zh', label: '区县' },
          { key: 'period', label: '期间', render: (w) => periodKey(w.period) },
          { key: 'severity', label: '严重程度', value: (w) => zh(SEVERITY, w.severity) },
          { key: 'status', label: '状态', value: (w) => zh(WARNING_STATUS, w.status) },
          { key: 'assignee', label: '承办人', value: (w) => w.assignee || '—' },
          { key: 'fired_at', label: '触发时间', render: (w) => seconds(w.fired_at) },
        ],
      }),
      exportLinks('warnings', filter, '导出预警')));
}

function figureValue(key, value) {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object')) return value.map((v) => figureValue(key, v)).join('、');
    return `${value.length} 项`;
  }
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => `${zh(FIGURE, k, '数值')}：${figureValue(k, v)}`).join('；');
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number') {
    if (/share|rate|threshold_share/.test(key) && value <= 1) return `${num(value * 100)}%`;
    return num(value);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return day(value);
  if (/^\d{4}(-(Q[1-4]|\d{2}))?(\.\.\d{4}(-(Q[1-4]|\d{2}))?)?$/.test(value)) return periodKey(value);
  if (/^[A-D]$/.test(value)) return `${value}级`;
  return /[\u4e00-\u9fff\d]/.test(value) ? value : '—';
}

function figures(w) {
  const entries = Object.entries(w.figures || {}).filter(([k]) => k !== 'named' && k !== 'visit_ids' && k !== 'history');
  const named = (w.figures || {}).named;
  return h('div', {},
    h('dl', { class: 'facts' }, entries.map(([k, v]) => [h('dt', {}, zh(FIGURE, k, '数值')), h('dd', {}, figureValue(k, v))])),
    Array.isArray(named) && named.length
      ? table({
        name: 'warning-named', rows: named, pageSize: 10,
        columns: [
          { key: 'body', label: '执法主体', value: (n) => n.body_zh || n.body },
          { key: 'decisions', label: '处罚决定数', num: true },
          { key: 'far', label: '明显偏离数', num: true },
          { key: 'body_median', label: '罚款中位数', num: true, render: (n) => yuan(n.body_median) },
        ],
      })
      : null);
}

function steps(list) {
  return table({
    name: 'steps', rows: list, pageSize: 20,
    columns: [
      { key: 'seq', label: '序号', num: true },
      { key: 'to_status', label: '处理', value: (s) => `${s.from_status ? zh(WARNING_STATUS, s.from_status) + ' → ' : ''}${zh(WARNING_STATUS, s.to_status)}` },
      { key: 'by_whom', label: '操作人' },
      { key: 'at_time', label: '时间', render: (s) => seconds(s.at_time) },
      { key: 'note', label: '说明', value: (s) => s.note || '—' },
    ],
  });
}

/** A lifecycle step's form: its fields, the button, the refusal in the API's words. */
function actionForm({ name, label, fields = [], path, build }) {
  const message = h('div', { class: 'action-msg' });
  const form = h('form', {
    class: 'action', dataset: { action: name },
    onsubmit: async (e) => {
      e.preventDefault();
      const button = form.querySelector('button');
      button.disabled = true;
      fill(message);
      try {
        await api.post(path, build(new FormData(form)));
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (error) {
        fill(message, note('error', error.message));
        button.disabled = false;
      }
    },
  }, fields, h('button', { type: 'submit', class: 'primary' }, label), message);
  return form;
}

function actions(w, me) {
  if (!me.may_handle_warnings) return note('info', '您的角色可以查看预警，处理预警由市、区县司法局执法监督人员进行。');
  const base = `/warnings/${encodeURIComponent(w.id)}`;
  const noteField = field('备注（可不填）', h('input', { type: 'text', name: 'note', maxlength: 500 }));
  const forms = [];
  if (w.status === 'open') {
    forms.push(actionForm({ name: 'acknowledge', label: '确认预警', fields: [noteField], path: `${base}/acknowledge`, build: (d) => ({ note: d.get('note') }) }));
  }
  if (w.status === 'acknowledged' || w.status === 'assigned') {
    forms.push(actionForm({
      name: 'assign', label: w.status === 'assigned' ? '重新交办' : '交办',
      fields: [field('承办人（单位或人员）', h('input', { type: 'text', name: 'assignee', maxlength: 200, required: true })),
        field('备注（可不填）', h('input', { type: 'text', name: 'note', maxlength: 500 }))],
      path: `${base}/assign`, build: (d) => ({ assignee: d.get('assignee'), note: d.get('note') }),
    }));
  }
  if (w.status === 'assigned') {
    forms.push(actionForm({
      name: 'resolve', label: '办结并出具监督意见书',
      fields: [field('监督意见', h('textarea', { name: 'opinion', rows: 5, maxlength: 4000, required: true }))],
      path: `${base}/resolve`, build: (d) => ({ opinion: d.get('opinion') }),
    }));
  }
  if (['open', 'acknowledged', 'assigned'].includes(w.status)) {
    forms.push(actionForm({
      name: 'dismiss', label: '排除预警',
      fields: [field('排除理由', h('textarea', { name: 'reason', rows: 3, maxlength: 2000, required: true }))],
      path: `${base}/dismiss`, build: (d) => ({ reason: d.get('reason') }),
    }));
  }
  return forms.length ? h('div', { class: 'actions' }, forms) : note('info', `该预警${zh(WARNING_STATUS, w.status)}，无需再处理。`);
}

async function opinion(w) {
  const path = `/warnings/${encodeURIComponent(w.id)}/opinion`;
  const html = await api.html(path);
  const frame = h('iframe', { class: 'doc-frame', sandbox: '', title: '行政执法监督意见书', dataset: { opinion: w.id } });
  frame.srcdoc = html;
  return section('行政执法监督意见书', frame,
    h('p', {}, h('a', { href: api.url(path), target: '_blank', rel: 'noopener' }, '在新窗口打开（可打印）')));
}

export async function renderOne(view, { me, parts }) {
  let answer;
  try {
    answer = await api.get(`/warnings/${encodeURIComponent(parts[0])}`);
  } catch (error) {
    if (error.status === 404) {
      view.append(note('error', `该预警不存在，或不在您的监督范围内（您的监督范围：${me.scope_zh}）。`));
      return;
    }
    throw error;
  }
  const w = answer.warning;
  view.append(
    h('div', { class: 'page-head' },
      h('h1', {}, zh(RULE, w.rule, '预警')),
      h('p', { class: 'status-line' },
        h('span', { class: `badge ${w.status}`, dataset: { status: w.status } }, zh(WARNING_STATUS, w.status)),
        ` 严重程度：${zh(SEVERITY, w.severity)} · ${scopeText(w)} · ${periodKey(w.period)}`,
        w.assignee ? ` · 承办人：${w.assignee}` : '')),
    section('预警原因', h('p', { class: 'why' }, w.why), figures(w)),
    section('处理', actions(w, me)),
    w.status === 'resolved' ? await opinion(w) : '',
    section(`涉及案件（${num(answer.case_rows.length)} 件）`,
      answer.case_rows.length || !w.cases.length
        ? table({ name: 'warning-cases', rows: answer.case_rows, columns: caseColumns(), pageSize: 10, empty: '本预警不指向具体案件' })
        : note('info', `本预警依据 ${num(w.cases.length)} 条入企检查或核验记录，不指向具体案件。`)),
    section('处理记录', steps(answer.steps)));
}
