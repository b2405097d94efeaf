/** QR code modules (the `qrcode` library's encoder), drawn as vector squares by the PDF engine. */
import QRCode from 'qrcode';

export interface QrMatrix {
  size: number;
  /** Row-major, true = dark. */
  dark(x: number, y: number): boolean;
}

export function qrMatrix(data: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): QrMatrix {
  const qr = QRCode.create(data, { errorCorrectionLevel: level });
  const { size, data: bits } = qr.modules;
  return { size, dark: (x, y) => bits[y * size + x] === 1 };
}
