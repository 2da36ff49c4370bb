// The console's only way to the server: the supervision JSON API with the session cookie and,
// on every request that changes something, the CSRF token the shell page carries. A refusal
// becomes an ApiError whose message is the API's own zh-CN detail; a lapsed session sends
// the browser back to the login page.

const BASE = '/v1/supervision';

function csrf() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** A query string from an object, empty values left out. */
export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const text = q.toString();
  return text ? '?' + text : '';
}

/** The absolute path of an API route with its parameters. */
export function url(path, params) {
  return BASE + path + query(params);
}

async function refusal(response) {
  let detail = '';
  try {
    const body = await response.json();
    detail = body.detail || '';
  } catch {
    // Not the API's error body (a proxy's page): the status says enough.
  }
  if (!detail) {
    detail = {
      400: '请求无法处理', 401: '登录已失效，请重新登录', 403: '您无权进行此操作',
      404: '未找到，或不在您的监督范围内', 429: '请求过于频繁，请稍后再试',
    }[response.status] || `服务器暂时无法处理（${response.status}），请稍后重试`;
  }
  return new ApiError(response.status, detail);
}

async function send(method, path, params, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url(path, params), {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, '无法连接服务器，请检查网络后重试');
  }
  if (response.status === 401) {
    location.assign('/console/login');
    throw new ApiError(401, '登录已失效，请重新登录');
  }
  if (!response.ok) throw await refusal(response);
  return response;
}

export async function get(path, params) {
  return (await send('GET', path, params)).json();
}

export async function post(path, body = {}) {
  return (await send('POST', path, undefined, body)).json();
}

/** A route answering HTML (the opinion), as text. */
export async function html(path, params) {
  return (await send('GET', path, params)).text();
}

/** Logs out with the lead's route, then shows the login page. */
export async function logout() {
  try {
    await fetch('/console/logout', {
      method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf() },
    });
  } finally {
    location.assign('/console/login');
  }
}
