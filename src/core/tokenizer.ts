// Word-level instruction tokenizer (TS twin of training/tokenizer.py; both read the same
// tokenizer.json and are checked against tests/fixtures/tokenizer/cases.json).
//
// File format (formatVersion 1):
//   {"format": "vla-word-tokenizer", "formatVersion": 1, "normalizer": "ascii-lower-alnum-v1",
//    "maxLength": 16, "addBosEos": true, "vocab": ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "a", ...]}
// Normaliser "ascii-lower-alnum-v1": A-Z -> a-z; every character that is not ASCII a-z or 0-9
// becomes a space; split on spaces, dropping empty pieces. ASCII-only on purpose: Unicode case
// mapping differs between JS and Python, this rule cannot.
// Encoding: [BOS] w1 .. wn [EOS], then [PAD] up to maxLength; unknown words -> [UNK];
// attention mask 1 on real tokens (BOS/EOS included), 0 on padding.
// Invariants: [PAD] = 0, [UNK] = 1, [BOS] = 2, [EOS] = 3; vocab entries are unique.

export const TOKENIZER_FORMAT = 'vla-word-tokenizer';
export const NORMALIZER = 'ascii-lower-alnum-v1';
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[BOS]', '[EOS]'] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const BOS_ID = 2;
export const EOS_ID = 3;

/** The JSON file, as written by training/tokenizer.py and buildTokenizer. */
export interface TokenizerSpec {
  format: typeof TOKENIZER_FORMAT;
  formatVersion: 1;
  normalizer: typeof NORMALIZER;
  /** Encoded length including [BOS]/[EOS]; inputs are padded to it. */
  maxLength: number;
  /** Wrap every instruction in [BOS] ... [EOS]. */
  addBosEos: boolean;
  /** Token strings by id; starts with SPECIAL_TOKENS. */
  vocab: string[];
}

export interface Encoded {
  /** Token ids, length maxLength (padded with PAD_ID). */
  ids: Int32Array;
  /** 1 for real tokens, 0 for padding; length maxLength. */
  attentionMask: Int32Array;
  /** Number of real tokens (special tokens included). */
  length: number;
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export function normalizeWords(text: string): string[] {
  let s = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) s += String.fromCharCode(c + 32); // A-Z
    else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) s += text[i]; // a-z, 0-9
    else s += ' ';
  }
  return s.split(' ').filter((w) => w.length > 0);
}

export class Tokenizer {
  readonly maxLength: number;
  readonly addBosEos: boolean;
  readonly vocab: readonly string[];
  private readonly ids: Map<string, number>;

  /** Validates `spec` (a parsed tokenizer.json); errors name `fileName`. */
  constructor(spec: unknown, fileName = 'tokenizer.json') {
    const fail = (msg: string): never => {
      throw new TokenizerError(`${fileName}: ${msg}`);
    };
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) fail('must be a JSON object');
    const s = spec as Record<string, unknown>;
    if (s.format !== TOKENIZER_FORMAT) fail(`format must be "${TOKENIZER_FORMAT}", got ${JSON.stringify(s.format)}`);
    if (s.formatVersion !== 1) fail(`formatVersion must be 1, got ${JSON.stringify(s.formatVersion)}`);
    if (s.normalizer !== NORMALIZER) fail(`normalizer must be "${NORMALIZER}", got ${JSON.stringify(s.normalizer)}`);
    if (!Number.isInteger(s.maxLength) || (s.maxLength as number) < 3) {
      fail(`maxLength must be an integer >= 3, got ${JSON.stringify(s.maxLength)}`);
    }
    if (typeof s.addBosEos !== 'boolean') fail(`addBosEos must be a boolean, got ${JSON.stringify(s.addBosEos)}`);
    const vocab = s.vocab;
    if (!Array.isArray(vocab) || !vocab.every((w) => typeof w === 'string')) fail('vocab must be a list of strings');
    const v = vocab as string[];
    if (SPECIAL_TOKENS.some((t, i) => v[i] !== t)) {
      fail(`vocab must start with ${JSON.stringify(SPECIAL_TOKENS)}, got ${JSON.stringify(v.slice(0, 4))}`);
    }
    if (new Set(v).size !== v.length) fail('vocab entries must be unique');
    this.maxLength = s.maxLength as number;
    this.addBosEos = s.addBosEos as boolean;
    this.vocab = [...v];
    this.ids = new Map(v.map((w, i) => [w, i]));
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  encode(text: string): Encoded {
    const words = normalizeWords(text);
    if (words.length === 0) throw new TokenizerError(`instruction is empty after normalisation: ${JSON.stringify(text)}`);
    let ids = words.map((w) => this.ids.get(w) ?? UNK_ID);
    if (this.addBosEos) ids = [BOS_ID, ...ids, EOS_ID];
    if (ids.length > this.maxLength) {
      throw new TokenizerError(
        `instruction has ${ids.length} tokens (special tokens included), longer than the limit maxLength = ${this.maxLength}: ${JSON.stringify(text)}`,
      );
    }
    const out = new Int32Array(this.maxLength); // PAD_ID = 0 fills the tail
    const mask = new Int32Array(this.maxLength);
    ids.forEach((id, i) => {
      out[i] = id;
      mask[i] = 1;
    });
    return { ids: out, attentionMask: mask, length: ids.length };
  }

  toJSON(): TokenizerSpec {
    return {
      format: TOKENIZER_FORMAT,
      formatVersion: 1,
      normalizer: NORMALIZER,
      maxLength: this.maxLength,
      addBosEos: this.addBosEos,
      vocab: [...this.vocab],
    };
  }
}

export interface BuildTokenizerOptions {
  /** Encoded length limit. @default 32 */
  maxLength?: number;
  /** Words seen fewer times become [UNK]. @default 1 */
  minCount?: number;
  /** @default true */
  addBosEos?: boolean;
}

/** Vocab from training instructions: specials, then words (count >= minCount) in code-point
 * order, so the same instructions give the same ids in TS and Python. Every instruction must fit. */
export function buildTokenizer(instructions: readonly string[], opts: BuildTokenizerOptions = {}): Tokenizer {
  const counts = new Map<string, number>();
  for (const t of instructions) for (const w of normalizeWords(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const minCount = opts.minCount ?? 1;
  const words = [...counts].filter(([, c]) => c >= minCount).map(([w]) => w);
  words.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tok = new Tokenizer({
    format: TOKENIZER_FORMAT,
    formatVersion: 1,
    normalizer: NORMALIZER,
    maxLength: opts.maxLength ?? 32,
    addBosEos: opts.addBosEos ?? true,
    vocab: [...SPECIAL_TOKENS, ...words],
  });
  for (const t of instructions) tok.encode(t); // fail at build time, not at run time
  return tok;
}
