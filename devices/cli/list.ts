/** `list`: serial ports, USB printer nodes, HID and USB devices this machine shows. Never fails. */
import fs from 'node:fs';
import { listSerialPorts } from '../transport/serial.js';
import { printJson } from './output.js';

function devGlob(dir: string, re: RegExp): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => re.test(n))
      .map((n) => `${dir}/${n}`);
  } catch {
    return [];
  }
}

export async function listDevices(): Promise<void> {
  const serial = await listSerialPorts();
  const extra = devGlob('/dev', /^tty(USB|ACM)\d+$/).filter((p) => !serial.some((s) => s.path === p));
  let hid: { vendorId: number; productId: number; product?: string; path?: string }[] = [];
  let hidError: string | undefined;
  try {
    const nodeHid = await import('node-hid');
    hid = (await nodeHid.devicesAsync()).map((d) => ({ vendorId: d.vendorId, productId: d.productId, product: d.product, path: d.path }));
  } catch (err) {
    hidError = (err as Error).message;
  }
  let usb: { vendorId: number; productId: number; busNumber: number; deviceAddress: number }[] = [];
  let usbError: string | undefined;
  try {
    const mod = await import('usb');
    usb = mod.usb.getDeviceList().map((d) => ({
      vendorId: d.deviceDescriptor.idVendor,
      productId: d.deviceDescriptor.idProduct,
      busNumber: d.busNumber,
      deviceAddress: d.deviceAddress,
    }));
  } catch (err) {
    usbError = (err as Error).message;
  }
  printJson({
    serial: [...serial, ...extra.map((path) => ({ path }))],
    usbPrinterNodes: devGlob('/dev/usb', /^lp\d+$/),
    hid,
    usb,
    ...(hidError ? { hidError } : {}),
    ...(usbError ? { usbError } : {}),
  });
}
