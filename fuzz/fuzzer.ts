/**
 * The seeded sync fuzzer (issue 11): a real platform (PGlite, or PostgreSQL) and K ≥ 3 terminals of
 * one station, each with main's real sync feature and the renderer's real RxDB replication (memory
 * storage), driven by a seeded action list; after every quiescent point the invariants are checked
 * (`checkInvariants`). A failing sequence is shrunk by delta debugging over the action list.
 *
 * The action list is a pure function of the seed (`generate`), so a seed always replays the same
 * actions; the interleaving with network timing is not fixed, which is what a fuzzer of a
 * distributed system wants (a failing seed is rerun a few times when shrinking, see `shrink`).
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startPlatform, type Platform } from '../sync/server/platform';
import { QueueService } from '../sync/server/queue/service';
import { makePinVerifier } from '../sync/server/staff/pin';
import { startFaultProxy, type FaultProxy } from '../e2e/sync-fault-proxy';
import {
  BACK_OFFICE_TRANSITIONS,
  canonicalJson,
  exampleFormData,
  TERMINAL_SETTABLE_STATUSES,
  uuidv7,
  type ApplicationDoc,
  type AuditEventDoc,
  type CollectionName,
} from '../sync/protocol';
import { createDraft, saveCorrection, setTerminalStatus, updateForm } from '../renderer/db/applications';
import { protocolDocuments, toProtocol } from '../renderer/db/modifiers';
import { openFormRefusal, quarantineKey } from '../renderer/db/quarantine';
import { AuditLog, verifyChain, type AuditInput } from '../renderer/audit/chain';
import { rxAuditStore } from '../renderer/audit/service';
import { platformUnchangedSinceRefusal, sameState } from '../sync/client/ownership';
import { getAssumedMasterState, getLastCheckpointDoc } from 'rxdb';
import { startFuzzTerminal, type BridgeFaults, type FuzzTerminal } from './terminal';
import type { AttachmentRefOut } from '../preload/contract/attachment-calls';
import type { DraftInput } from '../renderer/db/applications';
import { prng } from './prng';
import type { Action, Fault, OfficeOp } from './actions';

// ------------------------------------------------------------------ actions

// The action list's types and kinds live in ./actions (the CLI checks a replay file against them
// without loading the fuzzer).
export { ACTION_KINDS, type Action, type Fault, type OfficeOp } from './actions';

export { prng };

export interface GenerateOptions {
  terminals: number;
  steps: number;
  /** Leave out platform restarts (they cost a database reopen). */
  platformRestarts?: boolean;
}

/** The action list of a seed: weights favour the application life cycle; a quiescent point every ~12 steps. */
export function generate(seed: number, o: GenerateOptions): Action[] {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const t = () => int(o.terminals);
  const app = () => int(1 << 20);
  const ops: OfficeOp[] = ['accept', 'accept', 'review', 'supplement', 'supplement', 'approve', 'reject', 'complete', 'complete'];
  const faults: Fault[] = ['pass', 'delay', 'cut', 'cut', 'reorder', 'reorder', 'reorder', 'duplicate', 'duplicate'];
  const table: [number, () => Action][] = [
    [14, () => ({ k: 'create', t: t() })],
    [8, () => ({ k: 'edit', t: t(), app: app(), v: int(1e6) })],
    [12, () => ({ k: 'submit', t: t(), app: app() })],
    [4, () => ({ k: 'submit-invalid', t: t(), app: app() })],
    [4, () => ({ k: 'correct', t: t(), app: app(), v: int(1e6) })],
    [3, () => ({ k: 'lookup', t: t(), app: app() })],
    [3, () => ({ k: 'withdraw', t: t(), app: app() })],
    [5, () => ({ k: 'resubmit', t: t(), app: app(), v: int(1e6) })],
    [3, () => ({ k: 'attach', t: t(), app: app(), v: int(1e9) })],
    [16, () => ({ k: 'office', op: ops[int(ops.length)]!, app: app(), flags: r() < 0.5 })],
    [4, () => ({ k: 'ticket', t: t(), n: int(1 << 20) })],
    [2, () => ({ k: 'evaluate', t: t() })],
    [10, () => ({ k: 'fault', t: t(), fault: faults[int(faults.length)]! })],
    [3, () => ({ k: 'sse-drop', t: t() })],
    [2, () => ({ k: 'restart', t: t() })],
    [o.platformRestarts === false ? 0 : 1, () => ({ k: 'platform-restart' })],
    [2, () => ({ k: 'clock', t: t(), days: [-3, -1, 1, 3, 0][int(5)]! })],
    [1, () => ({ k: 'revoke', t: t() })],
    [5, () => ({ k: 'pause', ms: 20 + int(200) })],
  ];
  const total = table.reduce((s, [w]) => s + w, 0);
  const out: Action[] = [];
  for (let i = 0; i < o.steps; i++) {
    if (i > 0 && i % 12 === 0) out.push({ k: 'quiesce' });
    let x = r() * total;
    for (const [w, make] of table) {
      if ((x -= w) < 0) {
        out.push(make());
        break;
      }
    }
  }
  out.push({ k: 'quiesce' });
  return out;
}

// ------------------------------------------------------------------ the world

/**
 * A terminal as the world drives and checks it: the local operations the pages perform, its sync,
 * and what the invariants read. `nodeWorldTerminal` wraps the in-process terminal (./terminal.ts);
 * `e2e/fuzz-chromium.ts` is the real app in Chromium through the browser host.
 */
export interface WorldTerminal {
  readonly name: string;
  /** Folders whose files the no-PII check reads (main's data folder; a browser profile). */
  readonly dataDirs: readonly string[];
  readonly terminalId: string;
  /** The bridge faults it can inject (only the in-process bridge can hold and reorder answers). */
  readonly bridgeFaults: BridgeFaults | null;
  createDraft(input: DraftInput, at: Date): Promise<string>;
  /** Ids of the applications it holds in one of `statuses`, sorted. */
  appIds(statuses: string[]): Promise<string[]>;
  app(id: string): Promise<ApplicationDoc | null>;
  updateForm(id: string, patch: { formData?: Record<string, unknown>; materials?: ApplicationDoc['materials'] }, at: Date): Promise<void>;
  setStatus(id: string, status: 'submitted' | 'withdrawn', at: Date): Promise<void>;
  saveCorrection(id: string, patch: { formData: Record<string, unknown> }, at: Date): Promise<void>;
  putAttachment(bytes: Buffer, fileName: string): Promise<AttachmentRefOut>;
  insertEvaluation(doc: Record<string, unknown>): Promise<void>;
  /** Every document of a collection it holds, in the protocol's form. */
  docs(c: CollectionName): Promise<Record<string, unknown>[]>;
  /** Unacknowledged local writes; null while it does not replicate. */
  pending(): Promise<number | null>;
  resync(): void;
  quarantined(c: CollectionName, id: string): Promise<string>;
  /** The refused copy of an application whose FORM_INVALID refusal is open (protocol form), or null. */
  openRefusal(id: string): Promise<Record<string, unknown> | null>;
  /** The clerk's search of older cases by id (`TerminalReplication.lookupOlder`): what the platform returned. */
  lookupOlder(id: string): Promise<number>;
  startSync(): Promise<void>;
  restart(): Promise<void>;
  reenroll(code: string): Promise<void>;
  close(): Promise<void>;
}

/** The in-process terminal as a world terminal. */
export function nodeWorldTerminal(t: FuzzTerminal): WorldTerminal {
  const caller = { origin: 'test', role: 'clerk', senderId: 'fuzz' } as const;
  return {
    name: t.name,
    dataDirs: [t.dataDir],
    get terminalId() {
      return t.terminalId;
    },
    bridgeFaults: t.faults,
    async createDraft(input, at) {
      return (await createDraft(t.db, input, t.salt, at)).id;
    },
    async appIds(statuses) {
      return (await t.db.applications.find({ selector: { status: { $in: statuses } }, sort: [{ id: 'asc' }] }).exec()).map((d) => d.id);
    },
    async app(id) {
      const d = await t.db.applications.findOne(id).exec();
      return d ? (toProtocol('applications', d.toJSON(true) as Record<string, unknown>) as unknown as ApplicationDoc) : null;
    },
    updateForm: (id, patch, at) => updateForm(t.db, id, patch as never, t.salt, at),
    setStatus: async (id, status, at) => void (await setTerminalStatus(t.db, id, status, at)),
    saveCorrection: async (id, patch, at) => void (await saveCorrection(t.db, id, patch as never, t.salt, at)),
    putAttachment: async (bytes, fileName) => t.feature.handlers['attachments.put']({ bytes: bytes.toString('base64'), mimeType: 'application/pdf', fileName }, caller),
    insertEvaluation: async (doc) => void (await t.db.evaluations.insert(doc as never)),
    docs: (c) => protocolDocuments(t.db, c),
    pending: async () => (t.replication ? t.replication.pendingCount() : null),
    resync: () => t.replication?.resync(),
    quarantined: (c, id) => quarantined(t, c, id),
    openRefusal: async (id) => (await openFormRefusal(t.db, id))?.doc ?? null,
    lookupOlder: async (id) => {
      if (!t.replication) throw new Noop();
      return (await t.replication.lookupOlder({ id })).length;
    },
    startSync: () => t.startSync(),
    restart: () => t.restart(),
    reenroll: (code) => t.reenroll(code),
    close: () => t.close(),
  };
}

/** Starts one more terminal of the station (the browser terminal of `e2e/fuzz-chromium.spec.ts`). */
export type WorldTerminalFactory = (o: { platformUrl: string; enrollCode: string; name: string; staff: { id: string; pin: string } }) => Promise<WorldTerminal>;

export interface WorldOptions {
  /** In-process terminals (main's sync feature and the renderer's RxDB replication in Node). */
  terminals: number;
  /**
   * More terminals, after the in-process ones (index `terminals`, `terminals + 1`, …): the real app
   * in Chromium. They replicate every collection; generate the actions for `terminals + extra.length`.
   */
  extra?: WorldTerminalFactory[];
  /** PostgreSQL connection string; default PGlite in a temporary data directory. */
  databaseUrl?: string;
  /** Seconds a quiescent point may take before "pending forever" is a violation. */
  quiesceSeconds?: number;
  log?: (line: string) => void;
}

/** One platform shared by the seeds of a run (each seed gets its own station, so seeds don't see each other). */
export class PlatformHost {
  platform!: Platform;
  private port = 0;
  private readonly adminToken = `adm_${randomBytes(18).toString('base64url')}`;
  private readonly dataDir: string | null;
  restarts = 0;

  constructor(private readonly databaseUrl?: string) {
    this.dataDir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'sync-fuzz-platform-'));
  }

  async start(): Promise<void> {
    this.platform = await startPlatform({
      ...(this.databaseUrl ? { databaseUrl: this.databaseUrl } : { dataDir: this.dataDir! }),
      adminToken: this.adminToken,
      seedDemo: true,
      port: this.port,
      heartbeatMs: 2000,
      // Every simulated terminal of every seed talks from 127.0.0.1, where a real province sees each
      // station from its own address: the per-address enrollment limit (20 a minute) would refuse the
      // run's enrollments after a few dozen seeds. Per-token limits stay as deployed.
      security: { rateLimits: { enroll: { perAddress: 1_000_000 } } },
    });
    this.port = Number(new URL(this.platform.url).port);
  }

  async restart(): Promise<void> {
    await this.platform.close();
    this.restarts++;
    for (let i = 0; ; i++) {
      try {
        await this.start();
        return;
      } catch (e) {
        if (i >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100)); // the port may linger a moment
      }
    }
  }

  async close(): Promise<void> {
    await this.platform?.close().catch(() => undefined);
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export interface Violation {
  invariant: string;
  detail: string;
}

export interface RunResult {
  violations: Violation[];
  /** Actions that did something (the rest were no-ops in the state they met). */
  applied: number;
  quiescentPoints: number;
  apps: number;
  /** Audit events the terminals appended. */
  auditEvents: number;
  /** Open FORM_INVALID refusals the quiescent checks met (summed over the checks). */
  refusals: number;
  /** Wall time per action kind (and `setup`, `teardown`), ms: where a seed's time goes. */
  timings: Record<string, number>;
}

const PII = ['360121195001011234', '360121194010010024', '测试人'];
/** What a terminal in the app replicates (the extra terminals): every station collection the invariants read. */
const ALL_SYNCED: CollectionName[] = ['applications', 'queue_tickets', 'evaluations', 'audit_events'];
const PDF = (v: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`fuzz attachment ${v}\n%%EOF\n`)]);

let stationCounter = 0;

/** Runs one action list against a fresh station on `host`'s platform; returns the violations found. */
export async function runActions(host: PlatformHost, actions: Action[], o: WorldOptions): Promise<RunResult> {
  const log = o.log ?? (() => undefined);
  const station = `fz${process.pid}x${stationCounter++}x${Date.now().toString(36)}`;
  const proxies: FaultProxy[] = [];
  const terminals: WorldTerminal[] = [];
  /** The in-process terminal behind each world terminal (null for the others): audit log, bridge faults. */
  const nodes: (FuzzTerminal | null)[] = [];
  const clock: number[] = [];
  const revoked = new Set<number>();
  const faultOf: Fault[] = [];
  const flapping: (ReturnType<typeof setInterval> | null)[] = [];
  const apps: string[] = [];
  /** Audit events the terminals appended (acknowledged to the clerk): each must reach the platform. */
  const audited: string[] = [];
  /** One audit log per open terminal database, as one per window in the app (a restart opens a new one). */
  const auditLogs = new WeakMap<object, AuditLog>();
  const violations: Violation[] = [];
  let applied = 0;
  let quiescentPoints = 0;
  let refusalsSeen = 0;
  const timings: Record<string, number> = {};
  const took = (k: string, since: number) => (timings[k] = (timings[k] ?? 0) + Date.now() - since);
  const setupStarted = Date.now();
  const target = () => ({ host: '127.0.0.1', port: Number(new URL(host.platform.url).port) });
  const extra = o.extra ?? [];
  const collectionsOf = [...fuzzCollections(o.terminals), ...extra.map(() => ALL_SYNCED)];
  const collections = [...new Set(collectionsOf.flat())];

  const setFault = (i: number, f: Fault) => {
    faultOf[i] = f;
    const p = proxies[i]!;
    const bf = terminals[i]!.bridgeFaults;
    p.set(f === 'delay' ? { kind: 'delay', ms: 30 } : f === 'cut' ? { kind: 'cut', bytes: 700 } : { kind: 'pass' });
    if (bf) bf.order = f === 'reorder' ? () => ({ holdPullMs: 250, pushAnswerMs: 30 }) : undefined;
    // Reordering needs pulls in flight: a flapping stream (each reconnect sends RESYNC) provides them.
    if (flapping[i]) clearInterval(flapping[i]!);
    flapping[i] = f === 'reorder' ? setInterval(() => terminals[i]?.resync(), 40) : null;
    if (bf) bf.duplicatePush = f === 'duplicate' ? () => true : undefined;
  };

  // The station's queue runs on the platform (issue 15): tickets change only by queue commands.
  await host.platform.store.upsertAsPlatform('station_config', [
    {
      id: station,
      _deleted: false,
      updatedAt: new Date().toISOString(),
      stationId: station,
      name: '模糊测试站',
      divisionCode: '360121',
      level: 'township',
      windows: [
        { id: '1', name: '1号窗口', categories: ['general'] },
        { id: '2', name: '2号窗口', categories: ['general'] },
      ],
      queueCategories: [{ code: 'general', name: '综合业务', prefix: 'A' }],
      kioskContent: { welcome: '', notices: [] },
      retentionDays: 30,
    },
  ]);

  try {
    for (let i = 0; i < o.terminals; i++) {
      const proxy = await startFaultProxy(target());
      proxies.push(proxy);
      const t = await startFuzzTerminal({ platformUrl: proxy.url, enrollCode: await host.platform.createEnrollCode(station), name: `t${i}`, backoffMs: 50, collections: collectionsOf[i]! });
      terminals.push(nodeWorldTerminal(t));
      nodes.push(t);
      clock.push(0);
      faultOf.push('pass');
      await t.startSync();
    }
    // A clerk of the station, for the terminals in the app (their bridge files attachments only with a staff session).
    const staff = { id: `${station}-clerk`, pin: '246810' };
    if (extra.length) {
      await host.platform.store.upsertAsPlatform('staff', [
        { id: staff.id, _deleted: false, updatedAt: new Date().toISOString(), name: '模糊测试代办员', role: 'clerk', stations: [station], active: true, pinVerifier: await makePinVerifier(staff.pin), idNumber: '360121199007260041', phone: '13907910002' },
      ]);
    }
    for (const [j, make] of extra.entries()) {
      const proxy = await startFaultProxy(target());
      proxies.push(proxy);
      const t = await make({ platformUrl: proxy.url, enrollCode: await host.platform.createEnrollCode(station), name: `t${o.terminals + j}`, staff });
      terminals.push(t);
      nodes.push(null);
      clock.push(0);
      faultOf.push('pass');
      await t.startSync();
    }
    took('setup', setupStarted);
    const now = (i: number) => new Date(Date.now() + clock[i]!);
    /** The clerk's audit event of an action, as the pages write it (renderer/audit/service.ts). */
    const audit = async (i: number, input: Omit<AuditInput, 'actor'>) => {
      const t = nodes[i];
      if (!t || !collectionsOf[i]!.includes('audit_events')) return;
      let log = auditLogs.get(t.db);
      if (!log) {
        const db = t.db;
        log = new AuditLog(rxAuditStore(db as never), { stationId: () => station, terminalId: () => t.terminalId, now: () => now(i) });
        auditLogs.set(db, log);
      }
      audited.push((await log.append({ actor: { type: 'staff', id: 'S002' }, ...input })).id);
    };
    const appId = (n: number) => (apps.length ? apps[n % apps.length]! : null);
    /** The n-th (mod count) application this terminal holds in one of `statuses`; falls back to any. */
    const localApp = async (i: number, n: number, statuses: string[]): Promise<string | null> => {
      const ids = await terminals[i]!.appIds(statuses);
      return ids.length ? ids[n % ids.length]! : appId(n);
    };

    for (const [step, a] of actions.entries()) {
      let did = true;
      const actionStarted = Date.now();
      try {
        switch (a.k) {
          case 'create': {
            const t = terminals[a.t]!;
            const id = await t.createDraft(
              {
                stationId: station,
                terminalId: t.terminalId,
                serviceItemCode: 'MZ06',
                formId: 'MZ06',
                formVersion: 1,
                channel: 'counter',
                applicant: { name: '测试人', idType: 'resident_id', idNumber: '360121195001011234', phone: '13800000000' },
                formData: exampleFormData(),
              },
              now(a.t),
            );
            apps.push(id);
            await audit(a.t, { action: 'application.create', target: { type: 'application', id }, details: { service: 'MZ06' } });
            break;
          }
          case 'edit': {
            const id = await localApp(a.t, a.app, ['draft', 'supplement_required']);
            if (!id) throw new Noop();
            const t = terminals[a.t]!;
            if (!(await t.app(id))) throw new Noop();
            await t.updateForm(id, { formData: exampleFormData({ bankAccount: `6217000000000${String(a.v % 1e6).padStart(6, '0')}` }) }, now(a.t));
            break;
          }
          case 'submit':
          case 'withdraw': {
            const id = await localApp(a.t, a.app, a.k === 'submit' ? ['draft'] : ['draft', 'supplement_required']);
            if (!id) throw new Noop();
            await terminals[a.t]!.setStatus(id, a.k === 'submit' ? 'submitted' : 'withdrawn', now(a.t));
            await audit(a.t, { action: a.k === 'submit' ? 'application.submit' : 'application.withdraw', target: { type: 'application', id } });
            break;
          }
          case 'submit-invalid': {
            const id = await localApp(a.t, a.app, ['draft']);
            const t = terminals[a.t]!;
            if (!id || (await t.app(id))?.status !== 'draft') throw new Noop();
            await t.updateForm(id, { formData: exampleFormData({ bankAccount: '12' }) }, now(a.t));
            await t.setStatus(id, 'submitted', now(a.t));
            await audit(a.t, { action: 'application.submit', target: { type: 'application', id } });
            break;
          }
          case 'correct': {
            const t = terminals[a.t]!;
            const refused: string[] = [];
            for (const id of await t.appIds(['submitted', 'resubmitted'])) if (await t.openRefusal(id)) refused.push(id);
            if (!refused.length) throw new Noop();
            const id = refused[a.app % refused.length]!;
            await t.saveCorrection(id, { formData: exampleFormData({ bankAccount: `6217000000002${String(a.v % 1e6).padStart(6, '0')}` }) }, now(a.t));
            await audit(a.t, { action: 'application.correct', target: { type: 'application', id } });
            break;
          }
          case 'lookup': {
            // A case the clerk is following (sent, not answered yet), else any of the station's.
            const id = await localApp(a.t, a.app, ['submitted', 'resubmitted']);
            if (!id) throw new Noop();
            // Offline (a cut link, a revoked token) the search fails and says so; the invariants check that nothing changed.
            if ((await terminals[a.t]!.lookupOlder(id).catch(() => -1)) < 0) throw new Noop();
            break;
          }
          case 'resubmit': {
            const id = await localApp(a.t, a.app, ['supplement_required']);
            const t = terminals[a.t]!;
            const doc = id ? await t.app(id) : null;
            if (!id || doc?.status !== 'supplement_required') throw new Noop();
            await t.saveCorrection(id, { formData: exampleFormData({ bankAccount: `6217000000001${String(a.v % 1e6).padStart(6, '0')}` }) }, now(a.t));
            await audit(a.t, { action: 'application.resubmit', target: { type: 'application', id } });
            break;
          }
          case 'attach': {
            const id = await localApp(a.t, a.app, ['draft', 'supplement_required']);
            const t = terminals[a.t]!;
            const doc = id ? await t.app(id) : null;
            if (!id || !doc || (doc.status !== 'draft' && doc.status !== 'supplement_required')) throw new Noop();
            const ref = await t.putAttachment(PDF(a.v), `m${a.v}.pdf`);
            const materials = [...(doc.materials ?? [])].slice(0, 5);
            materials.push({ code: `M${materials.length + 1}`, name: '申请材料', provided: true, origin: 'upload', attachments: [ref] });
            await t.updateForm(id, { materials }, now(a.t));
            await audit(a.t, { action: 'material.attach', target: { type: 'application', id }, details: { material: `M${materials.length}`, mimeType: ref.mimeType, size: ref.size } });
            break;
          }
          case 'office': {
            const candidates = [...(await platformDocs('applications')).values()]
              .filter((d) => (BACK_OFFICE_TRANSITIONS[a.op].from as readonly string[]).includes(String(d.status)))
              .map((d) => String(d.id))
              .sort();
            const id = candidates.length ? candidates[a.app % candidates.length]! : appId(a.app);
            if (!id) throw new Noop();
            const req =
              a.op === 'supplement'
                ? { actor: 'fuzz', reasons: ['请补正银行账号'], dueDate: '2030-01-01', ...(a.flags ? { fields: ['bankAccount'] } : {}) }
                : a.op === 'reject' || a.op === 'approve'
                  ? { actor: 'fuzz', reason: 'fuzz' }
                  : { actor: 'fuzz' };
            try {
              await host.platform.store.backOffice(id, a.op, req);
            } catch (e) {
              if ((e as { code?: string }).code === 'INVALID_TRANSITION' || (e as { code?: string }).code === 'NOT_FOUND') throw new Noop();
              throw e;
            }
            break;
          }
          case 'ticket': {
            // A kiosk issues, a counter calls, serves and finishes: commands the platform's queue decides.
            const t = terminals[a.t]!;
            const queue = new QueueService(host.platform.store); // the platform may have been restarted
            const window = `${1 + (a.n % 2)}`;
            const caller = { stationId: station, terminalId: t.terminalId };
            const mine = (await queue.state(station)).windows.find((w) => w.id === window)?.current ?? null;
            const command =
              a.n % 3 === 0 || (!mine && a.n % 3 === 1)
                ? { type: 'issue' as const, commandId: uuidv7(), category: 'general', priority: a.n % 5 === 0 ? ('elderly' as const) : ('normal' as const) }
                : !mine
                  ? { type: 'call_next' as const, commandId: uuidv7(), window, staffId: 'S002' }
                  : mine.status === 'called'
                    ? { type: 'start' as const, commandId: uuidv7(), ticketId: mine.id, window }
                    : { type: 'finish' as const, commandId: uuidv7(), ticketId: mine.id, window, applicationId: null };
            try {
              await queue.command(caller, command);
            } catch (e) {
              if ((e as { code?: string }).code === 'INVALID_TICKET_STATE') throw new Noop();
              throw e;
            }
            await audit(a.t, { action: `queue.${command.type}`, details: { window } });
            break;
          }
          case 'evaluate': {
            const t = terminals[a.t]!;
            if (!collectionsOf[a.t]!.includes('evaluations')) throw new Noop();
            const at = now(a.t).toISOString();
            await t.insertEvaluation({ id: uuidv7(), _deleted: false, updatedAt: at, stationId: station, level: 4, indicators: [], reasons: [], comment: '', channel: 'kiosk', applicationId: null, ticketId: null, staffId: null, serviceItemCode: null, createdAt: at });
            await audit(a.t, { action: 'evaluation.counter', details: { level: 4 } });
            break;
          }
          case 'fault':
            if (revoked.has(a.t)) throw new Noop();
            // Only the in-process bridge can hold and reorder answers or send a push twice.
            if ((a.fault === 'reorder' || a.fault === 'duplicate') && !terminals[a.t]!.bridgeFaults) throw new Noop();
            setFault(a.t, a.fault);
            break;
          case 'sse-drop':
            proxies[a.t]!.reset();
            break;
          case 'restart':
            await terminals[a.t]!.restart();
            break;
          case 'platform-restart':
            await host.restart();
            break;
          case 'clock':
            clock[a.t] = a.days * 86_400_000;
            break;
          case 'revoke':
            if (revoked.has(a.t)) throw new Noop();
            await host.platform.store.revokeTerminal(terminals[a.t]!.terminalId);
            revoked.add(a.t);
            break;
          case 'pause':
            await new Promise((r) => setTimeout(r, a.ms));
            break;
          case 'quiesce': {
            quiescentPoints++;
            const v = await quiesce();
            if (v.length) {
              for (const x of v) violations.push({ ...x, detail: `after step ${step}: ${x.detail}` });
              took(a.k, actionStarted);
              return { violations, applied, quiescentPoints, apps: apps.length, auditEvents: audited.length, refusals: refusalsSeen, timings };
            }
            break;
          }
        }
      } catch (e) {
        if (!(e instanceof Noop) && !isExpectedLocalRefusal(e)) throw e;
        did = false;
      }
      took(a.k, actionStarted);
      if (did) applied++;
      if ('t' in a && a.t >= o.terminals) log(`step ${step}: ${a.k} on terminal ${a.t} (in the app): ${did ? 'applied' : 'no-op'}`);
    }
    return { violations, applied, quiescentPoints, apps: apps.length, auditEvents: audited.length, refusals: refusalsSeen, timings };
  } finally {
    const teardownStarted = Date.now();
    for (const f of flapping) if (f) clearInterval(f);
    for (const t of terminals) await t.close().catch(() => undefined);
    for (const p of proxies) await p.close().catch(() => undefined);
    took('teardown', teardownStarted);
  }

  /** Faults off, revoked terminals re-enrolled, then wait for the terminals to settle and check. */
  async function quiesce(): Promise<Violation[]> {
    for (const [i, t] of terminals.entries()) {
      if (faultOf[i] !== 'pass') setFault(i, 'pass');
      if (revoked.has(i)) {
        await t.reenroll(await host.platform.createEnrollCode(station));
        revoked.delete(i);
      }
      await t.startSync();
    }
    const limit = (o.quiesceSeconds ?? 30) * 1000;
    const started = Date.now();
    let last: Violation[] = [];
    let round = 0;
    while (Date.now() - started < limit) {
      if (round++ % 4 === 0) for (const t of terminals) t.resync();
      await new Promise((r) => setTimeout(r, 150 + Math.min(round * 50, 600)));
      last = await checkInvariants();
      if (last.length === 0) {
        log(`quiescent after ${Date.now() - started} ms`);
        return [];
      }
    }
    return last;
  }

  /** For a view that differs: where the in-process terminal's pull stands against the document (a skipped pull shows as a checkpoint past its seq). */
  async function replicationState(t: FuzzTerminal | null, c: CollectionName, id: string): Promise<string> {
    const st = t?.replication?.states.get(c);
    const internal = st?.internalReplicationState;
    if (!st || !internal) return '';
    const down = (await getLastCheckpointDoc(internal, 'down')) as { seq?: number } | undefined;
    const assumed = (await getAssumedMasterState(internal, [id]))[id];
    const row = await host.platform.store.db.query<{ seq: string | number }>('SELECT seq FROM documents WHERE collection = $1 AND id = $2', [c, id]);
    return `; replication: pull checkpoint ${down?.seq ?? 'none'}, platform seq ${row[0]?.seq ?? 'none'}, assumed platform state ${assumed ? summary(assumed.docData as Record<string, unknown>) : 'none'}${st.isStopped() ? ', stopped' : ''}`;
  }

  async function platformDocs(collection: CollectionName): Promise<Map<string, Record<string, unknown>>> {
    const rows = await host.platform.store.db.query<{ id: string; data: Record<string, unknown> }>(
      'SELECT id, data FROM documents WHERE collection = $1 AND $2::text = ANY(stations)',
      [collection, station],
    );
    return new Map(rows.map((r) => [r.id, r.data]));
  }

  async function checkInvariants(): Promise<Violation[]> {
    const v: Violation[] = [];
    const onPlatform = new Map<CollectionName, Map<string, Record<string, unknown>>>();
    for (const c of collections) onPlatform.set(c, await platformDocs(c));
    const platformApps = onPlatform.get('applications')!;

    // Open FORM_INVALID refusals per terminal: what the terminal filed and the platform refused.
    const refusals = new Map<number, Map<string, Record<string, unknown>>>();
    /** Each terminal's applications, read once per check (the refusals and the view comparison below). */
    const localApps = new Map<number, Record<string, unknown>[]>();
    for (const [i, t] of terminals.entries()) {
      const mine = new Map<string, Record<string, unknown>>();
      if (!collectionsOf[i]!.includes('applications')) continue;
      const apps = await t.docs('applications');
      localApps.set(i, apps);
      for (const d of apps) {
        const id = String(d.id);
        const copy = await t.openRefusal(id);
        if (copy) mine.set(id, copy);
      }
      refusals.set(i, mine);
      refusalsSeen += mine.size;
    }
    const refusedSomewhere = (id: string) => [...refusals.values()].some((m) => m.has(id));

    // Every application a terminal filed is on the platform (or refused, its copy kept on the
    // terminal until corrected), and nothing else is (ids are unique).
    const filed = new Set(apps);
    for (const id of filed) if (!platformApps.has(id) && !refusedSomewhere(id)) v.push({ invariant: 'acknowledged-on-platform', detail: `application ${id} is not on the platform` });
    for (const id of platformApps.keys()) if (!filed.has(id)) v.push({ invariant: 'exactly-once', detail: `the platform has ${id}, which no terminal filed` });

    for (const [i, t] of terminals.entries()) {
      // Nothing pending.
      const pending = await t.pending();
      if (pending === null) continue;
      if (pending > 0) v.push({ invariant: 'nothing-pending', detail: `terminal ${i}: ${pending} document(s) pending` });
      // The terminal's view equals the platform's, both ways, for every synced collection.
      for (const c of collectionsOf[i]!) {
        const remote = onPlatform.get(c)!;
        const local = (c === 'applications' ? localApps.get(i) : undefined) ?? (await t.docs(c));
        const seen = new Set<string>();
        for (const d of local) {
          const id = String(d.id);
          seen.add(id);
          const p = remote.get(id);
          // A refused submission keeps what the terminal filed until it is corrected, unless the
          // platform moved on meanwhile (then the platform's state is applied as usual).
          const refused = c === 'applications' ? refusals.get(i)?.get(id) : undefined;
          if (refused && (!p || platformUnchangedSinceRefusal(p, refused))) {
            if (d.status !== refused.status) v.push({ invariant: 'refusal-kept', detail: `terminal ${i} ${c}/${id}: refused as ${String(refused.status)}, local ${summary(d)}${p ? `, platform ${summary(p)}` : ''}` });
            continue;
          }
          if (!p) v.push({ invariant: 'view-equals-platform', detail: `terminal ${i} holds ${c}/${id}, the platform does not${await t.quarantined(c, id)}` });
          else if (!sameState(d, p)) v.push({ invariant: 'view-equals-platform', detail: `terminal ${i} ${c}/${id}: local ${summary(d)} ≠ platform ${summary(p)}; members differing: ${differing(d, p).join(', ')}${await replicationState(nodes[i] ?? null, c, id)}${await t.quarantined(c, id)}` });
        }
        for (const id of remote.keys()) if (!seen.has(id)) v.push({ invariant: 'view-equals-platform', detail: `terminal ${i} lacks ${c}/${id}` });
      }
    }

    // Field ownership on the platform: history entries by their owners, platform fields only with their transitions.
    for (const [id, raw] of platformApps) {
      const a = raw as unknown as ApplicationDoc;
      const statuses = a.statusHistory.map((h) => h.status);
      for (const h of a.statusHistory) {
        if (h.by === 'terminal' && !TERMINAL_SETTABLE_STATUSES.includes(h.status)) v.push({ invariant: 'ownership', detail: `${id}: terminal history entry ${h.status}` });
        if (h.by === 'platform' && TERMINAL_SETTABLE_STATUSES.includes(h.status)) v.push({ invariant: 'ownership', detail: `${id}: platform history entry ${h.status}` });
      }
      if (a.statusHistory.at(-1)?.status !== a.status) v.push({ invariant: 'ownership', detail: `${id}: status ${a.status} is not the last history entry` });
      // Received exactly once: one draft entry first, a submission received (synced) once, no resubmission without a 补正.
      const count = (st: string) => statuses.filter((x) => x === st).length;
      if (a.statusHistory[0]?.status !== 'draft' || a.statusHistory[0]?.by !== 'terminal' || count('draft') !== 1) v.push({ invariant: 'exactly-once', detail: `${id}: history does not start with one terminal draft entry: ${statuses.join(' → ')}` });
      if (count('submitted') > 1 || count('synced') !== count('submitted')) v.push({ invariant: 'exactly-once', detail: `${id}: a submission received other than once: ${statuses.join(' → ')}` });
      if (count('resubmitted') > count('supplement_required')) v.push({ invariant: 'exactly-once', detail: `${id}: more resubmissions than 补正 requests: ${statuses.join(' → ')}` });
      if ((a.acceptanceNo !== null) !== statuses.includes('accepted')) v.push({ invariant: 'ownership', detail: `${id}: acceptanceNo without 受理 (or 受理 without it)` });
      if ((a.decision !== null) !== (statuses.includes('approved') || statuses.includes('rejected'))) v.push({ invariant: 'ownership', detail: `${id}: decision without approve/reject` });
      if (a.supplement !== null && !statuses.includes('supplement_required')) v.push({ invariant: 'ownership', detail: `${id}: supplement without 补正` });
      // Referenced attachments are on the platform, complete.
      for (const m of a.materials) {
        for (const ref of m.attachments) {
          const st = await host.platform.store.attachmentStatus(ref.sha256);
          if (!st?.complete) v.push({ invariant: 'attachments-present', detail: `${id} references ${ref.sha256.slice(0, 12)}…, not complete on the platform` });
        }
      }
    }

    // Audit: every event a terminal appended is on the platform (and no other), and each terminal's
    // chain (per terminal id: a re-enrolled terminal starts a new one) verifies there.
    if (collections.includes('audit_events')) {
      const events = onPlatform.get('audit_events')!;
      for (const id of audited) if (!events.has(id)) v.push({ invariant: 'audit-chain', detail: `audit event ${id} is not on the platform` });
      const appended = new Set(audited);
      for (const id of events.keys()) if (!appended.has(id)) v.push({ invariant: 'audit-chain', detail: `the platform has audit event ${id}, which no terminal appended` });
      const chains = new Map<string, AuditEventDoc[]>();
      for (const e of events.values()) {
        const ev = e as unknown as AuditEventDoc;
        const k = ev.terminalId ?? '(none)';
        chains.set(k, [...(chains.get(k) ?? []), ev]);
      }
      for (const [tid, chain] of chains) {
        const r = await verifyChain(chain);
        if (!r.ok) v.push({ invariant: 'audit-chain', detail: `the chain of terminal ${tid} does not verify on the platform (${r.count} events): ${r.breaks.slice(0, 3).map((b) => `${b.reason} at ${b.index}`).join(', ')}` });
      }
    }

    // No resident PII in clear in any file a terminal wrote.
    for (const [i, t] of terminals.entries()) {
      for (const dir of t.dataDirs) for (const file of filesContaining(dir, PII)) v.push({ invariant: 'no-pii-in-files', detail: `terminal ${i}: ${file.slice(dir.length)} contains resident data in clear` });
    }
    return v;
  }
}

class Noop extends Error {}

/**
 * The collections each terminal opens (besides its quarantine). RxDB's open-source tier keeps at
 * most 13 collections open per process without stalling (rxdb NON_PREMIUM_COLLECTION_LIMIT), so
 * every terminal has applications and queue tickets, and evaluations and audit events go to some:
 * 3 terminals: {evaluations, audit}, {audit}, {evaluations}; 4 terminals: audit events on the first.
 */
export function fuzzCollections(terminals: number): CollectionName[][] {
  const base: CollectionName[] = ['applications', 'queue_tickets'];
  const extra: CollectionName[][] = terminals <= 3 ? [['evaluations', 'audit_events'], ['audit_events'], ['evaluations']] : [['audit_events']];
  return Array.from({ length: terminals }, (_, i) => [...base, ...(extra[i] ?? [])]);
}

/** Why the platform refused a document, when the terminal quarantined it (for the violation's detail). */
async function quarantined(t: FuzzTerminal, c: CollectionName, id: string): Promise<string> {
  const q = await t.db.sync_quarantine.findOne(quarantineKey(c, id)).exec();
  return q ? ` (quarantined ${q.state}: ${q.code} ${q.message.slice(0, 200)})` : '';
}

/** Local refusals the UI would show (an action that does not fit the document's state): a no-op here. */
function isExpectedLocalRefusal(e: unknown): boolean {
  const m = e instanceof Error ? e.message : '';
  return /cannot move an application|can't be edited on the terminal|no such application|only the form and the materials/.test(m);
}

function summary(d: Record<string, unknown>): string {
  const a = d as { status?: unknown; statusHistory?: unknown[]; formData?: { bankAccount?: unknown }; materials?: unknown[] };
  return JSON.stringify({ status: a.status, history: a.statusHistory?.length, bank: a.formData?.bankAccount, materials: a.materials?.length });
}

function differing(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !['_rev', '_meta', '_attachments'].includes(k)));
  return [...keys].filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null));
}

/**
 * The files under `dir` that contain any of `needles` in clear. The terminal keeps running while this
 * looks (its uploader deletes an attachment once the platform confirms it, an atomic write renames its
 * temp file), so a file listed and gone before it is read is skipped: it holds nothing any more, and
 * a renamed file is read under its new name. Seed 500204's "run threw ENOENT" was this race in the
 * check itself, not a terminal defect.
 */
export function filesContaining(dir: string, needles: readonly string[], list: (dir: string) => string[] = walk): string[] {
  const found: string[] = [];
  for (const file of list(dir)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if (needles.some((s) => bytes.includes(Buffer.from(s)))) found.push(file);
  }
  return found;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    try {
      const st = statSync(p);
      if (st.isDirectory()) out.push(...walk(p));
      else if (st.isFile()) out.push(p); // not sockets, pipes (a browser profile has both)
    } catch {
      /* removed meanwhile */
    }
  }
  return out;
}

// ------------------------------------------------------------------ shrinking

/**
 * Delta debugging over the action list: drop chunks (halves, quarters, … single actions) while the
 * run still violates an invariant; `attempts` runs per candidate (timing varies between runs).
 */
export async function shrink(fails: (actions: Action[]) => Promise<boolean>, actions: Action[], budget: { runs: number }): Promise<Action[]> {
  let cur = actions.filter((a) => a.k !== 'quiesce');
  let chunk = Math.max(1, Math.floor(cur.length / 2));
  while (chunk >= 1 && budget.runs > 0) {
    let removed = false;
    for (let start = 0; start < cur.length && budget.runs > 0; start += chunk) {
      const candidate = [...cur.slice(0, start), ...cur.slice(start + chunk)];
      if (candidate.length === cur.length) continue;
      budget.runs--;
      if (await fails([...candidate, { k: 'quiesce' }])) {
        cur = candidate;
        removed = true;
        start -= chunk;
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return [...cur, { k: 'quiesce' }];
}
