/**
 * The main-side drivers, one per registered role with `host: 'main'` (devices/protocol/registry). The
 * `satisfies` clause makes a registry entry without its driver (or a driver without its entry) a
 * compile error; the device manager takes everything else from here and from the registry.
 */
import type { MainRole, RoleConfig } from '../manager/schemas.js';
import { evaluatorDriver } from './evaluator.js';
import { idCardDriver } from './idcard.js';
import { qrScannerDriver } from './qr-scanner.js';
import { receiptPrinterDriver } from './receipt-printer.js';
import type { DeviceDriver, DriverSession } from './types.js';
import { windowDisplayDriver } from './window-display.js';

export const drivers = {
  idcard: idCardDriver,
  'receipt-printer': receiptPrinterDriver,
  'window-display': windowDisplayDriver,
  evaluator: evaluatorDriver,
  'qr-scanner': qrScannerDriver,
} satisfies { [R in MainRole]: DeviceDriver<RoleConfig<R>, DriverSession> };

/** The live session type of a role's driver (its calls). */
export type SessionOf<R extends MainRole> = ReturnType<(typeof drivers)[R]['create']>;
