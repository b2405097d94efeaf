/** CLI output: one JSON object per result on stdout; failures as {"error":{code,message}}. */
import { toDeviceError } from '../errors.js';

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function errorJson(err: unknown): { error: { code: string; message: string; params?: Record<string, string | number> } } {
  if (err instanceof CliError) return { error: { code: err.code, message: err.message } };
  const e = toDeviceError(err);
  return { error: { code: e.code, message: e.message, params: e.params } };
}

export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : 1;
}
