/**
 * The 授权委托书's 受托人 rows, filled in main.
 *
 * A written authorization must name the 受托人（代办员）with 姓名、身份证号、联系方式 (domain:
 * 代办委托书). Staff ID numbers and phones stay in main (main/staff/cache.ts; the renderer's staff
 * documents never carry them), so the page cannot write them. Instead the page's spec for kind
 * `authorization-letter` (renderer/clerk/letters.ts) carries, in its `fields` block, the rows
 *
 *   受托人（代办员）  <anything>   → main writes `<name>（工号 <id>）` of the signed-in staff member
 *   受托人身份证号    ''           → main writes that person's ID number from its cache
 *   受托人联系电话    ''           → main writes that person's phone from its cache
 *
 * each exactly once, the last two empty. The person is always `caller.staff`, the one signed in to
 * main's session for this call; nothing the page sends names them. When the cache does not know a
 * value, the row gets a blank line to fill in by hand. A spec without the rows, with a value in a
 * marker row (the page never has one to give), or with marker rows in any other kind is refused.
 */
import type { SignedInStaff } from '../../preload/contract/clerk-calls';
import { AGENT_ID_ROW, AGENT_PHONE_ROW, AGENT_ROW, AUTHORIZATION_KIND } from '../../preload/contract/kiosk-calls';
import type { AgentContact } from '../staff/cache';
import type { Block, DocumentSpec } from './pdf';
import { agentRowText } from './templates';

/** What a row shows when main does not know the value: a line to write on. */
export const BLANK_LINE = '________________________';

const MAIN_FILLED = [AGENT_ROW, AGENT_ID_ROW, AGENT_PHONE_ROW] as const;
/** Rows the page marks and must leave empty. */
const VALUE_FREE = new Set<string>([AGENT_ID_ROW, AGENT_PHONE_ROW]);

/** English names of the rows, for messages and logs. */
const ROW_NAME: Record<string, string> = { [AGENT_ROW]: 'agent', [AGENT_ID_ROW]: 'agent ID number', [AGENT_PHONE_ROW]: 'agent phone' };
const rowName = (label: string) => `the ${ROW_NAME[label] ?? 'unknown'} row (${label})`;

export class AuthorizationSpecError extends Error {
  constructor(
    /** For logs: why the spec was refused. */
    readonly reason: 'rows-missing' | 'value-given' | 'rows-in-other-kind',
    message: string,
  ) {
    super(message);
    this.name = 'AuthorizationSpecError';
  }
}

const norm = (label: string) => label.trim();

/** How many rows in the spec carry each main-filled label. */
function countMarkers(spec: DocumentSpec): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of spec.blocks) if (b.kind === 'fields') for (const r of b.rows) if ((MAIN_FILLED as readonly string[]).includes(norm(r.label))) counts.set(norm(r.label), (counts.get(norm(r.label)) ?? 0) + 1);
  return counts;
}

/**
 * Refuses the 受托人 marker rows in a document that is not an authorization letter (they would
 * print blank or look filled by main).
 */
export function assertNoAgentMarkers(kind: string, spec: DocumentSpec): void {
  if (kind === AUTHORIZATION_KIND) return;
  const found = [...countMarkers(spec).keys()].filter((l) => VALUE_FREE.has(l));
  if (found.length) throw new AuthorizationSpecError('rows-in-other-kind', `${found.map(rowName).join(' and ')} only belong in kind ${AUTHORIZATION_KIND}`);
}

/**
 * The letter with the 受托人 rows written by main for `staff` (the signed-in person) and what main's
 * cache knows about them. Throws AuthorizationSpecError for a spec that does not mark the rows as
 * described above.
 */
export function fillAgentRows(spec: DocumentSpec, staff: Pick<SignedInStaff, 'id' | 'name'>, contact: AgentContact): DocumentSpec {
  const counts = countMarkers(spec);
  for (const label of MAIN_FILLED) {
    const n = counts.get(label) ?? 0;
    if (n !== 1) throw new AuthorizationSpecError('rows-missing', `an authorization letter needs exactly one ${rowName(label)} in its fields (found ${n})`);
  }
  const value = (label: string, given: string): string => {
    if (VALUE_FREE.has(label) && given !== '') throw new AuthorizationSpecError('value-given', `${rowName(label)} must be empty: main fills it from the signed-in staff member`);
    if (label === AGENT_ROW) return agentRowText(staff.name, staff.id);
    if (label === AGENT_ID_ROW) return contact.idNumber ?? BLANK_LINE;
    return contact.phone ?? BLANK_LINE;
  };
  const blocks: Block[] = spec.blocks.map((b) =>
    b.kind !== 'fields'
      ? b
      : { ...b, rows: b.rows.map((r) => ((MAIN_FILLED as readonly string[]).includes(norm(r.label)) ? { label: norm(r.label), value: value(norm(r.label), r.value) } : r)) },
  );
  return { ...spec, blocks };
}
