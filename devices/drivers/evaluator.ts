/** Driver: key-type 好差评 evaluator on TST-BUS/1 (devices/evaluator). Without it, pages rate on screen. */
import { DeviceError, toDeviceError } from '../errors.js';
import { GenericKeypadEvaluator } from '../evaluator/generic-keypad.js';
import { evaluationResult, type EvaluatorDriver } from '../evaluator/types.js';
import type { EvaluationMode, RoleConfig } from '../manager/schemas.js';
import type { Transport } from '../transport/types.js';
import { defineDriver, type DriverContext } from './types.js';

export const evaluatorDriver = defineDriver({
  create: (ctx: DriverContext<RoleConfig<'evaluator'>>) => {
    const address = ctx.config.address ?? 1;
    let evaluator: EvaluatorDriver | null = null;
    return {
      open: () => ctx.openTransport(ctx.config.transport),
      async setup(t: Transport): Promise<void> {
        const ev = new GenericKeypadEvaluator(t, address);
        if (!(await ev.ping())) {
          ev.dispose();
          throw new DeviceError('TIMEOUT', `evaluator at bus address ${address} did not answer`, { variant: 'evaluator' });
        }
        ev.onResult((level) => {
          ctx.log.info(`evaluator: level ${level} (device)`);
          ctx.emit('evaluation', evaluationResult(level, 'device'));
        });
        evaluator = ev;
        ctx.link()!.setStatus('connected', 'READY', { params: { device: 'evaluator' } });
      },
      teardown(): void {
        evaluator?.dispose();
        evaluator = null;
      },
      /** Light the device up; the result arrives as an `evaluation` event. Any problem answers `on-screen`. */
      async request(prompt: string, timeoutSeconds: number): Promise<EvaluationMode> {
        if (!evaluator) return { mode: 'on-screen', code: 'EVALUATOR_DISCONNECTED', params: { variant: 'any' } };
        try {
          await evaluator.request(prompt, timeoutSeconds);
          return { mode: 'device' };
        } catch (err) {
          const e = toDeviceError(err);
          ctx.link()!.setStatus('error', 'EVALUATOR_UNRESPONSIVE', { code: e.code, detail: e.message });
          return { mode: 'on-screen', code: e.code, params: { variant: 'evaluator' } };
        }
      },
    };
  },
});
