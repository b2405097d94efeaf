// The fuzzer's actions: what a seed's list and a replay file (`npm run fuzz -- --replay FILE`) are
// made of. Types and the list of kinds only, so the CLI can check its arguments before it loads the
// platform, RxDB and the terminals (./fuzzer).
import type { BackOfficeAction } from '../sync/protocol';

export type Fault = 'pass' | 'delay' | 'cut' | 'reorder' | 'duplicate';
export type OfficeOp = Extract<BackOfficeAction, 'accept' | 'review' | 'supplement' | 'approve' | 'reject' | 'complete'>;

export type Action =
  | { k: 'create'; t: number }
  | { k: 'edit'; t: number; app: number; v: number }
  | { k: 'submit'; t: number; app: number }
  /** Submit a draft whose form the platform refuses (FORM_INVALID: a bank account too short). */
  | { k: 'submit-invalid'; t: number; app: number }
  /** Correct a refused submission (the form editor of the case: saveCorrection). */
  | { k: 'correct'; t: number; app: number; v: number }
  /** The clerk's search of older cases: the platform's state of one application, fetched by id. */
  | { k: 'lookup'; t: number; app: number }
  | { k: 'withdraw'; t: number; app: number }
  | { k: 'resubmit'; t: number; app: number; v: number }
  | { k: 'attach'; t: number; app: number; v: number }
  | { k: 'office'; op: OfficeOp; app: number; flags: boolean }
  | { k: 'ticket'; t: number; n: number }
  | { k: 'evaluate'; t: number }
  | { k: 'fault'; t: number; fault: Fault }
  | { k: 'sse-drop'; t: number }
  | { k: 'restart'; t: number }
  | { k: 'platform-restart' }
  | { k: 'clock'; t: number; days: number }
  | { k: 'revoke'; t: number }
  | { k: 'pause'; ms: number }
  | { k: 'quiesce' };

/** Every action kind, checked against `Action` both ways (a replay file is read against it). */
export const ACTION_KINDS = [
  'create', 'edit', 'submit', 'submit-invalid', 'correct', 'lookup', 'withdraw', 'resubmit', 'attach', 'office', 'ticket',
  'evaluate', 'fault', 'sse-drop', 'restart', 'platform-restart', 'clock', 'revoke', 'pause', 'quiesce',
] as const satisfies readonly Action['k'][];
type UnlistedKind = Exclude<Action['k'], (typeof ACTION_KINDS)[number]>;
const allKindsListed: [UnlistedKind] extends [never] ? true : UnlistedKind = true;
void allKindsListed;

