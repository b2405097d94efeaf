/**
 * One error type for every device failure: a stable `code`, an English `message` for logs and APIs,
 * and a Chinese `userMessage` for the UI. Never put personal data (names, ID numbers) into any of them.
 */
export class DeviceError extends Error {
  readonly code: string;
  readonly userMessage: string;

  constructor(code: string, message: string, userMessage: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeviceError';
    this.code = code;
    this.userMessage = userMessage;
  }

  toJSON(): { code: string; message: string; userMessage: string } {
    return { code: this.code, message: this.message, userMessage: this.userMessage };
  }
}

/** Normalise anything thrown into a DeviceError (transport errors keep their text, which holds no PII). */
export function toDeviceError(err: unknown, fallbackCode = 'DEVICE_ERROR'): DeviceError {
  if (err instanceof DeviceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DeviceError(fallbackCode, message, '设备通信异常，请检查设备连接', { cause: err });
}
