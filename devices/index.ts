/** Public entry of devices/: the manager API, its schemas, demo devices and the pure drivers. */
export { createDeviceManager, DeviceManager, type DeviceLogger, type DeviceManagerOptions, type WltDecoder } from './manager/device-manager.js';
export * from './manager/schemas.js';
export { startDemoDevices, SAMPLE_CARDS_DIR, type DemoDevices, type DemoOptions } from './emulators/demo.js';
export { DeviceError } from './errors.js';
export { maskIdNumber } from './idcard/id-number.js';
export { spawnTied, type TiedOptions, type TiedProcess } from './process/tied.js';
export { QrScannerEmulator, type ScanTerminator } from './emulators/qr-scanner-emulator.js';
export { LineDecoder, type LineResult, type ScanError } from './scanner/line-framing.js';
