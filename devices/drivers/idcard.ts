/** Driver: second-generation ID card reader (SAM frames), polled by IdCardSession; auto-probe of serial ports. */
import { DeviceError, toDeviceError } from '../errors.js';
import { toCardJson } from '../idcard/card-json.js';
import { SamReader } from '../idcard/reader.js';
import { IdCardSession } from '../idcard/session.js';
import { defaultProbeCandidates, probeSamReader } from '../manager/probe.js';
import type { IdCardEvent, RoleConfig } from '../manager/schemas.js';
import type { Transport } from '../transport/types.js';
import { defineDriver, type DriverContext } from './types.js';

/** ID card polls that may fail in a row (timeouts, bad frames, failed writes) before the port is reopened. */
export const SILENT_POLLS_BEFORE_REOPEN = 3;

export const idCardDriver = defineDriver({
  create: (ctx: DriverContext<RoleConfig<'idcard'>>) => {
    const cfg = ctx.config;
    let session: IdCardSession | null = null;
    let reader: SamReader | null = null;

    async function emitCard(card: Parameters<typeof toCardJson>[0]): Promise<void> {
      const json: IdCardEvent & { type: 'card' } = { type: 'card', card: toCardJson(card), at: new Date().toISOString() };
      if (ctx.options.wltDecoder) {
        try {
          json.card.photoBmp = (await ctx.options.wltDecoder(card.photoWlt)).toString('base64');
        } catch (err) {
          ctx.log.warn(`idcard: WLT decoder failed: ${(err as Error).message}`);
        }
      }
      // Only the card type and validity go to the log, never the personal data.
      ctx.log.info(`idcard: card read (type=${card.cardType}, idNumberValid=${card.idNumberValid}, warnings=${card.warnings.length})`);
      ctx.emit('idCard', json);
    }

    return {
      async open(): Promise<Transport> {
        const config = cfg.transport;
        if (config.kind === 'serial' && config.path === 'auto') {
          const candidates = config.probeCandidates ?? (await defaultProbeCandidates());
          const found = await probeSamReader(candidates, { baudRate: config.baudRate, exclude: ctx.pathsOfOtherRoles() });
          if (!found) throw new DeviceError('NOT_FOUND', `no SAM reader answered on ${candidates.length} candidate ports`, { variant: 'idcard' });
          ctx.log.info(`idcard: auto-probe found ${found.description}`);
          return found;
        }
        return ctx.openTransport(config);
      },

      async setup(t: Transport): Promise<void> {
        const link = ctx.link()!;
        const r = new SamReader(t, { timeoutMs: cfg.commandTimeoutMs ?? 2000 });
        reader = r;
        try {
          await r.status();
        } catch (err) {
          const e = toDeviceError(err);
          throw e.withMessage(`reader self-check failed: ${e.message}`);
        }
        link.setStatus('connected', 'READY', { params: { device: 'idcard' } });
        const now = () => new Date().toISOString();
        // Polls that got no usable answer in a row. The OS does not always report a lost serial link
        // (a USB reader pulled and put back, a pty whose other end was replaced): the port stays "open"
        // and every command times out. After a few such polls the port is reopened, which either finds
        // the reader again or reports it missing.
        let silentPolls = 0;
        session = new IdCardSession(
          r,
          (event) => {
            if (event.type !== 'link-error') silentPolls = 0;
            switch (event.type) {
              case 'card':
                void emitCard(event.card);
                break;
              case 'removed':
                ctx.log.info('idcard: card removed');
                ctx.emit('idCard', { type: 'removed', at: now() });
                break;
              case 'read-error':
                ctx.log.warn(`idcard: read error ${event.error.code}`);
                ctx.emit('idCard', { type: 'read-error', error: event.error.toJSON(), at: now() });
                break;
              case 'link-error':
                link.setError('error', event.error);
                if (++silentPolls === SILENT_POLLS_BEFORE_REOPEN) {
                  ctx.log.warn(`idcard: ${silentPolls} polls in a row failed (${event.error.code}); reopening the port`);
                  void link.drop();
                }
                break;
              case 'link-ok':
                link.setStatus('connected', 'READY', { params: { device: 'idcard' } });
                break;
              case 'closed':
                break;
            }
          },
          { pollIntervalMs: cfg.pollIntervalMs ?? 500, withFingerprint: cfg.withFingerprint ?? false },
        );
        session.start();
      },

      async teardown(): Promise<void> {
        const s = session;
        session = null;
        await s?.stop();
        reader?.dispose();
        reader = null;
      },
    };
  },
});
