// A tiny DOM builder: every text goes in through textContent, never innerHTML, so nothing a
// case or a warning holds can become markup.

/** h('div', {class: 'x', onclick: f}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A link to a hash route. */
export function link(route, text, attrs = {}) {
  return h('a', { href: '#' + route, ...attrs }, text);
}

/** A titled section. */
export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/** A message line: kind is 'error', 'info' or 'ok'. */
export function note(kind, text) {
  return h('p', { class: 'note ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A <select> of [value, label] pairs. */
export function select(name, options, value, onchange) {
  return h(
    'select',
    { name, onchange: onchange && ((e) => onchange(e.target.value)) },
    options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value) }, label)),
  );
}

/** A labelled field. */
export function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}
