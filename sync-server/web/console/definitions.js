// Every indicator's definition, read once per page load and shared by the pages that name
// indicators (overview, indicators, exports).

import * as api from './api.js';

let cached = null;

/** Every indicator's definition (read once; a failed read is tried again next time). */
export async function definitions() {
  if (!cached) cached = api.get('/indicators').then((r) => r.indicators).catch((e) => { cached = null; throw e; });
  return cached;
}
