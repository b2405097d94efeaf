// The sync protocol between terminals and the provincial platform (see ../README.md).
// Imported by the renderer too: zod and pure TypeScript only, no Node built-ins.
export * from './common';
export * from './status';
export * from './documents';
export * from './api';
export * from './canonical';
export * from './uuidv7';
export * from './examples';
export * from './forms/validate';
export * from './mask';
export * from './station-time';
export * from './time-limit';
export * from './progress-code';
export * from './id-type';
export * from './queue';
export * from './tongban';
