// Where `terminal/no-han-literal` applies (eslint.config.js) and where it does not yet.
//
// EXEMPT: places where Chinese text is the point and stays — the catalogues themselves, the
// document and receipt templates (legal text is Chinese only), reference and seed data, search
// data over Chinese names, and test / tooling code that feeds Chinese input.
export const HAN_EXEMPT = [
  // tests, benches, fuzzing, dev scripts: they feed and check Chinese text
  '**/*.test.ts',
  '**/*-test-data.ts',
  'e2e/**',
  'bench/**',
  'fuzz/**',
  'scripts/**',
  '**/test/**',
  // document and receipt templates; legal text of documents
  'main/documents/templates.ts',
  'devices/escpos/templates.ts',
  'devices/protocol/hall-texts.ts', // what the hall's speaker, LED strip and evaluator say: Chinese only
  'renderer/clerk/letters.ts',
  'preload/contract/document-rows.ts',
  'sync/server/e-licences/render.ts',
  // reference, seed and example data
  'sync/server/seed/**',
  'sync/server/e-licences/demo.ts',
  'sync/protocol/examples.ts',
  // 好差评 indicator names are the stored and reported values (../shared/specs/queue-and-evaluation.md)
  'sync/protocol/evaluation-values.ts',
  'sync/protocol/forms/example-form.ts',
  'devices/idcard/code-tables.ts',
  'devices/emulators/**',
  'renderer/db/fixtures.ts',
  // stored RxDB schema titles: part of the schema hash existing stores were created with (DB6 otherwise)
  'renderer/db/schema-titles.ts',
  // search over Chinese service names: abbreviations and synonyms are data
  'renderer/catalog/search.ts',
];

