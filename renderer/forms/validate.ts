// The forms validator lives in sync/protocol/forms/validate.ts: the platform validates submitted
// applications with the very same module. Re-exported here so the renderer's forms keep one import.
export * from '../../sync/protocol/forms/validate';
