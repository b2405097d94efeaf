/**
 * A receipt printer session on one transport: real-time status (DLE EOT 1–4) around each job, and a
 * queue that keeps every job that did not print (paper out, cover open, offline, link down) until it is
 * retried or cancelled. A job is never dropped silently: the caller gets an error and the job id.
 */
import { randomUUID } from 'node:crypto';
import { DeviceError, toDeviceError } from '../errors.js';
import type { Transport } from '../transport/types.js';
import { decodeStatus, isStatusByte, STATUS_QUERIES, statusProblem, statusQueryCommand, type PrinterStatus, type StatusQuery } from './status.js';

export interface PrintJob {
  id: string;
  kind: string;
  bytes: Buffer;
  createdAt: string;
  attempts: number;
  lastError?: { code: string; message: string; params: Record<string, string | number> };
}

export type PrintResult =
  | { ok: true; jobId: string; status: PrinterStatus | null }
  | { ok: false; jobId: string; queued: true; error: { code: string; message: string; params: Record<string, string | number> } };

export interface ReceiptPrinterOptions {
  /** Wait per DLE EOT reply. */
  statusTimeoutMs?: number;
  /** False for links that cannot read (a spooler, a write-only device node): status is then unknown. */
  bidirectional?: boolean;
  /** Upper bound of kept jobs; beyond it new jobs are refused with PRINT_QUEUE_FULL, none is dropped. */
  maxQueued?: number;
}

export class ReceiptPrinter {
  private transport: Transport | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly inbox: number[] = [];
  private waiter: (() => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly queue = new Map<string, PrintJob>();
  private readonly statusTimeoutMs: number;
  private readonly bidirectional: boolean;
  private readonly maxQueued: number;
  lastStatus: PrinterStatus | null = null;

  constructor(options: ReceiptPrinterOptions = {}) {
    this.statusTimeoutMs = options.statusTimeoutMs ?? 500;
    this.bidirectional = options.bidirectional ?? true;
    this.maxQueued = options.maxQueued ?? 50;
  }

  /** Attach (or replace with null) the transport; jobs stay queued across reconnects. */
  attach(transport: Transport | null): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.transport = transport;
    this.inbox.length = 0;
    if (transport) {
      this.unsubscribe = transport.onData((chunk) => {
        for (const b of chunk) this.inbox.push(b);
        if (this.inbox.length > 64) this.inbox.splice(0, this.inbox.length - 64);
        this.waiter?.();
      });
    }
  }

  pending(): PrintJob[] {
    return [...this.queue.values()];
  }

  cancel(jobId: string): boolean {
    return this.queue.delete(jobId);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn, fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private readByte(timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(this.inbox.length ? this.inbox.shift()! : null);
      };
      const timer = setTimeout(done, timeoutMs);
      if (this.inbox.length) done();
      else this.waiter = done;
    });
  }

  /** DLE EOT 1..4; null when the link cannot read or the printer does not answer. */
  queryStatus(): Promise<PrinterStatus | null> {
    return this.serial(() => this.queryStatusNow());
  }

  private async queryStatusNow(): Promise<PrinterStatus | null> {
    const t = this.transport;
    if (!t?.isOpen) throw new DeviceError('PRINTER_DISCONNECTED', 'printer is not connected');
    if (!this.bidirectional) return null;
    this.inbox.length = 0; // stale bytes
    const raw: Partial<Record<StatusQuery, number>> = {};
    for (const n of STATUS_QUERIES) {
      await t.write(statusQueryCommand(n));
      let b = await this.readByte(this.statusTimeoutMs);
      while (b !== null && !isStatusByte(b)) b = await this.readByte(this.statusTimeoutMs);
      if (b === null) return null;
      raw[n] = b;
    }
    this.lastStatus = decodeStatus(raw);
    return this.lastStatus;
  }

  /** Queue a job and try it now. */
  print(kind: string, bytes: Buffer): Promise<PrintResult> {
    if (this.queue.size >= this.maxQueued) {
      // Refused loudly (nothing accepted, nothing lost): the caller must deal with the kept jobs first.
      return Promise.reject(
        new DeviceError('PRINT_QUEUE_FULL', `${this.queue.size} jobs waiting; retry or cancel them first`),
      );
    }
    const job: PrintJob = { id: randomUUID(), kind, bytes, createdAt: new Date().toISOString(), attempts: 0 };
    this.queue.set(job.id, job);
    return this.serial(() => this.attempt(job));
  }

  /** Retry one kept job, or all of them in order. */
  async retry(jobId?: string): Promise<PrintResult[]> {
    const jobs = jobId ? [this.queue.get(jobId)].filter((j): j is PrintJob => !!j) : this.pending();
    if (jobId && !jobs.length) throw new DeviceError('NO_SUCH_JOB', `no kept print job ${jobId}`);
    const results: PrintResult[] = [];
    for (const job of jobs) results.push(await this.serial(() => this.attempt(job)));
    return results;
  }

  private async attempt(job: PrintJob): Promise<PrintResult> {
    job.attempts++;
    try {
      const before = await this.queryStatusNow();
      const problem = before && statusProblem(before);
      if (problem) throw new DeviceError(problem.code, problem.message);
      await this.transport!.write(job.bytes);
      const after = await this.queryStatusNow();
      const late = after && statusProblem(after);
      if (late) throw new DeviceError(late.code, `${late.message} after printing; the job may be incomplete`, { variant: 'late' });
      this.queue.delete(job.id);
      return { ok: true, jobId: job.id, status: after };
    } catch (err) {
      const e = toDeviceError(err, 'PRINT_FAILED');
      job.lastError = e.toJSON();
      return { ok: false, jobId: job.id, queued: true, error: job.lastError };
    }
  }
}
