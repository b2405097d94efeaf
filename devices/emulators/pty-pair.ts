/**
 * A virtual serial cable: `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`. Both links exist once socat
 * reports its data transfer loop. Stopping the pair is what "unplug" looks like to both ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { DeviceError } from '../errors.js';

export class PtyPair {
  private proc: ChildProcess | null = null;

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
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.deviceLink}`, `pty,raw,echo=0,link=${this.hostLink}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => fail(new Error(`socat did not start in ${timeoutMs} ms: ${log.slice(-300)}`)), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        proc.kill('SIGKILL');
        this.proc = null;
        reject(new DeviceError('PTY_FAILED', err.message, '无法创建虚拟串口'));
      };
      proc.once('error', (err) => fail(err));
      proc.once('exit', () => {
        if (this.proc === proc) this.proc = null;
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
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        resolve();
      }, 2000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
    for (const link of [this.deviceLink, this.hostLink]) {
      try {
        fs.unlinkSync(link);
      } catch {
        // socat removed it already
      }
    }
  }
}
