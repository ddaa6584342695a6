// Action codec against the shared fixture written by training/make_fixtures.py (Python twin:
// training/action_codec.py). Exact equality: both sides must do the same float64 arithmetic.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ActionCodec, ActionCodecError } from '../../src/core/actionCodec';

interface CodecCase {
  low: number[];
  high: number[];
  bins: number;
  maskId: number;
  encode: { dim: number; x: number | string; xNorm: number; bin: number }[];
  normalizedEdges: { xNorm: number; bin: number }[];
  decode: { dim: number; token: number; x: number }[];
  chunk: { actions: number[][]; tokens: number[]; decoded: number[][] };
  errors: { op: string; args: unknown[]; match: string }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/codec/cases.json', import.meta.url), 'utf8')) as { codecs: CodecCase[] };
const num = (v: unknown): unknown => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);

describe.each(fixture.codecs.map((c) => [`${c.low.length} dims, ${c.bins} bins`, c] as const))('ActionCodec %s', (_, c) => {
  const codec = new ActionCodec({ low: c.low, high: c.high, bins: c.bins });

  it('encodes every fixture value to the Python bin and normalised value', () => {
    for (const r of c.encode) {
      const x = num(r.x) as number;
      expect(codec.normalize(x, r.dim), `x=${x} dim=${r.dim}`).toBe(r.xNorm);
      expect(codec.encodeValue(x, r.dim), `x=${x} dim=${r.dim}`).toBe(r.bin);
    }
  });

  it('puts normalised bin edges (and +-1 ulp) into the same bins as Python', () => {
    for (const r of c.normalizedEdges) expect(codec.binOfNormalized(r.xNorm), `xNorm=${r.xNorm}`).toBe(r.bin);
    expect(codec.binOfNormalized(-1)).toBe(0);
    expect(codec.binOfNormalized(1)).toBe(c.bins - 1);
  });

  it('decodes every bin to the Python bin centre, and re-encodes it to the same bin', () => {
    for (const r of c.decode) {
      expect(codec.decodeValue(r.token, r.dim)).toBe(r.x);
      expect(codec.encodeValue(r.x, r.dim)).toBe(r.token);
    }
  });

  it('round-trips a chunk with layout [step][dim]', () => {
    expect(Array.from(codec.encodeChunk(c.chunk.actions))).toEqual(c.chunk.tokens);
    expect(codec.decodeChunk(c.chunk.tokens)).toEqual(c.chunk.decoded);
  });

  it('refuses NaN, mask ids, out-of-range ids and wrong shapes with clear errors', () => {
    expect(codec.maskId).toBe(c.maskId);
    for (const e of c.errors) {
      const args = e.args.map(num);
      const call = () => (codec as unknown as Record<string, (...a: unknown[]) => unknown>)[e.op](...args);
      expect(call, `${e.op}(${JSON.stringify(e.args)})`).toThrow(ActionCodecError);
      expect(call).toThrow(e.match);
    }
  });

  it('keeps every decoded value within [low, high] and decode(encode(x)) within half a bin', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: c.low.length - 1 }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (d, x) => {
        const y = codec.decodeValue(codec.encodeValue(x, d), d);
        const width = (c.high[d] - c.low[d]) / c.bins;
        const clipped = Math.min(Math.max(x, c.low[d]), c.high[d]);
        return y >= c.low[d] && y <= c.high[d] && Math.abs(y - clipped) <= width / 2 + 1e-12;
      }),
    );
  });
});

describe('ActionCodec construction', () => {
  it('rejects bad bounds and bins', () => {
    expect(() => new ActionCodec({ low: [0], high: [0] })).toThrow('high > low');
    expect(() => new ActionCodec({ low: [0, 0], high: [1] })).toThrow('same length');
    expect(() => new ActionCodec({ low: [0], high: [NaN] })).toThrow('finite');
    expect(() => new ActionCodec({ low: [0], high: [1], bins: 1 })).toThrow('bins');
    expect(new ActionCodec({ low: [0], high: [1] }).maskId).toBe(256);
  });
});
