// Records the terminal store's schemas (renderer/db/schemas.ts, with the earlier versions of
// renderer/db/migrations.ts) in renderer/db/schema-snapshot.json, which renderer/db/schemas.test.ts
// compares with. Run after a deliberate schema change: `npx tsx scripts/schema-snapshot.ts`.
// Refuses to record a changed schema whose version did not move (an existing store would not open).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_SCHEMAS } from '../renderer/db/schemas';
import { EARLIER_SCHEMAS } from '../renderer/db/migrations';

const file = fileURLToPath(new URL('../renderer/db/schema-snapshot.json', import.meta.url));
const before = JSON.parse(readFileSync(file, 'utf8')) as { current: Record<string, { version: number }> };
const now = { current: ALL_SCHEMAS, earlier: EARLIER_SCHEMAS };
for (const [name, schema] of Object.entries(now.current)) {
  const was = before.current[name];
  if (was && was.version === schema.version && JSON.stringify(was) !== JSON.stringify(schema)) {
    process.stderr.write(`${name}: the schema changed but its version is still ${schema.version}: bump it and add a migration first\n`);
    process.exit(1);
  }
}
writeFileSync(file, JSON.stringify(now, null, 2) + '\n');
process.stdout.write(`schema snapshot: ${Object.keys(now.current).length} collections recorded in ${file}\n`);
