// Numbers, money, percents and Beijing dates as a supervisor reads them.

const BEIJING = 'Asia/Shanghai';
const numberFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
const intFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });

export const dash = '—';

/** 12,345 (at most two decimals). */
export function num(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return dash;
  return numberFmt.format(Number(value));
}

/** 12,345 元 (whole yuan; under 10 the fen too). */
export function yuan(value) {
  if (value === null || value === undefined) return dash;
  const v = Number(value);
  return (Math.abs(v) < 10 && v % 1 ? numberFmt.format(v) : intFmt.format(v)) + ' 元';
}

/** 87.5% from a value already in percent. */
export function pct(value) {
  if (value === null || value === undefined) return dash;
  return numberFmt.format(Number(value)) + '%';
}

/** A figure's value with its unit (the unit as the indicator names it). */
export function withUnit(value, unit) {
  if (value === null || value === undefined) return dash;
  if (unit === '元') return yuan(value);
  if (unit === '%') return pct(value);
  return num(value) + (unit ? ' ' + unit : '');
}

/** '2026-12-01' → 2026年12月1日; anything else unchanged. */
export function day(text) {
  if (!text) return dash;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text));
  if (!m) return String(text);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

function parts(date) {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-GB', {
    timeZone: BEIJING, year: 'numeric', month: 'numeric', day: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date)) p[type] = value;
  return p;
}

/** A moment in Beijing time: 2026年12月1日 14:05. */
export function moment(date) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return dash;
  const p = parts(date);
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}`;
}

/** Unix seconds as `moment`. */
export function seconds(value) {
  return value ? moment(new Date(Number(value) * 1000)) : dash;
}

/** Unix milliseconds as `moment`. */
export function millis(value) {
  return value ? moment(new Date(Number(value))) : dash;
}

/** Today in Beijing as YYYY-MM-DD. */
export function today() {
  const p = parts(new Date());
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** A period key ('2026', '2026-Q1', '2026-03', '2026-03-14') as read. */
export function periodKey(key) {
  if (!key) return dash;
  const range = String(key).split('..');
  if (range.length === 2) return `${periodKey(range[0])}至${periodKey(range[1])}`;
  let m = /^(\d{4})$/.exec(key);
  if (m) return `${m[1]}年`;
  m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (m) return `${m[1]}年第${'一二三四'[Number(m[2]) - 1]}季度`;
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  return day(key);
}

/** A size in bytes: 1.2 MB. */
export function bytes(size) {
  const n = Number(size) || 0;
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${numberFmt.format(n / 1024)} KB`;
  return `${numberFmt.format(n / 1024 / 1024)} MB`;
}
