/**
 * A virtual serial cable: `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`. Both links exist once socat
 * reports its data transfer loop. Stopping the pair is what "unplug" looks like to both ends.
 * socat runs tied to this process (devices/process/tied.ts): it stops when this process dies, even by
 * SIGKILL, so a crashed browser host or test leaves no pair behind.
 */
import fs from 'node:fs';
import { DeviceError } from '../errors.js';
import { spawnTied, type TiedProcess } from '../process/tied.js';

export class PtyPair {
  private proc: TiedProcess | null = null;

  constructor(
    /** The end the emulator (device side) opens. */
    readonly deviceLink: string,
    /** The end the driver (host side) opens. */
    readonly hostLink: string,
  ) {}

  get running(): boolean {
    return this.proc !== null;
  }

  async start(timeoutMs = 5000): Promise<void> {
    if (this.proc) return;
    const tied = spawnTied('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.deviceLink}`, `pty,raw,echo=0,link=${this.hostLink}`], { stderr: 'pipe' });
    const proc = tied.child;
    this.proc = tied;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => fail(new Error(`socat did not start in ${timeoutMs} ms: ${log.slice(-300)}`)), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        tied.kill();
        this.proc = null;
        reject(new DeviceError('PTY_FAILED', err.message));
      };
      proc.once('error', (err) => fail(err));
      proc.once('exit', (code) => {
        if (this.proc === tied) this.proc = null;
        // socat gone before its loop started (a bad path, no socat): say so now, not at the timeout.
        if (!log.includes('starting data transfer loop')) fail(new Error(`socat exited (${code}) before starting: ${log.slice(-300)}`));
      });
      proc.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('starting data transfer loop')) {
          clearTimeout(timer);
          if (fs.existsSync(this.deviceLink) && fs.existsSync(this.hostLink)) resolve();
          else fail(new Error('socat started but the links are missing'));
        }
      });
    });
    proc.stderr!.resume();
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    await proc.stop(2000);
    for (const link of [this.deviceLink, this.hostLink]) {
      try {
        fs.unlinkSync(link);
      } catch {
        // socat removed it already
      }
    }
  }
}
