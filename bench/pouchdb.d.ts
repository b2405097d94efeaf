// Types for the part of PouchDB 9, its memory adapter and express-pouchdb 4 that the peer
// comparison bench uses (bench/sync-peer.bench.ts, bench/pouchdb-peer-server.ts). The packages ship
// no types; these cover only what is called here.

declare module 'pouchdb' {
  namespace PouchDB {
    interface Doc {
      _id: string;
      _rev?: string;
      [member: string]: unknown;
    }
    interface WriteResult {
      ok?: boolean;
      id?: string;
      rev?: string;
      error?: string;
      reason?: string;
    }
    interface Info {
      db_name: string;
      doc_count: number;
      update_seq: number | string;
    }
    interface ReplicationResult {
      ok: boolean;
      status: string;
      docs_read: number;
      docs_written: number;
      doc_write_failures: number;
      errors: unknown[];
    }
    interface ReplicateOptions {
      /** Documents per batch (PouchDB's default 100). */
      batch_size?: number;
      /** Batches read ahead (default 10). */
      batches_limit?: number;
    }
    /** A one-shot replication: a promise of its result that can be cancelled. */
    interface Replication extends PromiseLike<ReplicationResult> {
      cancel(): void;
    }
    interface Database {
      readonly name: string;
      bulkDocs(docs: Doc[]): Promise<WriteResult[]>;
      info(): Promise<Info>;
      destroy(): Promise<unknown>;
      close(): Promise<void>;
      replicate: {
        to(target: string | Database, options?: ReplicateOptions): Replication;
        from(source: string | Database, options?: ReplicateOptions): Replication;
      };
    }
    interface DatabaseOptions {
      adapter?: string;
    }
    /** An adapter or other plugin (`PouchDB.plugin`). */
    type Plugin = (pouch: Static) => void;
    interface Static {
      new (name: string, options?: DatabaseOptions): Database;
      plugin(plugin: Plugin): Static;
      defaults(options: DatabaseOptions): Static;
    }
  }
  const PouchDB: PouchDB.Static;
  export = PouchDB;
}

declare module 'pouchdb-adapter-memory' {
  import type PouchDB from 'pouchdb';
  const memory: PouchDB.Plugin;
  export = memory;
}

declare module 'express-pouchdb' {
  import type { RequestListener } from 'node:http';
  import type PouchDB from 'pouchdb';
  /** The CouchDB HTTP API over `pouch`'s databases: an express app (a plain request listener). */
  function expressPouchDB(pouch: PouchDB.Static, options?: { mode?: 'minimumForPouchDB' | 'fullCouchDB'; inMemoryConfig?: boolean }): RequestListener;
  export = expressPouchDB;
}
