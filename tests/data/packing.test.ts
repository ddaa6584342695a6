// Demo packing (browser -> Node transfer), the RGB -> I420 conversion of the video export, and
// the LeRobot parquet tables read back by an independent reader (hyparquet).
import { gunzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { DemoRecorder, quatToAxisAngle } from '../../src/data/demo';
import { makeInfo, writeParquet } from '../../src/data/lerobotTables';
import { packDemo, unpackDemo } from '../../src/data/pack';
import { i420Size, i420ToRgb, rgbToI420 } from '../../src/data/yuv';
import { syntheticDemo } from './synthetic';

describe('demo packing', () => {
  it('round-trips a demo exactly, through a Buffer with an offset', () => {
    const d = syntheticDemo(3, { steps: 7 });
    const packed = packDemo(d);
    const viaBuffer = Buffer.concat([Buffer.alloc(3), Buffer.from(packed)]).subarray(3);
    expect(unpackDemo(viaBuffer)).toEqual(d);
  });

  it('refuses a truncated buffer', () => {
    const packed = packDemo(syntheticDemo(4));
    expect(() => unpackDemo(packed.subarray(0, packed.length - 100))).toThrow(/truncated/);
  });
});

describe('DemoRecorder', () => {
  it('records obs before action, copies frames, and marks the last step', () => {
    const rec = new DemoRecorder({ taskId: 't', seed: 1, instruction: 'i', paraphraseIndex: 0, scene: '{}' }, 2, 2);
    const frame = new Uint8Array(12);
    const state = (x: number) => ({
      step: 0, failure: null, objects: [],
      arm: { q: [0, 0, 0, 0, 0, 0, x], tcp: { position: [x, 0, 0], quaternion: [0, 0, Math.sin(0.5), Math.cos(0.5)] }, opening: 0.04, gripperCommand: -1, grasped: null },
    }) as never;
    for (let t = 0; t < 3; t++) {
      frame.fill(t);
      rec.record(state(t), [t, 0, 0, 0, 0, 0, 1, 0.04], { agentview: frame, wrist: frame }, [t, 0, 0, 0, 0, 0, -1]);
    }
    const d = rec.finish(true);
    expect(d.numSamples).toBe(3);
    expect(Array.from(d.agentview.subarray(12, 24))).toEqual(new Array(12).fill(1)); // copied, not aliased
    expect(Array.from(d.dones)).toEqual([0, 0, 1]);
    expect(Array.from(d.rewards)).toEqual([0, 0, 1]);
    expect(Array.from(d.gripperStates.subarray(0, 2))).toEqual([0.02, -0.02]);
    expect(d.eeStates[6 + 5]).toBeCloseTo(1, 12); // rotation of 1 rad about z
    expect(d.actions[7]).toBe(1);
    expect(() => rec.record(state(0), [0], { agentview: frame, wrist: frame }, [0, 0, 0, 0, 0, 0, 0])).toThrow(/proprio/);
  });

  it('axis-angle has angle <= pi for both quaternion signs', () => {
    const q = [0, 0, Math.sin(1.4), Math.cos(1.4)];
    expect(quatToAxisAngle(q)[2]).toBeCloseTo(2.8, 12);
    expect(quatToAxisAngle(q.map((v) => -v))[2]).toBeCloseTo(2.8, 12);
  });
});

describe('RGB -> I420 (BT.601 limited)', () => {
  it('maps black, white and grey to the nominal levels', () => {
    const rgb = new Uint8Array([0, 0, 0, 255, 255, 255, 128, 128, 128, 128, 128, 128]);
    const yuv = rgbToI420(rgb, 2, 2);
    expect(yuv.length).toBe(i420Size(2, 2));
    expect(Array.from(yuv.subarray(0, 4))).toEqual([16, 235, 126, 126]);
    expect([yuv[4], yuv[5]]).toEqual([128, 128]);
  });

  it('round-trips flat-colour 2x2 blocks within 2 levels', () => {
    const w = 8, h = 4;
    const rgb = new Uint8Array(w * h * 3);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) for (let k = 0; k < 3; k++) rgb[(r * w + c) * 3 + k] = ((c >> 1) * 60 + (r >> 1) * 90 + k * 40) % 256;
    const back = i420ToRgb(rgbToI420(rgb, w, h), w, h);
    let worst = 0;
    for (let i = 0; i < rgb.length; i++) worst = Math.max(worst, Math.abs(back[i] - rgb[i]));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('rejects odd sizes', () => {
    expect(() => rgbToI420(new Uint8Array(27), 3, 3)).toThrow(/even/);
  });
});

describe('LeRobot tables', () => {
  it('writes REQUIRED columns and fixed-length lists that hyparquet reads back', async () => {
    const bytes = writeParquet([
      { name: 'index', type: 'INT64', data: [0n, 1n, 2n] },
      { name: 'timestamp', type: 'FLOAT', data: [0, 0.05, 0.1] },
      { name: 'action', type: 'FLOAT', list: 2, data: [[1, 2], [3, 4], [5, 6]] },
      { name: 'next.done', type: 'BOOLEAN', data: [false, false, true] },
      { name: 'tasks', type: 'STRING', list: 1, data: [['a'], ['b'], ['c']] },
    ]);
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) },
    });
    expect(rows.map((r) => [r.index, r.action, r['next.done'], r.tasks])).toEqual([
      [0n, [1, 2], false, ['a']],
      [1n, [3, 4], false, ['b']],
      [2n, [5, 6], true, ['c']],
    ]);
    expect(rows[1].timestamp).toBeCloseTo(0.05, 6);
  });

  it('info.json declares the v3 layout and both cameras as videos', () => {
    const info = makeInfo({ episodes: 2, frames: 30, tasks: 1, fps: 20, width: 64, height: 48, codec: 'vp9', source: {} }) as Record<string, any>;
    expect(info.codebase_version).toBe('v3.0');
    expect(info.features['observation.images.agentview'].shape).toEqual([48, 64, 3]);
    expect(info.features['observation.images.eye_in_hand'].info['video.codec']).toBe('vp9');
    expect(info.features.action.shape).toEqual([7]);
    expect(info.splits.train).toBe('0:2');
  });
});
