/** Driver: window LED strip on TST-BUS/1 (devices/display). */
import { DeviceError, toDeviceError } from '../errors.js';
import { GenericLedDisplay } from '../display/generic-led.js';
import type { WindowDisplayDriver } from '../display/types.js';
import type { RoleConfig, WindowDisplayRequest } from '../manager/schemas.js';
import type { Transport } from '../transport/types.js';
import { defineDriver, type DriverContext } from './types.js';

export const windowDisplayDriver = defineDriver({
  create: (ctx: DriverContext<RoleConfig<'window-display'>>) => {
    const address = ctx.config.address ?? 1;
    let display: WindowDisplayDriver | null = null;
    return {
      open: () => ctx.openTransport(ctx.config.transport),
      async setup(t: Transport): Promise<void> {
        const d = new GenericLedDisplay(t, address);
        if (!(await d.ping())) {
          d.dispose();
          throw new DeviceError('TIMEOUT', `window display at bus address ${address} did not answer`, { params: { device: 'window-display' } });
        }
        display = d;
        ctx.link()!.setStatus('connected', 'READY', { params: { device: 'window-display' } });
      },
      teardown(): void {
        display?.dispose();
        display = null;
      },
      async show(request: WindowDisplayRequest): Promise<void> {
        if (!display) throw new DeviceError('DISCONNECTED', 'window display is not connected', { variant: 'windowDisplay' });
        try {
          await display.show(request);
        } catch (err) {
          const e = toDeviceError(err);
          ctx.link()!.setError('error', e);
          throw e;
        }
      },
    };
  },
});
