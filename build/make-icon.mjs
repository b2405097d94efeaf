// Draws build/icon.png (512×512): a white service-hall shape on the product blue, rounded
// corners. Pure Node (zlib), so it runs anywhere: `node build/make-icon.mjs`.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const N = 512;
const px = Buffer.alloc(N * N * 4);
const blue = [0x15, 0x5b, 0xd5, 0xff];
const white = [0xff, 0xff, 0xff, 0xff];
const set = (x, y, c) => c.forEach((v, i) => (px[(y * N + x) * 4 + i] = v));
const inRounded = (x, y, r = 96) => {
  const cx = Math.min(Math.max(x, r), N - 1 - r);
  const cy = Math.min(Math.max(y, r), N - 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    if (!inRounded(x, y)) continue;
    set(x, y, blue);
    const roof = y >= 110 && y <= 210 && Math.abs(x - 256) <= (y - 110) * 1.6 + 4;
    const body = y > 210 && y <= 400 && x >= 128 && x <= 384;
    const door = y > 290 && y <= 400 && x >= 226 && x <= 286;
    const columns = y > 230 && y <= 380 && ((x >= 150 && x <= 180) || (x >= 332 && x <= 362));
    const base = y > 400 && y <= 420 && x >= 108 && x <= 404;
    if (roof || base || (body && !door && !columns)) set(x, y, white);
  }
}
const raw = Buffer.alloc((N * 4 + 1) * N);
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(join(import.meta.dirname, 'icon.png'), png);
console.log(`build/icon.png: ${png.length} bytes`);
