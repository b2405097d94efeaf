import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/helpers.js';
import { loadCardFile } from './idcard-emulator.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

describe('emulator card files', () => {
  it('rejects non-JSON with the file name', () => {
    expect(() => loadCardFile(write('a.json', '{ nope'))).toThrow(/a\.json is not JSON/);
  });

  it('rejects a card with bad fields, naming each field', () => {
    const f = write('b.json', JSON.stringify({ cardType: 'passport', name: 'x', sex: 'm', birthDate: '1990-1-1', idNumber: '1', validFrom: '2020-01-01', validTo: 'forever' }));
    expect(() => loadCardFile(f)).toThrow(/cardType.*sex.*birthDate.*validTo|cardType/s);
  });

  it('rejects a name too long for the 15-character field', () => {
    const f = write('c.json', JSON.stringify({ cardType: 'resident', name: '名'.repeat(16), sex: 'male', birthDate: '1990-01-01', idNumber: '1', validFrom: '2020-01-01', validTo: 'long-term' }));
    expect(() => loadCardFile(f)).toThrow(/name/);
  });
});
