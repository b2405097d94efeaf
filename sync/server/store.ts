// One object over the platform's modules, for callers that want the whole platform at hand (the
// station hub, the CLI, seeding, tests, fuzz and bench): each member is a module's repository over the
// one shared database, and the methods below delegate to them. The logic and SQL live in the modules:
//   db/documents.ts          the documents table, positions (no write lock), change notices
//   replication/             pull and push (terminal rules, compare-and-set)
//   terminals/               enrollment codes, enrollment, tokens, the ID hash key
//   staff/                   PINs and staff login
//   attachments/             resumable, per-station attachments
//   backoffice/decisions.ts  accept (受理号), supplement, decide
import type { BackOfficeAction, BackOfficeActionRequest, Checkpoint, CollectionName, PushResponse, ApplicationDoc } from '../protocol/index';
import { Attachments, type AttachmentCaller, type PartialUploadPolicy } from './attachments/repository';
import { Decisions } from './backoffice/decisions';
import type { Database, Queryable } from './db/driver';
import { Documents, isCollection } from './db/documents';
import { Replication, type Writer } from './replication/repository';
import type { RuleOptions } from './rules';
import { StaffAccounts } from './staff/repository';
import { Terminals } from './terminals/repository';
import { PlatformExchange, TongbanRouter, type TongbanExchange } from './tongban';

export class Store {
  readonly documents: Documents;
  readonly terminals: Terminals;
  readonly replication: Replication;
  readonly decisions: Decisions;
  readonly staff: StaffAccounts;
  readonly attachments: Attachments;

  /** 通办: the adapter that takes routed applications (sync/server/tongban.ts); an integrator replaces it. */
  tongbanExchange: TongbanExchange = new PlatformExchange();
  /** Called when the exchange refuses a route (kept as failed, tried again); the app logs it. */
  onTongbanError: (e: unknown, applicationId: string) => void = () => undefined;
  readonly tongban: TongbanRouter;

  constructor(
    readonly db: Database,
    /** How terminal writes are decided (a station hub holds submissions for the province). */
    readonly rules: RuleOptions = {},
    /** The back office's clock (decisions, the 受理号's day); default the system clock. */
    now: () => Date = () => new Date(),
  ) {
    this.tongban = new TongbanRouter(db, () => this.tongbanExchange, (e, id) => this.onTongbanError(e, id));
    this.documents = new Documents(db);
    this.terminals = new Terminals(db, this.documents);
    this.replication = new Replication(db, rules, this.tongban, () => this.terminals.idHashKey());
    this.decisions = new Decisions(db, this.documents, now);
    this.staff = new StaffAccounts(db, this.documents);
    this.attachments = new Attachments(db);
  }

  get counters() {
    return this.replication.counters;
  }

  // replication and documents
  pull(collection: CollectionName, since: Checkpoint, limit: number, stationId: string | null) {
    return this.replication.pull(collection, since, limit, stationId);
  }
  push(collection: CollectionName, rows: Parameters<Replication['push']>[1], writer: Writer): Promise<PushResponse> {
    return this.replication.push(collection, rows, writer);
  }
  writeInTransaction(tx: Queryable, collection: CollectionName, docs: Record<string, unknown>[]): Promise<number> {
    return this.documents.writeInTransaction(tx, collection, docs);
  }
  upsertAsPlatform(collection: CollectionName, docs: Record<string, unknown>[], batchSize?: number): Promise<number> {
    return this.documents.upsertAsPlatform(collection, docs, batchSize);
  }
  withPlatformWrites<T>(collection: CollectionName, fn: (tx: Queryable, write: (docs: Record<string, unknown>[]) => Promise<Map<string, number>>) => Promise<T>): Promise<T> {
    return this.documents.withPlatformWrites(collection, fn);
  }
  getDocument(collection: CollectionName, id: string): Promise<Record<string, unknown> | null> {
    return this.documents.get(collection, id);
  }
  countDocuments(collection: CollectionName): Promise<number> {
    return this.documents.count(collection);
  }
  isCollection(name: string): name is CollectionName {
    return isCollection(name);
  }

  // back office
  listApplications(filter: { status?: string; stationId?: string; limit?: number }): Promise<ApplicationDoc[]> {
    return this.decisions.listApplications(filter);
  }
  backOffice(id: string, action: BackOfficeAction, request: BackOfficeActionRequest, allowedFrom?: readonly ApplicationDoc['status'][]): Promise<ApplicationDoc> {
    return this.decisions.decide(id, action, request, allowedFrom);
  }

  // terminals
  createEnrollCode(stationId: string, ttlMinutes?: number) {
    return this.terminals.createEnrollCode(stationId, ttlMinutes);
  }
  enroll(code: string, label: string | undefined, kind?: 'terminal' | 'station_hub') {
    return this.terminals.enroll(code, label, kind);
  }
  idHashKey(): Promise<string> {
    return this.terminals.idHashKey();
  }
  normalizeIdHashes(): Promise<number> {
    return this.terminals.normalizeIdHashes();
  }
  adoptIdHashKey(key: string): Promise<boolean> {
    return this.terminals.adoptIdHashKey(key);
  }
  terminalByToken(token: string) {
    return this.terminals.terminalByToken(token);
  }
  revokeTerminal(terminalId: string): Promise<boolean> {
    return this.terminals.revokeTerminal(terminalId);
  }

  // staff
  setStaffPin(staffId: string, pin: string) {
    return this.staff.setStaffPin(staffId, pin);
  }
  staffLogin(staffId: string, pin: string, stationId: string) {
    return this.staff.staffLogin(staffId, pin, stationId);
  }

  // attachments
  attachmentReadable(hash: string, stationId: string | null, q?: Queryable): Promise<boolean> {
    return this.attachments.readable(hash, stationId, q);
  }
  attachmentStatus(hash: string, caller?: AttachmentCaller) {
    return this.attachments.status(hash, caller);
  }
  appendAttachment(hash: string, offset: number, data: Buffer, total: number | null, maxBytes: number, caller?: AttachmentCaller, policy?: PartialUploadPolicy) {
    return this.attachments.append(hash, offset, data, total, maxBytes, caller, policy);
  }
  partialUploads(caller?: AttachmentCaller) {
    return this.attachments.partialUploads(caller);
  }
  readAttachment(hash: string): AsyncGenerator<Buffer> {
    return this.attachments.read(hash);
  }
}
