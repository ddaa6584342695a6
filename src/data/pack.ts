// Binary packing of one Demo, so a demo recorded in the browser reaches Node (and the HDF5
// writer) as one byte string instead of a JSON tree of numbers.
// Layout: [u32 LE header length][header JSON, UTF-8][pad to 8][array 0][pad to 8][array 1]...
// where the header holds the scalar fields and, per array, its name, dtype and element count.
// Invariants: unpackDemo(packDemo(d)) deep-equals d; arrays are copied out, so the result does
// not alias the input buffer; endianness is little (every platform we run on).
import type { Demo } from './demo';

const ARRAY_FIELDS = [
  'agentview', 'wrist', 'eeStates', 'eePos', 'eeOri', 'gripperStates', 'jointStates',
  'proprio', 'actions', 'rewards', 'dones', 'states',
] as const;
type ArrayField = (typeof ARRAY_FIELDS)[number];
type Scalars = Omit<Demo, ArrayField>;

interface Header {
  scalars: Scalars;
  arrays: { name: ArrayField; dtype: 'u8' | 'f64'; length: number }[];
}

const align8 = (n: number) => (n + 7) & ~7;

export function packDemo(d: Demo): Uint8Array {
  const scalars = { ...d } as Partial<Demo>;
  for (const k of ARRAY_FIELDS) delete scalars[k];
  const header: Header = {
    scalars: scalars as Scalars,
    arrays: ARRAY_FIELDS.map((name) => ({ name, dtype: d[name] instanceof Uint8Array ? 'u8' : 'f64', length: d[name].length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  let size = align8(4 + json.length);
  for (const k of ARRAY_FIELDS) size += align8(d[k].byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let o = align8(4 + json.length);
  for (const k of ARRAY_FIELDS) {
    const a = d[k];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += align8(a.byteLength);
  }
  return out;
}

export function unpackDemo(bytes: Uint8Array): Demo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))) as Header;
  const demo = { ...header.scalars } as Demo;
  let o = align8(4 + n);
  for (const a of header.arrays) {
    const nbytes = a.dtype === 'u8' ? a.length : a.length * 8;
    if (o + nbytes > bytes.length) throw new Error(`unpackDemo: truncated at ${a.name}`);
    // A fresh, aligned copy (Buffer.slice would return a view of a pooled buffer).
    const copy = new Uint8Array(bytes.subarray(o, o + nbytes));
    (demo as unknown as Record<string, unknown>)[a.name] = a.dtype === 'u8' ? copy : new Float64Array(copy.buffer);
    o += align8(nbytes);
  }
  return demo;
}

/** Base64 of `bytes` (browser pages hand packed demos to Node as a string through
 * page.evaluate; chunked so String.fromCharCode never gets too many arguments). */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
