// Browser runtime e2e on a production build: `vite build` of the evaluation page, served by
// `vite preview` (COOP/COEP from vite.config.ts), loads models/test-random on WASM and WebGPU and
// decodes a chunk. Guards the asset wiring of src/runtime/ortBackend.ts (`?url` .wasm/.mjs):
// a wrong path shows up here as a "magic word" or 404 error, not in the dev-server test.
// Run alone: `npx tsx tests/e2e/runtimeBuild.ts` (~1-2 min, most of it the build); or call
// runtimeBuildE2e(check) from tests/e2e/run.ts.
import { pathToFileURL } from 'node:url';
import { openEvalBrowser } from '../../scripts/lib/evalBrowser';
import { runStandalone, type Check } from './runtime';

export async function runtimeBuildE2e(check: Check): Promise<void> {
  const t0 = Date.now();
  const b = await openEvalBrowser({ serve: 'build' });
  try {
    check('built evaluation page starts', true, `build + start ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    for (const backend of ['wasm', 'webgpu'] as const) {
      const init = await b.call('init', { modelUrl: '/models/test-random', modelLabel: 'models/test-random', backend });
      const r = await b.call('bench', { decoder: { mode: 'dd', rounds: 4 }, prefixCache: true, chunks: 1, task: 'object/red_cube_in_bowl', seed: 0 });
      check(`built page: ${backend} loads the model and decodes a chunk`, init.backend.name === backend && r.nfe === 4, `${init.backend.threads} threads, ${r.msPerChunk[0].toFixed(0)} ms/chunk`);
    }
    check('built page: no console errors', b.errors.length === 0, b.errors.slice(0, 3).join(' | '));
  } finally {
    await b.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runStandalone('runtime build e2e', runtimeBuildE2e);
