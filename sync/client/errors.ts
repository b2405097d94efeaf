// Sync errors: a stable code; the words for people are the renderer catalogue's (errors.SYNC_<code>). Pure.

export type SyncErrorCode =
  | 'OFFLINE'
  | 'TIMEOUT'
  | 'UNAUTHORIZED'
  | 'NOT_ENROLLED'
  | 'ENROLL_FAILED'
  | 'UPGRADE_REQUIRED'
  | 'SERVER_ERROR'
  | 'BAD_RESPONSE'
  | 'REQUEST_REFUSED'
  | 'DEMO_PLATFORM_FAILED'
  /** The terminal syncs through a station hub (站点服务器) and cannot reach it. */
  | 'HUB_OFFLINE'
  /** The station hub answers, but it cannot reach the province (it keeps everything and drains later). */
  | 'PROVINCE_UNREACHABLE';

/**
 * Every sync error code. They cross to the renderer as codes (the sync state's `error.code`, or a
 * bridge error's `params.detail`, see syncErrorDetail); the words for people, with what to do, are
 * the renderer catalogue's `errors.SYNC_<code>` (zh-CN and en-US).
 */
export const SYNC_ERROR_CODES: readonly SyncErrorCode[] = [
  'OFFLINE',
  'TIMEOUT',
  'UNAUTHORIZED',
  'NOT_ENROLLED',
  'ENROLL_FAILED',
  'UPGRADE_REQUIRED',
  'SERVER_ERROR',
  'BAD_RESPONSE',
  'REQUEST_REFUSED',
  'DEMO_PLATFORM_FAILED',
  'HUB_OFFLINE',
  'PROVINCE_UNREACHABLE',
];

/** The `params.detail` of a bridge error whose words are a sync error's (`errors.SYNC_<code>` in the renderer catalogue). */
export const syncErrorDetail = (code: SyncErrorCode): { detail: string } => ({ detail: `SYNC_${code}` });

/** One `{path, message}` entry of an error envelope's `details`. */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}
export const MAX_ERROR_DETAILS = 20;
export const MAX_ERROR_DETAIL_CHARS = 200;

/** A failure of the platform transport with a stable code (used as the bridge error code). */
export class SyncTransportError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    /** HTTP status when there was a response. */
    readonly status?: number,
    /** The platform's own error code from its error envelope (e.g. `RECALL_LIMIT`), when it sent one. */
    readonly platformCode?: string,
    /**
     * The envelope's machine-readable `details` (`{path, message}`), when it sent any: at most
     * `MAX_ERROR_DETAILS` entries of at most `MAX_ERROR_DETAIL_CHARS` characters each. A caller acts on
     * an entry only after checking it (a platform's answer is never trusted as it is).
     */
    readonly details?: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = 'SyncTransportError';
  }
  /** Worth retrying automatically (the network or the platform may recover by itself). */
  get transient(): boolean {
    return this.code === 'OFFLINE' || this.code === 'TIMEOUT' || this.code === 'SERVER_ERROR' || this.code === 'BAD_RESPONSE';
  }
}
