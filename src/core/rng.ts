// Seeded pseudo-random number generator shared by every sampler in the project.
//
// Algorithm: mulberry32 (Tommy Ettinger, public domain; 32-bit state, period 2^32, passes
// gjrand/PractRand to several GB). It is tiny, fast in JS (Math.imul) and bit-identical on every
// platform, which is what reproducible episodes need; it is NOT cryptographic.
// Seeds are mixed through splitmix32 first so that nearby seeds (0, 1, 2, ...) give unrelated
// streams. `fork(label)` derives an independent child stream from the parent's seed and a label
// hash without consuming parent draws, so adding a new consumer never shifts existing ones.
//
// Invariants: same seed -> same sequence; next() is in [0, 1); no Math.random anywhere.

/** FNV-1a 32-bit hash of a string (for fork labels). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 finaliser: decorrelates consecutive integer seeds. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  /** The seed this stream was created with (after integer coercion). */
  readonly seed: number;
  private state: number;
  /** Second Box-Muller output, kept so normal() uses both values of each pair. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    // Fold fractional / large seeds into 32 bits deterministically.
    const s = Number.isInteger(seed) && Math.abs(seed) < 2 ** 32 ? seed >>> 0 : hashString(String(seed));
    this.seed = s;
    this.state = mix32(s);
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Uniform integer in [0, n). n must be a positive integer. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [a, b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Standard normal N(0, 1) (or N(mean, std)) by the Box-Muller transform. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    // 1 - next() is in (0, 1], so the log is finite.
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  /** Uniformly chosen element; throws on an empty array. */
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new Error('Rng.pick: empty array');
    return arr[this.int(arr.length)];
  }

  /** Fisher-Yates shuffle, in place; returns the same array for chaining. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }

  /**
   * Independent child stream named by `label`. Depends only on this stream's seed and the
   * label (not on how many draws were made), so forks are stable as code evolves.
   */
  fork(label: string): Rng {
    return new Rng(mix32(this.seed ^ hashString(label)) ^ hashString(`${label}#${this.seed}`));
  }
}
