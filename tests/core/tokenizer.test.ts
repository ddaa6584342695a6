// Tokenizer against the shared fixture written by training/make_fixtures.py (Python twin:
// training/tokenizer.py): same file, same ids, same masks, same vocab from the same instructions.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOS_ID, EOS_ID, PAD_ID, Tokenizer, TokenizerError, UNK_ID, buildTokenizer, normalizeWords } from '../../src/core/tokenizer';

const read = (f: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/tokenizer/${f}`, import.meta.url), 'utf8'));
const spec = read('tokenizer.json') as { vocab: string[]; maxLength: number };
const cases = read('cases.json') as {
  buildFrom: string[];
  buildMaxLength: number;
  cases: { text: string; ids: number[]; attentionMask: number[] }[];
  errors: { text: string; match: string }[];
};

describe('Tokenizer (shared fixture)', () => {
  const tok = new Tokenizer(spec, 'tests/fixtures/tokenizer/tokenizer.json');

  it('encodes every fixture instruction to the Python ids and attention mask', () => {
    for (const c of cases.cases) {
      const e = tok.encode(c.text);
      expect(Array.from(e.ids), c.text).toEqual(c.ids);
      expect(Array.from(e.attentionMask), c.text).toEqual(c.attentionMask);
      expect(e.length).toBe(c.attentionMask.filter((m) => m === 1).length);
    }
  });

  it('gives clear errors for empty and too long instructions', () => {
    for (const e of cases.errors) {
      expect(() => tok.encode(e.text), JSON.stringify(e.text)).toThrow(TokenizerError);
      expect(() => tok.encode(e.text)).toThrow(e.match);
    }
    expect(() => tok.encode(cases.errors[3].text)).toThrow(`maxLength = ${spec.maxLength}`);
  });

  it('builds the same vocab as Python from the same instructions', () => {
    const built = buildTokenizer(cases.buildFrom, { maxLength: cases.buildMaxLength });
    expect(built.toJSON()).toEqual(spec);
  });
});

describe('Tokenizer rules', () => {
  it('normalises ASCII case and punctuation only', () => {
    expect(normalizeWords("Put the RED-cube, in   bowl #2!")).toEqual(['put', 'the', 'red', 'cube', 'in', 'bowl', '2']);
    expect(normalizeWords('\t\n ')).toEqual([]);
    expect(normalizeWords('Ünïcode')).toEqual(['n', 'code']);
  });

  it('wraps in BOS/EOS, maps unknown words to UNK and pads with PAD', () => {
    const tok = buildTokenizer(['pick up the cube'], { maxLength: 8 });
    const e = tok.encode('pick up the ball');
    expect(Array.from(e.ids)).toEqual([BOS_ID, tok.vocab.indexOf('pick'), tok.vocab.indexOf('up'), tok.vocab.indexOf('the'), UNK_ID, EOS_ID, PAD_ID, PAD_ID]);
    expect(Array.from(e.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    // exactly at the limit is fine, one more word is not
    expect(tok.encode('a b c d e f').length).toBe(8);
    expect(() => tok.encode('a b c d e f g')).toThrow('instruction has 9 tokens (special tokens included), longer than the limit maxLength = 8');
  });

  it('refuses instructions that do not fit when building, and malformed files', () => {
    expect(() => buildTokenizer(['one two three'], { maxLength: 4 })).toThrow('maxLength = 4');
    expect(() => new Tokenizer({ ...spec, vocab: ['[UNK]', '[PAD]', '[BOS]', '[EOS]'] }, 'x.json')).toThrow('x.json: vocab must start with');
    expect(() => new Tokenizer({ ...spec, vocab: [...spec.vocab, 'cube'] })).toThrow('unique');
    expect(() => new Tokenizer({ ...spec, formatVersion: 2 })).toThrow('formatVersion must be 1');
    expect(() => new Tokenizer({ ...spec, maxLength: 'long' })).toThrow('maxLength must be an integer');
  });
});
