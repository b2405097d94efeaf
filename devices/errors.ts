/**
 * One error type for every device failure: a stable `code`, an English `message` for logs and APIs,
 * and `params` for the UI's words: the renderer's catalogue says it (`device.errors.<code>.<variant>`,
 * renderer/i18n/errors.ts), so no words for people are built here. `variant` picks between texts of
 * one code (e.g. OPEN_FAILED on a serial port or a network printer; `any` when there is one text);
 * `device` is a role code the renderer turns into the device's name. Never put personal data (names,
 * ID numbers) into any of them.
 */
export type DeviceErrorParams = Record<string, string | number>;

export interface DeviceErrorOptions {
  /** Which text of this code the UI shows (lowercase, e.g. `serial`, `evaluator`); default `any`. */
  variant?: string;
  /** Names and numbers the text needs (a role code in `device`), never words. */
  params?: DeviceErrorParams;
  cause?: unknown;
}

export class DeviceError extends Error {
  readonly code: string;
  /** Always holds `variant`; see DeviceErrorOptions. */
  readonly params: DeviceErrorParams;

  constructor(code: string, message: string, options: DeviceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeviceError';
    this.code = code;
    this.params = { ...options.params, variant: options.variant ?? 'any' };
  }

  /** The same words with a different English message (e.g. a status found late). */
  withMessage(message: string): DeviceError {
    const { variant, ...params } = this.params;
    return new DeviceError(this.code, message, { variant: String(variant), params, cause: this });
  }

  toJSON(): { code: string; message: string; params: DeviceErrorParams } {
    return { code: this.code, message: this.message, params: { ...this.params } };
  }
}

/** Normalise anything thrown into a DeviceError (transport errors keep their text, which holds no PII). */
export function toDeviceError(err: unknown, fallbackCode = 'DEVICE_ERROR'): DeviceError {
  if (err instanceof DeviceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DeviceError(fallbackCode, message, { variant: 'comm', cause: err });
}
