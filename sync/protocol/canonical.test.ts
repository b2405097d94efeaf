// canonicalEqual answers exactly what comparing canonicalJson strings answers (key order, undefined
// members, undefined in arrays, NaN, nested objects), checked against it on random values.
import { describe, expect, it } from 'vitest';
import { canonicalEqual, canonicalJson, exampleApplication, LOCAL_ONLY_FIELDS, stripLocalFields } from './index';

/** A small deterministic generator (no flaky seeds). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function value(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 2 ? 7 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return undefined;
    case 2: return Math.floor(r() * 3);
    case 3: return ['a', 'b', '居民'][Math.floor(r() * 3)];
    case 4: return r() < 0.5;
    case 5: return r() < 0.1 ? Number.NaN : 0;
    case 6: return r() < 0.5 ? '0' : '';
    case 7: return Array.from({ length: Math.floor(r() * 3) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['x', 'y', 'z', '_meta'];
      for (const k of keys.sort(() => r() - 0.5).slice(0, Math.floor(r() * 4))) o[k] = value(r, depth + 1);
      return o;
    }
  }
}

describe('canonicalEqual', () => {
  it('agrees with comparing canonicalJson on 20,000 random pairs (and with skipped top-level members)', () => {
    const r = rng(16);
    let equal = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = value(r, 0);
      const b = r() < 0.4 ? JSON.parse(JSON.stringify({ v: a }) ?? '{}').v : value(r, 0);
      expect(canonicalEqual(a, b), `${canonicalJson(a)} vs ${canonicalJson(b)}`).toBe(canonicalJson(a) === canonicalJson(b));
      if (canonicalJson(a) === canonicalJson(b)) equal++;
      if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
        const sa = stripLocalFields(a as Record<string, unknown>);
        const sb = stripLocalFields(b as Record<string, unknown>);
        expect(canonicalEqual(a, b, LOCAL_ONLY_FIELDS)).toBe(canonicalJson(sa) === canonicalJson(sb));
      }
    }
    expect(equal).toBeGreaterThan(2000); // both answers occur often
  });

  it('sees a changed nested member, key order and RxDB-local members do not count', () => {
    const a = exampleApplication();
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(canonicalEqual(a, { ...reordered, _rev: '1-x', _meta: { lwt: 1 } }, LOCAL_ONLY_FIELDS)).toBe(true);
    expect(canonicalEqual(a, { ...a, _rev: '1-x' })).toBe(false);
    expect(canonicalEqual(a, { ...a, applicant: { ...a.applicant, phone: '13900000000' } }, LOCAL_ONLY_FIELDS)).toBe(false);
    expect(canonicalEqual(a, { ...a, materials: [undefined] }, LOCAL_ONLY_FIELDS)).toBe(false);
    expect(canonicalEqual([undefined], [null])).toBe(true);
    expect(canonicalEqual({ x: undefined }, {})).toBe(true);
    expect(canonicalEqual({ x: null }, {})).toBe(false);
    expect(canonicalEqual('1', 1)).toBe(false);
    expect(canonicalEqual([], {})).toBe(false);
  });
});

/** canonicalJson as first written (entries, filter, sort with a comparator, map, join): the bytes every signature and audit hash was made over. */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null) as string;
  if (Array.isArray(value)) return `[${value.map((v) => referenceCanonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(',')}}`;
}

/** Values with keys and strings that need escaping or sort by code unit (surrogates, U+2028, quotes). */
function wildValue(r: () => number, depth: number): unknown {
  const strings = ['', 'a', 'B', '居民', '"', '\\', '\u2028', '\ud83d\ude00', '\u0000', 'ａ', '__proto__', 'constructor', '10', '9'];
  const pick = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return undefined;
    case 2: return [0, -0, 1.5, -3, 1e21, Number.NaN, Number.MAX_SAFE_INTEGER][Math.floor(r() * 7)];
    case 3: return strings[Math.floor(r() * strings.length)];
    case 4: return r() < 0.5;
    case 5: return strings[Math.floor(r() * strings.length)]! + strings[Math.floor(r() * strings.length)]!;
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => wildValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let n = Math.floor(r() * 6); n > 0; n--) Object.defineProperty(o, strings[Math.floor(r() * strings.length)]!, { value: wildValue(r, depth + 1), enumerable: true, configurable: true, writable: true });
      return o;
    }
  }
}

describe('canonicalJson', () => {
  it('writes the same bytes as the reference on 20,000 random values (escapes, code-unit order, undefined, holes)', () => {
    const r = rng(2026);
    for (let i = 0; i < 20_000; i++) {
      const v = wildValue(r, 0);
      expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
    }
    // eslint-disable-next-line no-sparse-arrays
    const holes = [1, , 2];
    expect(canonicalJson(holes)).toBe(referenceCanonicalJson(holes));
    expect(canonicalJson({ b: [undefined, { d: 1, c: undefined }], a: '居民' })).toBe('{"a":"居民","b":[null,{"d":1}]}');
    const app = exampleApplication();
    expect(canonicalJson(app)).toBe(referenceCanonicalJson(app));
  });

  it('stripLocalFields: a document without RxDB members is answered as it is; one with them is copied without them, untouched', () => {
    const plain = { id: 'a', status: 'submitted', nested: { _rev: 'kept: only top-level members are local' } };
    expect(stripLocalFields(plain)).toBe(plain);
    for (const local of LOCAL_ONLY_FIELDS) {
      const doc: Record<string, unknown> = { id: 'b', [local]: 'x', status: 'draft' };
      const out = stripLocalFields(doc);
      expect(out).not.toBe(doc);
      expect(out).toEqual({ id: 'b', status: 'draft' });
      expect(doc[local]).toBe('x');
    }
    // A member named like one only on the prototype is not the document's.
    expect(stripLocalFields(Object.create({ _rev: 'inherited' }) as Record<string, unknown>)).toEqual({});
  });
});
