// Every code the API returns, in the words a supervisor reads. A code not listed here is
// shown by `zh()`'s fallback, never as the code itself.

export const ROLE = {
  city: '市级执法监督', district: '区县执法监督', body: '执法机关内部监督', reviewer: '案卷评查员',
};

export const CASE_STATUS = {
  draft: '草稿', filed: '已立案', notified: '已告知', hearing_requested: '已申请听证',
  hearing_held: '已听证', decided: '已决定', served: '已送达', executed: '已执行', closed: '已结案',
};

export const CASE_KIND = { ordinary: '普通程序', summary: '简易程序', Ordinary: '普通程序', Summary: '简易程序' };

export const PARTY_KIND = {
  person: '公民', organisation: '法人或其他组织', Person: '公民', Organisation: '法人或其他组织',
};

export const OUTCOME = {
  penalty: '给予处罚', may_not_punish: '可以不予处罚', no_penalty: '不予处罚', transfer: '移送',
  questions: '事实待补充', unknown: '未能判断',
};

export const WARNING_STATUS = {
  open: '待处理', acknowledged: '已确认', assigned: '已交办', resolved: '已办结', dismissed: '已排除',
};

export const SEVERITY = { high: '高', medium: '中', low: '低' };

export const SCOPE_KIND = {
  city: '全市', district: '区县', body: '执法主体', officer: '执法人员', enterprise: '企业',
  case: '案件', violation: '违法行为',
};

export const RULE = {
  income_growth: '罚没收入异常增长',
  quota_regularity: '处罚数据过于整齐（疑似定指标）',
  baseline_departures_body: '执法主体偏离裁量基准比例过高',
  baseline_departures: '执法人员偏离裁量基准比例过高',
  same_facts_spread: '同案不同罚',
  multi_body_inspection: '同一企业30日内被多个主体检查',
  a_grade_share: 'A级信用企业检查比例过高',
  visit_unverified: '入企检查未经企业核验',
  code_refused: '执法人员执法码被企业拒绝',
  case_overdue: '案件超期未决',
  case_near_limit: '案件临近期限且未延长',
  legal_review_missing: '应当法制审核而未审核',
  collective_decision_missing: '应当集体讨论而未讨论',
  complaints_spike: '执法主体投诉异常增多',
  complaints_officer: '执法人员投诉异常增多',
};

export const LEVEL = { city: '全市', district: '区县', body: '执法主体', officer: '执法人员', sector: '领域' };

export const PERIOD = { day: '按日', month: '按月', quarter: '按季度', year: '按年' };

export const UNIT_NAME = { '%': '百分比', '元': '元', '件': '件', '天': '天', '次': '次', '个': '个', '分': '分', '人': '人', '台': '台' };

/** Indicator groups by the id's first part, in the order the definitions file keeps them. */
export const GROUP = [
  ['case', '办案数量与效率'],
  ['discretion', '行政裁量'],
  ['money', '罚没款'],
  ['inspection', '涉企检查'],
  ['visit', '入企核验'],
  ['feedback', '企业评价与投诉'],
  ['legality', '程序合法性'],
  ['evidence', '证据'],
  ['review', '案卷评查'],
  ['outcome', '复议与诉讼'],
  ['capacity', '执法力量'],
];

/** The figures a warning's evidence holds, by their keys. */
export const FIGURE = {
  active_months: '有处罚的月份数', alpha: '显著性水平', amount_ratio: '金额比值', as_of: '统计日',
  band: '裁量基准区间（元）', baseline_row: '裁量基准条目', bodies: '涉及执法主体数', body: '执法主体',
  body_median: '该主体罚款中位数（元）', case_number: '案号', chance: '偶然出现的概率',
  chance_at_city_rate: '按全市比例偶然出现的概率', chance_at_threshold: '按阈值偶然出现的概率',
  city_rate: '全市比例', count: '件数', count_chance: '件数偶然出现的概率', count_robust_cv: '月件数稳健变异系数',
  days: '天数', days_left: '剩余天数', days_past_due: '超期天数', decided: '作出决定数', decided_on: '决定日期',
  decisions: '处罚决定数', departures: '偏离基准数', dispersion_index: '离散指数', district: '区县',
  done_on: '完成日期', due_on: '期限届满日', enterprise: '企业', extended: '延长次数', far: '明显偏离数',
  filed_on: '立案日期', flagged: '未核验次数', grade: '信用等级', graded: '该等级检查次数', history: '历史数值',
  history_mean_count: '历史月均件数', history_months: '历史月数', inspections: '检查次数',
  mad_on_scale: '中位绝对偏差', mad_used: '采用的中位绝对偏差', max_amount_ratio: '金额比值上限',
  max_count_cv: '变异系数上限', max_dispersion: '离散指数上限', mean_count: '月均件数', median: '中位数',
  median_on_scale: '中位数（换算后）', min_lift: '最小提升幅度', month: '月份', monthly_amounts: '各月罚款金额（元）',
  monthly_counts: '各月处罚件数', named: '涉及的执法主体', per_decision: '每件罚款（元）',
  per_decision_ratio: '每件罚款比值', rate: '比例', rest_rate: '其余人员比例', review: '审核事项',
  robust_z: '稳健Z值', scale: '换算尺度', share: '占比', threshold: '阈值', threshold_bodies: '主体数阈值',
  threshold_count: '次数阈值', threshold_share: '占比阈值', thresholds: '阈值', value: '数值',
  violation: '违法行为', visit_days: '检查日期', visit_ids: '入企检查记录', visits: '入企次数',
  window: '统计期间', without_reason: '未说明理由数',
};

/** Evidence kinds the phone records by code (most are recorded in Chinese already). */
export const EVIDENCE_KIND = { photo: '照片', video: '视频', audio: '录音', document: '书证', file: '文件' };

/** `map[code]`, or a plain word when the code is not known (never the code itself). */
export function zh(map, code, fallback = '其他') {
  if (code === null || code === undefined || code === '') return '—';
  const name = map[code];
  if (name) return name;
  return /[\u4e00-\u9fff]/.test(String(code)) ? String(code) : fallback;
}
