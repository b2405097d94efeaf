/**
 * The main-side handler table: the single place where calls from any renderer are accepted.
 *
 * For every call it: refuses names not in the contract, checks the sender (origin / frame URL
 * and role), refuses clerk work without an active staff session (`requiresStaff`), validates the
 * input with the contract's zod schema, runs the handler under a timeout, validates the output,
 * and answers with an envelope `{ok, value | error}`. It never throws. Both the Electron IPC
 * registration and the browser host's WebSocket use it.
 */
import type { z } from 'zod';
import { calls, isCallName, type CallName, type CallOutput, type Envelope, type ParsedCallInput, type Role, type BridgeErrorShape } from '../../preload/contract';
import { StaffSession, type SignedInStaff } from '../../preload/contract/clerk-calls';
import type { StaffGateCode } from '../../preload/contract/spec';
import { can, rolesWith, type Capability } from '../../preload/contract/permissions';
import type { Logger } from './log';

/** Who is calling: established by the transport (Electron sender frame, or the WebSocket session). */
export interface CallerContext {
  /** Origin of the calling page as the transport saw it (e.g. `app://terminal`, `http://127.0.0.1:4310`). */
  readonly origin: string;
  /** The role of the window/page that calls. */
  readonly role: Role;
  /** Opaque id of the window or connection (for logs and per-window state). */
  readonly senderId: string;
  /**
   * Who is signed in, from main's staff session: set by the dispatcher for `requiresStaff` calls
   * from the clerk window. Handlers attribute work to this, never to an id the page sends.
   */
  readonly staff?: SignedInStaff;
}

/** A handler: receives the validated input; its result is validated against the output schema. */
export type Handler<N extends CallName> = (input: ParsedCallInput<N>, ctx: CallerContext) => Promise<CallOutput<N>> | CallOutput<N>;
export type HandlerTable = { [N in CallName]: Handler<N> };
/** The handlers of one feature area: exactly the calls of one contract file (e.g. `typeof syncCalls`). */
export type HandlerGroup<G> = { [N in keyof G & CallName]: Handler<N> };

/** An error a handler may throw to answer with its own code (SCREAMING_SNAKE) and message. */
export class HandlerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Chinese text for people (optional; handlers whose words are not in the catalogue yet). */
    readonly userMessage?: string,
    /** Names and numbers the renderer's catalogue (`errors.<code>`) needs to say it. */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'HandlerError';
  }
}

export interface DispatcherOptions {
  handlers: HandlerTable;
  /** Returns true when calls from this origin are accepted. */
  isOriginAllowed: (origin: string) => boolean;
  /** Default timeout when the contract names none. */
  defaultTimeoutMs?: number;
  /**
   * Main's clerk session, asked before every `requiresStaff` call from role `clerk`. Default: the
   * table's own `staff.session` handler (main/staff/feature.ts holds the session), so every
   * transport enforces the same rule without extra wiring. A missing or failing answer refuses.
   */
  staffSession?: (ctx: CallerContext) => Promise<StaffSession> | StaffSession;
  log?: Logger;
}

export type Dispatch = (ctx: CallerContext, name: unknown, input: unknown) => Promise<Envelope>;

const fail = (code: BridgeErrorShape['code'], message: string, issues?: BridgeErrorShape['issues']): Envelope => ({
  ok: false,
  error: issues ? { code, message, issues } : { code, message },
});

/** Why a `requiresStaff` call is refused (English for logs and APIs; the words for people are the catalogue's `errors.<code>`). */
const STAFF_GATE: Record<StaffGateCode, string> = {
  NOT_SIGNED_IN: 'a staff member must be signed in for this call',
  STAFF_LOCKED: 'the staff session is locked; unlock it with the PIN first',
};

/** A `requiresCapability` call from a role without it: the role and the roles that may, as codes. */
const roleForbidden = (name: string, staff: SignedInStaff, capability: Capability): Envelope => ({
  ok: false,
  error: {
    code: 'ROLE_FORBIDDEN',
    message: `call ${name} needs the ${capability} capability, which role ${staff.role} does not have`,
    params: { role: staff.role, roles: rolesWith(capability).join(',') },
  },
});

const issuesOf = (error: z.ZodError): NonNullable<BridgeErrorShape['issues']> =>
  error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));

export function createDispatcher(options: DispatcherOptions): Dispatch {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 15_000;
  const log = options.log;
  const staffSession = options.staffSession ?? ((ctx: CallerContext) => options.handlers['staff.session'](undefined, ctx));

  /** The signed-in staff member when the session allows clerk work, else the refusal code. */
  async function staffGate(ctx: CallerContext): Promise<SignedInStaff | StaffGateCode> {
    let session: StaffSession;
    try {
      session = StaffSession.parse(await staffSession(ctx));
    } catch {
      return 'NOT_SIGNED_IN';
    }
    if (session.state === 'signed-out' || !session.staff) return 'NOT_SIGNED_IN';
    return session.state === 'active' ? session.staff : 'STAFF_LOCKED';
  }

  return async (ctx, name, input) => {
    if (!options.isOriginAllowed(ctx.origin)) {
      log?.warn('bridge.refused', { reason: 'origin', origin: ctx.origin.slice(0, 100) });
      return fail('FORBIDDEN', 'calls from this origin are not accepted');
    }
    if (!isCallName(name)) {
      log?.warn('bridge.refused', { reason: 'unknown-call', name: typeof name === 'string' ? name.slice(0, 100) : typeof name });
      return fail('UNKNOWN_CALL', `unknown call: ${typeof name === 'string' ? name.slice(0, 100) : String(typeof name)}`);
    }
    const spec = calls[name];
    const roles = (spec as { roles?: readonly Role[] }).roles;
    if (roles && !roles.includes(ctx.role)) {
      log?.warn('bridge.refused', { reason: 'role', name, role: ctx.role });
      return fail('FORBIDDEN', `call ${name} is not allowed for role ${ctx.role}`);
    }
    // Who is signed in comes from main's session only, never from what reached the dispatcher.
    const { staff: _untrusted, ...transport } = ctx;
    let caller: CallerContext = transport;
    const capability = (spec as { requiresCapability?: Capability }).requiresCapability;
    if (((spec as { requiresStaff?: boolean }).requiresStaff || capability) && ctx.role === 'clerk') {
      const gate = await staffGate(ctx);
      if (typeof gate === 'string') {
        log?.warn('bridge.refused', { reason: 'staff-session', name, code: gate });
        return { ok: false, error: { code: gate, message: STAFF_GATE[gate] } };
      }
      if (capability && !can(gate.role, capability)) {
        log?.warn('bridge.refused', { reason: 'staff-role', name, role: gate.role, capability });
        return roleForbidden(name, gate, capability);
      }
      caller = { ...ctx, staff: gate };
    }
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      log?.warn('bridge.invalid-input', { name, issues: parsed.error.issues.length });
      return fail('INVALID_INPUT', `invalid input for ${name}`, issuesOf(parsed.error));
    }
    const handler = options.handlers[name] as Handler<CallName> | undefined;
    if (typeof handler !== 'function') return fail('UNKNOWN_CALL', `no handler for ${name}`);

    const timeoutMs = (spec as { timeoutMs?: number }).timeoutMs ?? defaultTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    try {
      const output = await Promise.race([
        Promise.resolve().then(() => handler(parsed.data as never, caller)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimeoutError()), timeoutMs);
        }),
      ]);
      const checked = spec.output.safeParse(output);
      if (!checked.success) {
        log?.error('bridge.invalid-output', { name, issues: checked.error.issues.length });
        return fail('INVALID_OUTPUT', `handler for ${name} returned an invalid result`);
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof TimeoutError) {
        log?.warn('bridge.timeout', { name, timeoutMs });
        return fail('TIMEOUT', `${name} did not answer within ${timeoutMs} ms`);
      }
      if (error instanceof HandlerError) {
        log?.info('bridge.handler-error', { name, code: error.code });
        const envelope = fail(error.code, error.message);
        if (!envelope.ok && error.userMessage) envelope.error.userMessage = error.userMessage;
        if (!envelope.ok && error.params) envelope.error.params = error.params;
        return envelope;
      }
      // Unknown failures: log the error class only; messages may carry personal data.
      log?.error('bridge.handler-failed', { name, error: error instanceof Error ? error.name : typeof error, ms: Date.now() - started });
      return fail('HANDLER_FAILED', `${name} failed`);
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
}

class TimeoutError extends Error {}
