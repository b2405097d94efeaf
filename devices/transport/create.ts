import { HidTransport } from './hid.js';
import { SerialTransport } from './serial.js';
import { TcpTransport } from './tcp.js';
import type { Transport, TransportConfig } from './types.js';
import { UsbBulkTransport } from './usb-bulk.js';
import { UsbLpTransport } from './usb-lp.js';

export function createTransport(config: TransportConfig): Transport {
  switch (config.kind) {
    case 'serial':
      return new SerialTransport(config.path, config.baudRate ?? 115200);
    case 'tcp':
      return new TcpTransport(config.host, config.port ?? 9100);
    case 'usb-lp':
      return new UsbLpTransport(config.path);
    case 'usb-bulk':
      return new UsbBulkTransport(config.vendorId, config.productId, config.interfaceNumber ?? 0);
    case 'hid':
      return new HidTransport(config.vendorId, config.productId, config.path, config.reportSize ?? 64);
  }
}
