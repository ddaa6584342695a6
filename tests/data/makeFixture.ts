// Writes the TS -> Python parity fixture for training/tests/test_datasets.py:
//   <dir>/tiny.hdf5           a few synthetic demos written by the TS writer
//   <dir>/tiny_expected.json  what the TS READER returns for them: per demo, shape and sha256 of
//                             every array's little-endian bytes, plus the attributes and stats.
// Python must read identical arrays (same sha256) from the same file.
// Usage: npx tsx tests/data/makeFixture.ts <dir>
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hdf5DatasetReader } from '../../src/data/hdf5Reader';
import { Hdf5DatasetWriter } from '../../src/data/hdf5Writer';
import { OBS_KEYS, DEMO_KEYS } from '../../src/data/layout';
import { syntheticDemo } from './synthetic';

const sha = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

async function main(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'tiny.hdf5');
  const w = await Hdf5DatasetWriter.create(path);
  for (let i = 0; i < 11; i++) w.addDemo(syntheticDemo(7 + i, { steps: 4 + (i % 3), width: 20, height: 14 }));
  w.finish({
    envArgs: { env_name: 'vla-sim', type: 'fixture' },
    problemInfo: { problem_name: 'fixture', language_instruction: ['put the object in the bowl'] },
    collectArgs: { fixture: true },
  });
  const r = await Hdf5DatasetReader.open(path);
  const demos = r.demoNames.map((name) => {
    const d = r.readDemo(name);
    const T = d.numSamples;
    const arrays: Record<string, { shape: number[]; sha256: string }> = {};
    const put = (key: string, a: ArrayBufferView, shape: number[]) => (arrays[key] = { shape, sha256: sha(a) });
    put(OBS_KEYS.agentview, d.agentview, [T, d.height, d.width, 3]);
    put(OBS_KEYS.wrist, d.wrist, [T, d.height, d.width, 3]);
    put(OBS_KEYS.eeStates, d.eeStates, [T, 6]);
    put(OBS_KEYS.eePos, d.eePos, [T, 3]);
    put(OBS_KEYS.eeOri, d.eeOri, [T, 3]);
    put(OBS_KEYS.gripperStates, d.gripperStates, [T, 2]);
    put(OBS_KEYS.jointStates, d.jointStates, [T, d.nJoints]);
    put(OBS_KEYS.proprio, d.proprio, [T, 8]);
    put(DEMO_KEYS.actions, d.actions, [T, 7]);
    put(DEMO_KEYS.rewards, d.rewards, [T]);
    put(DEMO_KEYS.dones, d.dones, [T]);
    put(DEMO_KEYS.states, d.states, [T, d.stateDim]);
    const attrs = {
      num_samples: T,
      task_id: d.taskId,
      seed: d.seed,
      instruction: d.instruction,
      paraphrase_index: d.paraphraseIndex,
      success: d.success,
      scene: d.scene,
    };
    return { name, attrs, arrays };
  });
  const expected = { attrs: r.attrs, stats: r.readStats(), demos };
  r.close();
  writeFileSync(join(dir, 'tiny_expected.json'), JSON.stringify(expected, null, 1));
}

main(process.argv[2] ?? '.tmp/data-fixture').catch((e) => {
  console.error(e);
  process.exit(1);
});
