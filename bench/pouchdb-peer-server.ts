/**
 * The peer of bench/sync-peer.bench.ts: express-pouchdb 4 (the CouchDB replication protocol over
 * HTTP) on PouchDB 9 with the memory adapter, on 127.0.0.1 at a free port. Run as a child process
 * (its own core, as `platform serve` is): prints `READY <url>`; SIGTERM stops it.
 * `minimumForPouchDB` mode: what PouchDB's replication needs, no config or log files written.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import PouchDB from 'pouchdb';
import memory from 'pouchdb-adapter-memory';
import expressPouchDB from 'express-pouchdb';

const InMemory = PouchDB.plugin(memory).defaults({ adapter: 'memory' });
const server = createServer(expressPouchDB(InMemory, { mode: 'minimumForPouchDB' }));
server.listen(0, '127.0.0.1', () => {
  console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
