/**
 * The words for a sync problem. Main sends its problems as codes (and params): the sync state's
 * `error` / `upstream.error`, an upload's error, or a bridge error whose `params.detail` is
 * `SYNC_<code>` (sync/client/errors.ts syncErrorDetail). The catalogue says each, with what to do
 * (`errors.SYNC_<code>`). The renderer's own store report (`local.error`) comes with its words already
 * in the UI language (`message`, renderer/db/replication.ts), which are shown as they are.
 */
import type { SyncError } from '../../preload/contract/sync-calls';
import { errorText } from '../i18n/errors';

type Words = Parameters<typeof errorText>[1];

/** Catalogue detail of a sync code: letters, digits and `_` only, else none (a garbage code reads as unknown). */
const SYNC_CODE = /^[A-Z][A-Z0-9_]{0,58}$/;

/** A sync problem in the UI language: the renderer's own words when it made them, else the catalogue's for the code. */
export function syncErrorText(e: Pick<SyncError, 'code' | 'params' | 'message'>, words: Words): string {
  if (e.message) return e.message;
  // only names and numbers go on; `variant` and `detail` would pick other words (renderer/i18n/errors.ts)
  const { variant: _variant, detail: _detail, ...params } = e.params ?? {};
  return errorText({ code: e.code, params: SYNC_CODE.test(e.code) ? { ...params, detail: `SYNC_${e.code}` } : params }, words);
}

/** Whether a bridge error's words are a sync problem's (main sent `params.detail` `SYNC_<code>`). */
export function isSyncProblem(e: { params?: Record<string, string | number> | undefined } | null | undefined): boolean {
  const detail = e?.params?.detail;
  return typeof detail === 'string' && detail.startsWith('SYNC_');
}
