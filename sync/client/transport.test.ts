// The transport against hostile and broken platforms: real HTTP servers that answer garbage.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleApplication } from '../protocol/index';
import { backoffDelay } from './backoff';
import { SyncTransportError } from './errors';
import { SseParser } from './sse';
import { PlatformClient } from './transport';
import { SyncPushOutput } from '../../preload/contract/sync-calls';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function serve(handler: (path: string, body: string, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req.url ?? '', body, res));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof SyncTransportError ? e.code : `other:${String(e)}`;
  }
}

describe('PlatformClient against garbage', () => {
  it('maps every kind of broken answer to a clear code', async () => {
    let mode = '';
    const url = await serve((_p, _b, res) => {
      switch (mode) {
        case 'html': return json(res, 200, '<html>proxy login</html>');
        case 'no-docs': return json(res, 200, { checkpoint: { seq: 1 } });
        case 'bad-cp': return json(res, 200, { documents: [], checkpoint: { seq: -5 } });
        case 'too-many': return json(res, 200, { documents: Array.from({ length: 11 }, () => ({})), checkpoint: { seq: 1 } });
        case '401': return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'no' } });
        case '426': return json(res, 426, { error: { code: 'CLIENT_UPGRADE_REQUIRED', message: 'old' } });
        case '500': return json(res, 500, 'oops');
        case 'cut': res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' }); res.write('{"documents":['); return res.destroy();
        case 'huge': res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"documents":["' + 'x'.repeat(2_000_000)); return res.end('"]}');
        case 'hang': return; // never answers
      }
    });
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456', timeoutMs: 500, maxResponseBytes: 1_000_000 });
    const cases: [string, string][] = [
      ['html', 'BAD_RESPONSE'], ['no-docs', 'BAD_RESPONSE'], ['bad-cp', 'BAD_RESPONSE'], ['too-many', 'BAD_RESPONSE'],
      ['401', 'UNAUTHORIZED'], ['426', 'UPGRADE_REQUIRED'], ['500', 'SERVER_ERROR'], ['cut', 'OFFLINE'], ['huge', 'BAD_RESPONSE'], ['hang', 'TIMEOUT'],
    ];
    for (const [m, expected] of cases) {
      mode = m;
      expect(await code(c.pull('applications', null, 10)), m).toBe(expected);
    }
  });

  it("carries a refusal's machine-readable details, bounded; malformed details leave no code and no details", async () => {
    let body: unknown = null;
    const url = await serve((_p, _b, res) => json(res, 409, body));
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456', timeoutMs: 2000 });
    const refusal = async () => {
      try {
        await c.me();
      } catch (e) {
        if (e instanceof SyncTransportError) return e;
      }
      throw new Error('expected a SyncTransportError');
    };
    body = { error: { code: 'STATION_HUB_EXISTS', message: 'taken', details: [{ path: 'stationHub.terminalId', message: 'T-1' }] } };
    expect(await refusal()).toMatchObject({ code: 'REQUEST_REFUSED', status: 409, platformCode: 'STATION_HUB_EXISTS', details: [{ path: 'stationHub.terminalId', message: 'T-1' }] });
    // A hostile platform: thousands of entries, megabyte strings.
    body = { error: { code: 'STATION_HUB_EXISTS', message: 'taken', details: Array.from({ length: 5000 }, (_, i) => ({ path: `p${i}`.padEnd(1000, 'x'), message: 'm'.repeat(300_000 / 5000 + 1000) })) } };
    const hostile = await refusal();
    expect(hostile.details).toHaveLength(20);
    for (const d of hostile.details!) expect(d.path.length + d.message.length).toBeLessThanOrEqual(400);
    // Details of the wrong shape: the envelope is not recognised at all (no code, no details).
    for (const details of ['T-1', [{ path: 1, message: 'T-1' }], [null], { path: 'a', message: 'b' }]) {
      body = { error: { code: 'STATION_HUB_EXISTS', message: 'taken', details } };
      const e = await refusal();
      expect(e.platformCode).toBeUndefined();
      expect(e.details).toBeUndefined();
    }
    body = { error: { code: 'STATION_HUB_EXISTS', message: 'taken', details: [] } };
    expect((await refusal()).details).toBeUndefined();
  });

  it('skips pulled documents that fail the protocol schema, keeps the valid ones', async () => {
    const good = exampleApplication();
    const url = await serve((_p, _b, res) => json(res, 200, { documents: [good, { id: 'evil', status: 'hacked' }, 42, null], checkpoint: { seq: 9 } }));
    const r = await new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' }).pull('applications', { seq: 0 }, 10);
    expect(r.documents.map((d) => d.id)).toEqual([good.id]);
    expect(r.skipped).toBe(3);
    expect(r.checkpoint).toEqual({ seq: 9 });
  });

  it('asks for a bounded pull when given recentDays, and only then', async () => {
    const asked: string[] = [];
    const url = await serve((path, _b, res) => {
      asked.push(path);
      json(res, 200, { documents: [], checkpoint: { seq: 0 } });
    });
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    await c.pull('applications', { seq: 5 }, 10, { recentDays: 90 });
    await c.pull('applications', { seq: 5 }, 10);
    expect(asked.map((p) => new URL(p, 'http://x').searchParams.get('recentDays'))).toEqual(['90', null]);
  });

  it('refuses conflicts that are invalid or for documents never sent', async () => {
    const sent = exampleApplication();
    let conflict: unknown = exampleApplication();
    const url = await serve((_p, _b, res) => json(res, 200, { conflicts: [conflict], rejections: [], written: 0, unchanged: 0, checkpoint: { seq: 1 } }));
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    expect(await code(c.push('applications', [{ newDocumentState: sent }]))).toBe('BAD_RESPONSE');
    conflict = { ...sent, status: 'nonsense' };
    expect(await code(c.push('applications', [{ newDocumentState: sent }]))).toBe('BAD_RESPONSE');
    conflict = { ...sent, status: 'accepted' };
    expect((await c.push('applications', [{ newDocumentState: sent }])).conflicts).toHaveLength(1);
  });

  it('passes `adjusted` on for documents sent and answered; drops ids never sent or without their stored state; garbage is an error', async () => {
    const sent = exampleApplication({ status: 'submitted' });
    const other = exampleApplication({ status: 'submitted' });
    let adjusted: unknown = [sent.id, other.id, sent.id];
    let conflicts: unknown[] = [{ ...sent, status: 'synced' }];
    const url = await serve((_p, _b, res) => json(res, 200, { conflicts, rejections: [], written: 1, unchanged: 0, adjusted, checkpoint: { seq: 1 } }));
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    const r = await c.push('applications', [{ newDocumentState: sent }, { newDocumentState: other }]);
    expect(r.adjusted).toEqual([sent.id]);
    expect(SyncPushOutput.parse(r).adjusted).toEqual([sent.id]);
    // A platform from before `adjusted`: absent, nothing adjusted.
    adjusted = undefined;
    expect((await c.push('applications', [{ newDocumentState: sent }])).adjusted).toBeUndefined();
    conflicts = [];
    adjusted = [sent.id];
    expect((await c.push('applications', [{ newDocumentState: sent }])).adjusted).toBeUndefined();
    for (const bad of ['x', [1], { id: sent.id }]) {
      adjusted = bad;
      expect(await code(c.push('applications', [{ newDocumentState: sent }]))).toBe('BAD_RESPONSE');
    }
  });

  it("carries a refusal's code, params and coded issues as data (the terminal words them); fields as before", async () => {
    const a = exampleApplication({ status: 'submitted' });
    const b = exampleApplication({ status: 'submitted' });
    const url = await serve((_p, _b, res) =>
      json(res, 200, {
        conflicts: [],
        rejections: [
          {
            id: a.id, index: 0, code: 'FORM_INVALID', message: 'formData does not match MZ06@1: 2 field(s) do not match the form: phone (required), idNumber (pattern)', params: { total: 2 },
            issues: [{ path: 'phone', keyword: 'required', message: '手机号 is required', code: 'required', params: { name: '手机号' } }, { path: 'idNumber', keyword: 'pattern', message: 'x', code: 'idChecksum', params: { name: '身份证号' } }],
          },
          { id: b.id, index: 1, code: 'TONGBAN_INVALID', message: 'unknown administrative division code 999999', params: { reason: 'UNKNOWN_DIVISION', divisionCode: '999999' } },
        ],
        written: 0, unchanged: 0, checkpoint: { seq: 1 },
      }),
    );
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    const r = await c.push('applications', [{ newDocumentState: a }, { newDocumentState: b }]);
    expect(r.rejections).toEqual([
      {
        id: a.id, code: 'FORM_INVALID', message: 'formData does not match MZ06@1: 2 field(s) do not match the form: phone (required), idNumber (pattern)', params: { total: 2 },
        fields: [{ path: 'phone', keyword: 'required' }, { path: 'idNumber', keyword: 'pattern' }],
        issues: [{ code: 'required', params: { name: '手机号' } }, { code: 'idChecksum', params: { name: '身份证号' } }],
      },
      { id: b.id, code: 'TONGBAN_INVALID', message: 'unknown administrative division code 999999', params: { reason: 'UNKNOWN_DIVISION', divisionCode: '999999' } },
    ]);
    expect(r.droppedFields).toBeUndefined();
    // what crosses the bridge keeps them (the contract does not strip them)
    expect(SyncPushOutput.parse(r).rejections).toEqual(r.rejections);
  });

  it('hostile params and coded issues lose their bad entries (counted), never the answer, the rejection or its message', async () => {
    const docs = Array.from({ length: 6 }, () => exampleApplication({ status: 'submitted' }));
    const hostile: { params?: unknown; issues?: unknown }[] = [
      { params: 'total' },
      { params: [1, 2] },
      { params: { total: '2', 'a b': 1, x: { y: 1 }, n: null, ok: 3, long: 'x'.repeat(10_000) } },
      { params: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`p${i}`, i])) },
      { issues: [{ path: 'a', keyword: 'required', code: 'bad code', params: {} }, { path: 'b', keyword: 'required', code: 'required', params: { name: { x: 1 }, limit: 'ok' } }] },
      { params: null, issues: Array.from({ length: 50 }, (_, i) => ({ path: `f${i}`, keyword: 'required', code: 'required', params: { name: `n${i}` } })) },
    ];
    const url = await serve((_p, _b, res) =>
      json(res, 200, {
        conflicts: [],
        rejections: hostile.map((h, i) => ({ id: docs[i]!.id, index: i, code: 'FORM_INVALID', message: 'refused', ...h })),
        written: 0, unchanged: 0, checkpoint: { seq: 1 },
      }),
    );
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    const r = await c.push('applications', docs.map((d) => ({ newDocumentState: d })));
    expect(r.rejections.map((x) => [x.id, x.code, x.message])).toEqual(docs.map((d) => [d.id, 'FORM_INVALID', 'refused']));
    expect(r.rejections[0]).not.toHaveProperty('params');
    expect(r.rejections[1]).not.toHaveProperty('params');
    expect(r.rejections[2]!.params).toEqual({ total: '2', ok: 3, long: 'x'.repeat(200) });
    expect(Object.keys(r.rejections[3]!.params!)).toHaveLength(8);
    expect(r.rejections[4]!.issues).toEqual([{ code: 'required', params: { limit: 'ok' } }]);
    expect(r.rejections[5]!.issues).toHaveLength(20);
    expect(r.rejections[5]!.fields).toHaveLength(20);
    // 1 + 1 + 3 + 492 params; 1 code + 1 param; 30 issues + 30 fields over the limit
    expect(r.droppedFields).toBe(1 + 1 + 3 + 492 + 2 + 60);
    expect(SyncPushOutput.safeParse(r).success).toBe(true);
  });

  it("an earlier platform's refusal (Chinese userMessage, issues without codes) keeps its words as the message and its fields as data; codes it does not know are kept", async () => {
    const a = exampleApplication({ status: 'submitted' });
    const b = exampleApplication({ status: 'submitted' });
    const url = await serve((_p, _b, res) =>
      json(res, 200, {
        conflicts: [],
        rejections: [
          {
            id: a.id, index: 0, code: 'FORM_INVALID', message: 'formData does not match MZ06@1: 2 field(s) do not match the form: phone (required), idNumber (pattern)',
            userMessage: '表单内容有2处不符合要求：请填写手机号；身份证号校验位不正确，请核对后重新输入。请核对修改后重新提交。',
            issues: [{ path: 'phone', keyword: 'required', message: '请填写手机号' }, { path: 'idNumber', keyword: 'pattern', message: '身份证号校验位不正确，请核对后重新输入' }],
          },
          { id: b.id, index: 1, code: 'SOMETHING_NEWER', message: 'a rule of a newer platform' },
        ],
        written: 0, unchanged: 0, checkpoint: { seq: 1 },
      }),
    );
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    const r = await c.push('applications', [{ newDocumentState: a }, { newDocumentState: b }]);
    expect(r.rejections).toEqual([
      {
        id: a.id, code: 'FORM_INVALID', message: '表单内容有2处不符合要求：请填写手机号；身份证号校验位不正确，请核对后重新输入。请核对修改后重新提交。',
        fields: [{ path: 'phone', keyword: 'required' }, { path: 'idNumber', keyword: 'pattern' }],
      },
      { id: b.id, code: 'SOMETHING_NEWER', message: 'a rule of a newer platform' },
    ]);
    expect(r.droppedFields).toBeUndefined();
    // what crosses the bridge keeps the fields (the contract does not strip them)
    expect(SyncPushOutput.parse(r).rejections[0]!.fields).toEqual(r.rejections[0]!.fields);
  });

  it('hostile issues (oversized lists, bad paths, wrong types) lose their bad entries, never the answer or the rejection', async () => {
    const docs = Array.from({ length: 7 }, () => exampleApplication({ status: 'submitted' }));
    const hostile: unknown[] = [
      Array.from({ length: 5000 }, (_, i) => ({ path: `f${i}`, keyword: 'required', message: '请填写' })),
      [{ path: '<img src=x onerror=alert(1)>', keyword: 'pattern', message: 'x' }, { path: 'a b', keyword: 'type' }, { path: 'ok', keyword: 'bad keyword!' }, { path: `a${'b'.repeat(300)}`, keyword: '' }, null, 7, 'idNumber', { path: 'idNumber', keyword: 'pattern' }, { path: 'idNumber', keyword: 'format' }],
      'idNumber',
      { path: 'idNumber', keyword: 'pattern' },
      42,
      null,
      [[{ path: 'nested', keyword: 'x' }]],
    ];
    const url = await serve((_p, _b, res) =>
      json(res, 200, {
        conflicts: [],
        rejections: hostile.map((issues, i) => ({ id: docs[i]!.id, index: i, code: 'FORM_INVALID', message: 'refused', userMessage: '表单内容不符合要求。', issues })),
        written: 0, unchanged: 0, checkpoint: { seq: 1 },
      }),
    );
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    const r = await c.push('applications', docs.map((d) => ({ newDocumentState: d })));
    expect(r.rejections.map((x) => x.id)).toEqual(docs.map((d) => d.id));
    expect(r.rejections[0]!.fields).toHaveLength(20);
    expect(r.rejections[0]!.fields![19]).toEqual({ path: 'f19', keyword: 'required' });
    expect(r.rejections[0]!.message).toBe('表单内容不符合要求。');
    expect(r.rejections[1]!.fields).toEqual([{ path: 'idNumber', keyword: 'pattern' }]);
    expect(r.rejections[1]!.message).toBe('表单内容不符合要求。'); // no hostile text in the reason either
    for (const x of r.rejections) expect(x).not.toHaveProperty('issues');
    for (const x of r.rejections.slice(2)) {
      expect(x).not.toHaveProperty('fields');
      expect(x.message).toBe('表单内容不符合要求。');
    }
    // 4980 over the limit + 7 malformed + 1 non-array + 1 object + 1 number + 1 nested = counted, never echoed
    expect(r.droppedFields).toBe(4980 + 7 + 4);
    // and the whole answer still fits the bridge contract main checks its output against
    expect(SyncPushOutput.safeParse(r).success).toBe(true);
  });

  it('splits batches the platform finds too large and rejects a lone oversized document without blocking the rest', async () => {
    const seen: number[] = [];
    const url = await serve((_p, body, res) => {
      const rows = JSON.parse(body) as unknown[];
      seen.push(rows.length);
      if (body.length > 3000) return json(res, 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'big' } });
      return json(res, 200, { conflicts: [], rejections: [], written: rows.length, unchanged: 0, checkpoint: { seq: 1 } });
    });
    const small = Array.from({ length: 6 }, () => ({ newDocumentState: exampleApplication() }));
    const big = { newDocumentState: exampleApplication({ formData: { blob: 'x'.repeat(5000) } }) };
    const c = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456' });
    const r = await c.push('applications', [...small, big]);
    expect(r.rejections.map((x) => [x.id, x.code])).toEqual([[big.newDocumentState.id, 'TOO_LARGE']]);
    expect(seen[0]).toBe(7);
    // Larger than our own body limit: rejected locally, never sent.
    const tiny = new PlatformClient({ baseUrl: url, token: 'trm_test_token_123456', maxBodyBytes: 2000 });
    const r2 = await tiny.push('applications', [big, small[0]!]);
    expect(r2.rejections.map((x) => x.code)).toEqual(['TOO_LARGE']);
  });

  it('reports OFFLINE when nothing listens', async () => {
    const c = new PlatformClient({ baseUrl: 'http://127.0.0.1:1', token: 'trm_test_token_123456' });
    expect(await code(c.pull('staff', null, 1))).toBe('OFFLINE');
    expect(await code(new PlatformClient({ baseUrl: 'http://127.0.0.1:1' }).pull('staff', null, 1))).toBe('NOT_ENROLLED');
  });
});

describe('SSE parser and backoff', () => {
  it('parses events split across chunks, ignores comments, refuses oversized events', () => {
    const p = new SseParser(100);
    expect(p.push(': ping\n\nretry: 2000\n\nda')).toEqual([]);
    expect(p.push('ta: {"type":"RESYNC"}\n')).toEqual([]);
    expect(p.push('\r\ndata: a\ndata: b\n\n')).toEqual(['{"type":"RESYNC"}', 'a\nb']);
    expect(() => p.push(`data: ${'x'.repeat(200)}\n`)).toThrow(SyncTransportError);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(0, { baseMs: 1000, random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { baseMs: 1000, random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { baseMs: 1000, random: () => 1 })).toBe(8000);
    expect(backoffDelay(30, { baseMs: 1000, maxMs: 60_000, random: () => 1 })).toBe(60_000);
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelay(4, { baseMs: 1000 })));
    expect(samples.size).toBeGreaterThan(5);
  });
});
