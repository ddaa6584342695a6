// Wires the page's state into the e2e test hook (`window.__vla`, see testHook.ts): reads go
// to the live refs, actions to the same handlers as the buttons.
// Reference: tests/e2e/run.ts (the only client).
// Invariants: installed once per change of the handlers; never holds page state of its own.
import { useEffect, type RefObject } from 'react';
import type { SceneView } from '../render/SceneView';
import type { Episode } from './episode';
import type { FrameStats } from './frameStats';
import { objectsOnScreen } from './objectDrag';
import type { PolicyDriver } from './policyDriver';
import { installTestHook, type VlaTestHook } from './testHook';

export interface PageTestHookDeps {
  view: RefObject<SceneView | null>;
  episode: RefObject<Episode | null>;
  driver: RefObject<PolicyDriver | null>;
  lastFrames: RefObject<{ agentview: FrameStats; wrist: FrameStats } | null>;
  framesDrawn: RefObject<number>;
  taskIds: string[];
  loading: boolean;
  newScene(taskId: string, seed: number): void;
  runExpert(): void;
  pause(): void;
  reset(): void;
}

/** The newest chunk's decode as the e2e reads it (null without a model). */
export function decodeSummary(d: PolicyDriver | null): ReturnType<VlaTestHook['decode']> {
  if (!d) return null;
  const c = d.chunks.at(-1);
  return {
    chunks: d.chunks.length,
    nfe: c?.nfe ?? 0,
    roundsDone: c?.trace.roundsDone ?? 0,
    rounds: c?.trace.rounds ?? 0,
    complete: c?.complete ?? false,
    waiting: d.waiting,
    busy: d.busy,
    roundMs: c?.roundMs ?? [],
    encoderMs: c?.encoderMs ?? 0,
    spans: d.chunks.map((k) => [k.startedAt, k.endedAt]),
    maxSliceMs: Math.max(0, ...d.chunks.map((k) => Math.max(k.encoderMs, ...k.roundMs))),
    kept: d.chunks.reduce((n, k) => n + k.kept, 0),
  };
}

export function usePageTestHook(deps: PageTestHookDeps): void {
  const { view, episode, driver, lastFrames, framesDrawn, taskIds, loading, newScene, runExpert, pause, reset } = deps;
  useEffect(() => {
    installTestHook({
      get ready() {
        return view.current !== null && episode.current !== null && (framesDrawn.current ?? 0) > 0;
      },
      get status() {
        return episode.current?.status ?? null;
      },
      get framesDrawn() {
        return framesDrawn.current ?? 0;
      },
      frames: () => lastFrames.current,
      taskIds: () => taskIds,
      newScene,
      runExpert,
      pause,
      reset,
      get model() {
        const d = driver.current;
        return d ? { name: d.model.manifest.name, label: d.model.label, backend: d.model.backend.name, rounds: d.model.manifest.decoding.rounds } : null;
      },
      tcp: () => (episode.current ? [...episode.current.sim.state().arm.tcp.position] : null),
      objects: () => (view.current && episode.current ? objectsOnScreen(view.current, episode.current.sim) : []),
      get loading() {
        return loading;
      },
      decode: () => decodeSummary(driver.current),
    });
  }, [view, episode, driver, lastFrames, framesDrawn, taskIds, loading, newScene, runExpert, pause, reset]);
}
