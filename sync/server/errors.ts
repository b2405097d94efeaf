// The platform's request-level failure and the two helpers every module's routes use to raise it.
import type { z } from 'zod';
import { issuesOf, type ErrorCode } from '../protocol/index';

/** A request-level failure with a stable code (mapped to HTTP by the API layer, sync/server/app.ts). */
export class PlatformError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export const fail = (code: ErrorCode, message: string, status: number, details?: { path: string; message: string }[]) => new PlatformError(code, message, status, details);

/** Parses with a protocol schema; a mismatch is a 400 VALIDATION_FAILED naming `what` and each issue. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw fail('VALIDATION_FAILED', `invalid ${what}`, 400, issuesOf(r.error));
  return r.data;
}
