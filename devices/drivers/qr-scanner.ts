/** Driver: serial QR scanner in line mode (devices/scanner). The scanned text is a credential: only its length is logged. */
import type { RoleConfig } from '../manager/schemas.js';
import { QrScannerSession } from '../scanner/session.js';
import type { Transport } from '../transport/types.js';
import { defineDriver, type DriverContext } from './types.js';

export const qrScannerDriver = defineDriver({
  create: (ctx: DriverContext<RoleConfig<'qr-scanner'>>) => {
    const cfg = ctx.config;
    let scanner: QrScannerSession | null = null;
    return {
      open: () => ctx.openTransport(cfg.transport),
      async setup(t: Transport): Promise<void> {
        scanner = new QrScannerSession(
          t,
          (r) => {
            const at = new Date().toISOString();
            if (r.kind === 'scan') {
              ctx.log.info(`qr-scanner: scan of ${r.text.length} characters`);
              ctx.emit('qrScan', { type: 'scan', text: r.text, at });
            } else {
              ctx.log.warn(`qr-scanner: ${r.error.code} - ${r.error.message}`);
              ctx.emit('qrScan', { type: 'error', error: r.error, at });
            }
          },
          { ...(cfg.maxLength ? { maxLength: cfg.maxLength } : {}), ...(cfg.quietMs ? { quietMs: cfg.quietMs } : {}) },
        );
        // A line-mode scanner never answers: an open port is all there is to know.
        ctx.link()!.setStatus('connected', 'READY', { params: { device: 'qr-scanner' } });
      },
      teardown(): void {
        scanner?.stop();
        scanner = null;
      },
    };
  },
});
