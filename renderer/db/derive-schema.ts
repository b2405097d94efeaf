/**
 * RxDB JSON schemas derived from the protocol's zod documents (sync/protocol/documents.ts), so a
 * replicated collection has one source: the members, their types, nullability and the string and
 * number bounds the protocol states come from zod (`z.toJSONSchema`); what only the store needs is a
 * small overlay per collection (./schemas.ts): title, version, primary key, indexes, encrypted
 * members, the required list, bounds the protocol expresses otherwise (an enum, a pattern), and the
 * local representation (members main strips, members never null locally, local-only members).
 *
 * The store keeps a coarse shape: nested objects are `{type: 'object'}` and array items carry their
 * type only. What is inside is checked where documents enter — the platform validates every push
 * with the zod document, the terminal every pull — while the store's schema is part of what RxDB
 * hashes and compares on open: a different schema at the same version fails to open (RxDB DB6).
 * ./schemas.test.ts therefore compares every derived schema with a frozen snapshot of the store's
 * schemas (./schema-snapshot.json), so a change in zod shows as a failing test, never as a silent
 * store migration.
 *
 * The derivation refuses what it cannot express faithfully (a string without a bound, a bound wider
 * than the protocol's, an enum value longer than its bound, a required member the protocol lets be
 * absent, an unknown keyword) with an Error naming the collection and member, at module load.
 */
import { z } from 'zod';
import type { RxJsonSchema } from 'rxdb';
import { isoTimestamp, sha256Hex, uuidV7 } from '../../sync/protocol';

type Json = Record<string, unknown>;
/** A top-level member of a store schema (the subset of JSON Schema the store uses). */
export type StoreProperty = Readonly<Json>;

/** What only the store knows about a replicated collection. */
export interface StoreOverlay {
  title: string;
  /** The store's schema version: bump it (and add a strategy in ./migrations.ts) for any change. */
  version: number;
  /** Members the store requires, in this order (the order is part of the schema RxDB compares). */
  required: readonly string[];
  indexes?: readonly (string | readonly string[])[];
  /** Members kept as ciphertext at rest (crypto-js); they can't be queried. */
  encrypted?: readonly string[];
  /** `maxLength` of strings the protocol bounds otherwise (an enum, a pattern) or not at all. */
  maxLength?: Readonly<Record<string, number>>;
  /** `maximum` of integers, at most the protocol's (which may be Number.MAX_SAFE_INTEGER). */
  maximum?: Readonly<Record<string, number>>;
  /** Protocol members the renderer never holds (main removes them). */
  omit?: readonly string[];
  /** Members nullable in the protocol but never null locally (`''` stands for null: ./modifiers.ts). */
  notNull?: readonly string[];
  /** Local-only members (derived from the document; never replicated, stripped before a push). */
  localOnly?: Readonly<Record<string, StoreProperty>>;
}

/** Bounds of protocol primitives whose zod type states a format or pattern rather than a length. */
const PRIMITIVE_BOUNDS: readonly (readonly [z.ZodType, number])[] = [
  [isoTimestamp, 40],
  [uuidV7, 36],
  [sha256Hex, 64],
];

function jsonOf(type: z.ZodType): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(type, { io: 'input', unrepresentable: 'throw' }) as Json;
  return rest;
}

let primitiveKeys: Map<string, number> | undefined;
function primitiveBound(def: Json): number | undefined {
  primitiveKeys ??= new Map(PRIMITIVE_BOUNDS.map(([t, n]) => [JSON.stringify(jsonOf(t)), n]));
  return primitiveKeys.get(JSON.stringify(def));
}

const STRING_KEYWORDS = new Set(['type', 'minLength', 'maxLength', 'pattern', 'format', 'enum', 'const']);
const INTEGER_KEYWORDS = new Set(['type', 'minimum', 'maximum']);

/**
 * The store schema of a replicated collection: its zod document's members in the store's coarse
 * shape, with the overlay applied. Throws (naming collection and member) on anything it cannot
 * derive faithfully.
 */
export function storeSchemaFromZod<T>(collection: string, doc: z.ZodType, overlay: StoreOverlay): RxJsonSchema<T> & { required: string[]; properties: Record<string, StoreProperty> } {
  const fail = (member: string, why: string): never => {
    throw new Error(`store schema of ${collection}: member ${member}: ${why}`);
  };
  const json = jsonOf(doc);
  if (json.type !== 'object' || typeof json.properties !== 'object' || json.properties === null) fail('(document)', 'is not an object');
  if (JSON.stringify(json).includes('"$ref"')) fail('(document)', 'uses $ref (register no id on protocol types)');
  const zodProps = json.properties as Record<string, Json>;
  const zodRequired = new Set((json.required as string[] | undefined) ?? []);
  const omit = new Set(overlay.omit ?? []);
  const notNull = new Set(overlay.notNull ?? []);
  const usedMaxLength = new Set<string>();
  const usedMaximum = new Set<string>();

  const property = (member: string, def: Json): StoreProperty => {
    let inner = def;
    let nullable = false;
    if (Array.isArray(def.anyOf)) {
      const parts = def.anyOf as Json[];
      const nonNull = parts.filter((p) => !(p.type === 'null' && Object.keys(p).length === 1));
      if (parts.length !== 2 || nonNull.length !== 1) fail(member, 'anyOf other than "T or null" is not supported');
      inner = nonNull[0]!;
      nullable = !notNull.has(member);
    } else if (notNull.has(member)) fail(member, 'listed as notNull but not nullable in the protocol');
    const type = inner.type;
    const typed = (t: string) => (nullable ? [t, 'null'] : t);
    switch (type) {
      case 'object':
        return { type: typed('object') };
      case 'boolean':
        if (nullable) fail(member, 'a nullable boolean is not supported');
        return { type: 'boolean' };
      case 'array': {
        if (nullable) fail(member, 'a nullable array is not supported');
        const items = inner.items as Json | undefined;
        if (!items || typeof items.type !== 'string') fail(member, 'array items need one type');
        return { type: 'array', items: { type: items!.type } };
      }
      case 'integer': {
        for (const k of Object.keys(inner)) if (!INTEGER_KEYWORDS.has(k)) fail(member, `integer keyword ${k} is not supported`);
        const min = inner.minimum;
        const max = inner.maximum;
        if (typeof min !== 'number' || typeof max !== 'number') fail(member, 'an integer needs a minimum and a maximum');
        const narrowed = overlay.maximum?.[member];
        if (narrowed !== undefined) {
          usedMaximum.add(member);
          if (narrowed > (max as number)) fail(member, `maximum ${narrowed} is wider than the protocol's ${String(max)}`);
          if (narrowed === max) fail(member, `maximum ${narrowed} repeats the protocol's: remove it from the overlay`);
        }
        return { type: typed('integer'), minimum: min, maximum: narrowed ?? max, multipleOf: 1 };
      }
      case 'string': {
        for (const k of Object.keys(inner)) if (!STRING_KEYWORDS.has(k)) fail(member, `string keyword ${k} is not supported`);
        const own = typeof inner.maxLength === 'number' ? inner.maxLength : primitiveBound(inner);
        const given = overlay.maxLength?.[member];
        if (given !== undefined) {
          usedMaxLength.add(member);
          if (own !== undefined) fail(member, `maxLength ${given} given, but the protocol already bounds it (${own})`);
        }
        const bound = own ?? given;
        if (bound === undefined) fail(member, 'a string needs a bound: give maxLength in the overlay');
        const values = Array.isArray(inner.enum) ? (inner.enum as string[]) : typeof inner.const === 'string' ? [inner.const] : [];
        for (const v of values) if (v.length > bound!) fail(member, `enum value ${JSON.stringify(v)} is longer than maxLength ${bound!}`);
        return { type: typed('string'), maxLength: bound };
      }
      default:
        return fail(member, `type ${JSON.stringify(type)} is not supported`);
    }
  };

  const properties: Record<string, StoreProperty> = {};
  for (const [member, def] of Object.entries(zodProps)) {
    if (omit.has(member)) continue;
    properties[member] = property(member, def);
  }
  for (const member of omit) if (!(member in zodProps)) fail(member, 'omitted but not in the protocol');
  for (const member of notNull) if (!(member in zodProps)) fail(member, 'notNull but not in the protocol');
  for (const [member, def] of Object.entries(overlay.localOnly ?? {})) {
    if (member in zodProps) fail(member, 'local-only but also in the protocol');
    properties[member] = def;
  }
  for (const member of Object.keys(overlay.maxLength ?? {})) if (!usedMaxLength.has(member)) fail(member, 'maxLength given for a member that is not a string');
  for (const member of Object.keys(overlay.maximum ?? {})) if (!usedMaximum.has(member)) fail(member, 'maximum given for a member that is not an integer');
  for (const member of overlay.required) {
    if (!(member in properties)) fail(member, 'required but not a member');
    if (!zodRequired.has(member) && !(member in (overlay.localOnly ?? {}))) fail(member, 'required by the store but optional in the protocol');
  }

  return {
    title: overlay.title,
    version: overlay.version,
    primaryKey: 'id',
    type: 'object',
    additionalProperties: false,
    properties,
    required: [...overlay.required],
    ...(overlay.encrypted ? { encrypted: [...overlay.encrypted] } : {}),
    ...(overlay.indexes ? { indexes: overlay.indexes.map((i) => (typeof i === 'string' ? i : [...i])) } : {}),
  } as unknown as RxJsonSchema<T> & { required: string[]; properties: Record<string, StoreProperty> };
}
