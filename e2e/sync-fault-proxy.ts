// The TCP fault proxy now lives with the platform's test helpers (shared by unit, integration and e2e tests).
export * from '../sync/server/test/fault-proxy';
