// Demo seed data the terminal's own config needs (kept apart from demo.ts so main/core/config.ts
// does not pull the seeding code in). Chinese on purpose: it is the demo station's name as printed
// on documents and shown on screens, data rather than UI words (seed data is exempt from
// `terminal/no-han-literal`, scripts/eslint-rules/han-literal-scope.mjs).

/** The station name a terminal uses until its config names one (the demo setup). */
export const DEMO_STATION_NAME = '演示便民服务站';
