// ECharts wrappers (the global `echarts` from /assets/vendor/echarts.min.js). Each chart
// resizes with its box and is disposed of when its page is left.

import { h } from './dom.js';

const live = new Set();

/** Axis numbers as read: 12,000 below ten thousand, 1,200万 above. */
function axisNumber(v) {
  if (Math.abs(v) >= 10000) return `${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 }).format(v / 10000)}万`;
  return new Intl.NumberFormat('zh-CN').format(v);
}

/** Disposes of every chart (the router calls it before drawing another page). */
export function disposeAll() {
  for (const chart of live) chart.dispose();
  live.clear();
}

function mount(height) {
  const el = h('div', { class: 'chart', style: `height:${height}px` });
  return el;
}

function start(el, option) {
  if (typeof echarts === 'undefined') {
    el.textContent = '图表组件未能加载';
    return;
  }
  // Drawn once the element is in the page and has its width.
  requestAnimationFrame(() => {
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...option });
    live.add(chart);
    new ResizeObserver(() => chart.resize()).observe(el);
  });
}

/**
 * A trend: categories (the period labels) along x, one or more series of values.
 * series: [{name, values, type?: 'line'|'bar'}].
 */
export function trend({ categories, series, unit = '', height = 220 }) {
  const el = mount(height);
  start(el, {
    grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 16, bottom: 28 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}${unit}`) },
    legend: series.length > 1 ? { top: 0 } : undefined,
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => `${axisNumber(v)}${unit === '%' ? '%' : ''}` } },
    series: series.map((s) => ({
      name: s.name, type: s.type || 'line', data: s.values, smooth: false,
      symbolSize: 5, connectNulls: false,
    })),
  });
  return el;
}

/** Horizontal bars: one per key (the drill-down's children), longest first as given. */
export function bars({ labels, values, unit = '', height }) {
  const el = mount(height || Math.max(160, labels.length * 22 + 40));
  start(el, {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${v ?? '—'}${unit}` },
    xAxis: { type: 'value', axisLabel: { formatter: axisNumber } },
    yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { width: 160, overflow: 'truncate' } },
    series: [{ type: 'bar', data: values, label: { show: labels.length <= 30, position: 'right' } }],
  });
  return el;
}
