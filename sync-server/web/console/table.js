// Sortable, paged tables over rows already loaded. The table scrolls inside its own box, so
// the page never scrolls sideways. Clicking a header sorts by it (again: the other way).

import { h, fill } from './dom.js';

const collator = new Intl.Collator('zh-CN', { numeric: true });

function compare(a, b) {
  const empty = (v) => v === null || v === undefined || v === '';
  if (empty(a) && empty(b)) return 0;
  if (empty(a)) return 1; // empties last either way
  if (empty(b)) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * table({name, columns: [{key, label, value?, render?, num?}], rows, pageSize?, empty?,
 * sort?: {key, dir}, rowAttrs?: row → attributes}) → an element. `value(row)` is what sorts (default row[key]);
 * `render(row)` what shows (default the value).
 */
export function table({ name, columns, rows, pageSize = 20, empty = '暂无数据', sort = null, rowAttrs = null }) {
  const state = { key: sort?.key ?? null, dir: sort?.dir ?? 1, page: 0 };
  const root = h('div', { class: 'table', dataset: { table: name } });
  const valueOf = (col, row) => (col.value ? col.value(row) : row[col.key]);

  function sorted() {
    if (state.key === null) return rows;
    const col = columns.find((c) => c.key === state.key);
    return [...rows].sort((a, b) => state.dir * compare(valueOf(col, a), valueOf(col, b)));
  }

  function header(col) {
    const active = state.key === col.key;
    const ariaSort = active ? (state.dir > 0 ? 'ascending' : 'descending') : 'none';
    return h(
      'th',
      { class: col.num ? 'num' : '', 'aria-sort': ariaSort, scope: 'col' },
      h('button', {
        type: 'button', class: 'sort', dataset: { sort: col.key },
        onclick: () => {
          state.dir = active ? -state.dir : 1;
          state.key = col.key;
          state.page = 0;
          draw();
        },
      }, col.label, active ? (state.dir > 0 ? ' ▲' : ' ▼') : ''),
    );
  }

  function draw() {
    const all = sorted();
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    const shown = all.slice(state.page * pageSize, (state.page + 1) * pageSize);
    const body = shown.length
      ? shown.map((row) => h('tr', rowAttrs ? rowAttrs(row) : {}, columns.map((col) => {
        const content = col.render ? col.render(row) : valueOf(col, row);
        return h('td', { class: col.num ? 'num' : '' }, content ?? '—');
      })))
      : [h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))];
    const pager = h('div', { class: 'pager' },
      h('button', {
        type: 'button', class: 'prev', disabled: state.page === 0,
        onclick: () => { state.page -= 1; draw(); },
      }, '上一页'),
      h('span', { class: 'page-info' }, `第 ${state.page + 1} / ${pages} 页，共 ${all.length} 条`),
      h('button', {
        type: 'button', class: 'next', disabled: state.page >= pages - 1,
        onclick: () => { state.page += 1; draw(); },
      }, '下一页'),
    );
    fill(root,
      h('div', { class: 'scroll' },
        h('table', {}, h('thead', {}, h('tr', {}, columns.map(header))), h('tbody', {}, body))),
      all.length > pageSize ? pager : null);
  }

  draw();
  return root;
}
