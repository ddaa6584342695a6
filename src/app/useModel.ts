// The page's model slot as a React hook: loads a model (bundled name, URL, or dropped files)
// on a chosen backend, validates it, and only then swaps it in; the previous model keeps
// running when a load is refused, and is disposed after a successful swap.
// Reference: src/policy/VlaModel.load (validation), src/runtime/ortBackend (backends),
// src/app/modelSources.ts (sources, size limit, progress).
// Invariants: the latest load request wins (an older one finishing later is discarded); at
// most one PolicyDriver is current; errors are shown as text, never thrown into React.
import { useCallback, useRef, useState, type RefObject } from 'react';
import { prepareTf } from '../policy/observation';
import { VlaModel } from '../policy/VlaModel';
import { createOrtBackend } from '../runtime/ortBackend';
import { filesSource, meteredSource, sourceFor, type LoadProgress } from './modelSources';
import { PolicyDriver } from './policyDriver';
import type { PageState } from './urlState';

export interface ModelSlot {
  driver: RefObject<PolicyDriver | null>;
  /** Name and backend of the model in use, e.g. { name: 'test-random', backend: 'WASM (1 thread)' }. */
  info: { name: string; backend: string } | null;
  loading: LoadProgress | null;
  error: string | null;
  /** Loads and validates; true when the new model is now in use. */
  load(model: string, backend: PageState['backend'], files?: File[]): Promise<boolean>;
  pauseBeforeRound: boolean;
  setPauseBeforeRound(on: boolean): void;
}

export function useModel(onUpdate: () => void): ModelSlot {
  const driver = useRef<PolicyDriver | null>(null);
  const [info, setInfo] = useState<ModelSlot['info']>(null);
  const [loading, setLoading] = useState<LoadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pauseBeforeRound, setPause] = useState(false);
  const request = useRef(0);

  const load = useCallback(
    async (model: string, pref: PageState['backend'], files?: File[]): Promise<boolean> => {
      const id = ++request.current;
      setLoading({ bytes: 0, files: 0, totalFiles: 4 });
      setError(null);
      try {
        const backend = await createOrtBackend(pref);
        const src = files ? await filesSource(files) : sourceFor(model);
        const metered = meteredSource(src, (p) => id === request.current && setLoading(p));
        const m = await VlaModel.load(metered, backend);
        await prepareTf();
        if (id !== request.current) {
          await m.dispose();
          return false;
        }
        const old = driver.current;
        const d = new PolicyDriver(m, old?.settings ?? {}, old?.executeSteps ?? null);
        d.onUpdate = onUpdate;
        d.pauseBeforeRound = old?.pauseBeforeRound ?? false;
        driver.current = d;
        if (old) {
          old.reset(0, '', 0); // aborts its plan in flight
          void old.model.dispose();
        }
        const b = backend.info;
        setInfo({ name: m.manifest.name, backend: b.name === 'wasm' ? `WASM (${b.threads} thread${b.threads > 1 ? 's' : ''})` : `WebGPU (${b.adapter})` });
        return true;
      } catch (e) {
        if (id === request.current) setError(`Model refused, the previous one is still in use. ${e instanceof Error ? e.message : String(e)}`);
        return false;
      } finally {
        if (id === request.current) setLoading(null);
      }
    },
    [onUpdate],
  );

  const setPauseBeforeRound = useCallback((on: boolean) => {
    setPause(on);
    const d = driver.current;
    if (!d) return;
    d.pauseBeforeRound = on;
    if (!on) d.next(); // a decoder waiting at a gate carries on
  }, []);

  return { driver, info, loading, error, load, pauseBeforeRound, setPauseBeforeRound };
}
