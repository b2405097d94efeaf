import { describe, expect, it } from 'vitest';
import { encodeResponse, HEADER_SIZE, MAX_LENGTH, PREAMBLE } from './frame.js';
import { FrameReceiver } from './receiver.js';

/** Small fast deterministic PRNG so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function collect() {
  const frames: Buffer[] = [];
  let checksumErrors = 0;
  const r = new FrameReceiver({ frame: (p) => frames.push(p), checksumError: () => checksumErrors++ });
  return { r, frames, errors: () => checksumErrors };
}

const payloadOf = (frame: Buffer) => frame.subarray(HEADER_SIZE, frame.length - 1);

describe('FrameReceiver', () => {
  it('decodes one frame delivered byte by byte', () => {
    const f = encodeResponse(0x9f);
    const { r, frames } = collect();
    for (const b of f) r.push(Buffer.from([b]));
    expect(frames).toEqual([payloadOf(f)]);
    expect(r.buffered).toBe(0);
  });

  it('decodes back-to-back frames in one chunk', () => {
    const a = encodeResponse(0x90, Buffer.alloc(1284, 1));
    const b = encodeResponse(0x80);
    const { r, frames } = collect();
    r.push(Buffer.concat([a, b, a]));
    expect(frames.map((p) => p.length)).toEqual([1287, 3, 1287]);
  });

  it('resynchronises after garbage, a false preamble with an absurd length, and a bad checksum', () => {
    const good = encodeResponse(0x90, Buffer.from('hello'));
    const bad = Buffer.from(good);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    const { r, frames, errors } = collect();
    r.push(Buffer.concat([Buffer.from([1, 2, 0xaa, 0xaa]), PREAMBLE, Buffer.from([0xff, 0xff]), bad, good]));
    expect(frames).toEqual([payloadOf(good)]);
    expect(errors()).toBe(1);
  });

  it('does not let a false header with a plausible length hold back a real frame', () => {
    const good = encodeResponse(0x9f);
    const { r, frames } = collect();
    // Claims 2000 bytes; the real frame follows and no more bytes ever come.
    r.push(Buffer.concat([PREAMBLE, Buffer.from([0x07, 0xd0]), Buffer.alloc(10, 0x33), good]));
    expect(frames).toEqual([payloadOf(good)]);
  });

  it('finds a frame whose start was swallowed by a false header that completes with a bad checksum', () => {
    const good = encodeResponse(0x90, Buffer.alloc(40, 0x44));
    const { r, frames } = collect();
    // False header claims 20 bytes, which ends inside the real frame.
    r.push(Buffer.concat([PREAMBLE, Buffer.from([0x00, 0x14]), Buffer.from([1, 2, 3]), good]));
    expect(frames).toEqual([payloadOf(good)]);
  });

  it('keeps a preamble split across chunks', () => {
    const good = encodeResponse(0x90);
    const { r, frames } = collect();
    r.push(Buffer.concat([Buffer.from([9, 9, 9]), good.subarray(0, 3)]));
    r.push(good.subarray(3));
    expect(frames).toHaveLength(1);
  });

  it('swallows listener exceptions', () => {
    const r = new FrameReceiver({ frame: () => { throw new Error('boom'); } });
    expect(() => r.push(encodeResponse(0x90))).not.toThrow();
  });

  it.each([0xc0ffee, 0x5eed])('fuzz (seed %i): 100k random and mutated frames, embedded valid frames all found, memory bounded', (seed) => {
    const rnd = prng(seed);
    const { r, frames } = collect();
    const templates = [
      encodeResponse(0x9f),
      encodeResponse(0x90, Buffer.alloc(1288, 0x5a)),
      encodeResponse(0x41),
      encodeResponse(0x90, Buffer.alloc(16, 0x12)),
    ];
    let expected = 0;
    let maxBuffered = 0;
    const started = Date.now();
    const FRAMES = 100_000;
    for (let i = 0; i < FRAMES; i++) {
      const kind = rnd() % 4;
      let chunk: Buffer;
      if (kind === 0) {
        // random bytes, sometimes sprinkled with preamble pieces
        chunk = Buffer.alloc(1 + (rnd() % 64));
        for (let j = 0; j < chunk.length; j++) chunk[j] = rnd() & 0xff;
        if (rnd() % 3 === 0) PREAMBLE.copy(chunk, rnd() % chunk.length);
      } else if (kind === 1) {
        // mutated frame: flip bytes, truncate or corrupt the length
        const t = templates[rnd() % 2 === 0 ? 0 : 2]!;
        chunk = Buffer.from(t);
        const m = rnd() % 3;
        if (m === 0) { const k = 5 + (rnd() % (chunk.length - 5)); chunk[k] = chunk[k]! ^ (1 + (rnd() % 255)); }
        else if (m === 1) chunk = chunk.subarray(0, rnd() % chunk.length);
        else chunk.writeUInt16BE(rnd() & 0xffff, 5);
      } else {
        // a valid frame: must be found
        chunk = templates[rnd() % templates.length]!;
        expected++;
      }
      // feed in random splits
      let off = 0;
      while (off < chunk.length) {
        const n = 1 + (rnd() % 700);
        r.push(chunk.subarray(off, off + n));
        off += n;
      }
      maxBuffered = Math.max(maxBuffered, r.buffered);
    }
    // Any valid frame still waiting behind a false header is released by a trailing valid frame.
    r.push(templates[0]!);
    expected++;
    const valid = new Set(templates.map((t) => payloadOf(t).toString('hex')));
    const validFound = frames.filter((f) => valid.has(f.toString('hex'))).length;
    // Every embedded valid frame is found. A mutated frame can only add frames if a mutation
    // happens to leave a valid frame (then it *is* one of the templates or a different valid frame).
    expect(validFound).toBeGreaterThanOrEqual(expected);
    expect(maxBuffered).toBeLessThanOrEqual(HEADER_SIZE + MAX_LENGTH + 700);
    expect(Date.now() - started).toBeLessThan(20_000); // no hang (generous; not a performance assertion)
  });
});
