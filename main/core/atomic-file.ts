/**
 * Replaces a small file atomically: the bytes go to a private temp file beside it (0600, unique
 * name, exclusive create), which is renamed over the target, so a reader or a crash sees the old
 * file or the new one, never half of either. `durable` also fsyncs the file and its folder before
 * answering (state that must survive a power cut: leased ticket numbers, the offline outbox,
 * attachments, printed documents). The one implementation in main: `writeFileAtomic` and, for the
 * callers that cannot wait (the station zone learned in a pull, the document store),
 * `writeFileAtomicSync`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** fsync the file and its folder before answering. */
  durable?: boolean;
}

const tempName = (file: string) => `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = tempName(file);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    if (options.durable) await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
  if (!options.durable) return;
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // some file systems cannot fsync a folder; the rename is still atomic
  }
}

/** `writeFileAtomic` for callers that must not yield: same guarantees, blocking. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = tempName(file);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeFileSync(fd, data);
    if (options.durable) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  if (!options.durable) return;
  try {
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // some file systems cannot fsync a folder; the rename is still atomic
  }
}
