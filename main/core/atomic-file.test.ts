import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('writeFileAtomic', () => {
  it('creates the folder, replaces the file whole, 0600, and leaves no temp file (plain and durable)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atomic-file-'));
    dirs.push(dir);
    const file = path.join(dir, 'deep', 'state.json');
    await writeFileAtomic(file, '{"a":1}');
    await writeFileAtomic(file, '{"a":2}', { durable: true });
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('a failed write leaves the old file and no temp file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atomic-file-'));
    dirs.push(dir);
    const file = path.join(dir, 'state.json');
    await writeFileAtomic(file, 'old');
    await expect(writeFileAtomic(file, 42 as unknown as string)).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('the blocking variant gives the same guarantees', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atomic-file-'));
    dirs.push(dir);
    const file = path.join(dir, 'deep', 'state.json');
    writeFileAtomicSync(file, 'old');
    expect(() => writeFileAtomicSync(file, 42 as unknown as string)).toThrow();
    expect(readFileSync(file, 'utf8')).toBe('old');
    writeFileAtomicSync(file, Buffer.from('new'), { durable: true });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });
});
