// How a list of cases (index rows) reads in a table: the case number linking to the case
// view, names for codes, dates in Chinese, fines in yuan.

import { link } from './dom.js';
import { day, yuan } from './format.js';
import { CASE_STATUS, CASE_KIND, zh } from './labels.js';

/** The case's number, or a plain word for a case not yet numbered. */
export function caseName(row) {
  return row.case_number || '（尚未编号的案件）';
}

export function caseLink(row) {
  return link(`/case/${encodeURIComponent(row.doc_id)}`, caseName(row), { dataset: { case: row.doc_id } });
}

export function caseColumns() {
  return [
    { key: 'case_number', label: '案号', render: caseLink },
    { key: 'body_zh', label: '执法主体' },
    { key: 'district_zh', label: '区县' },
    { key: 'kind', label: '程序', value: (r) => zh(CASE_KIND, r.kind) },
    { key: 'status', label: '状态', value: (r) => zh(CASE_STATUS, r.status) },
    { key: 'filed_on', label: '立案日期', render: (r) => day(r.filed_on || r.discovered_on) },
    { key: 'decided_on', label: '决定日期', render: (r) => day(r.decided_on) },
    { key: 'fine', label: '罚款', num: true, render: (r) => (r.fine ? yuan(r.fine) : '—') },
  ];
}
