// The page's test hook, `window.__vla`: a tiny read-mostly surface the e2e test drives instead
// of scraping the DOM for numbers. Reference: tests/e2e/run.ts is its only client.
// Invariants: the hook never bypasses the UI's own code paths (its actions call the same
// handlers as the buttons), and frames() reports the frames last drawn in the camera panel.
import type { EpisodeStatus } from './episode';
import type { FrameStats } from './frameStats';

/** What the e2e test can read and do. */
export interface VlaTestHook {
  /** The 3D view and the first scene are up. */
  ready: boolean;
  /** Status of the current episode (null before the first scene). */
  status: EpisodeStatus | null;
  /** Frames drawn so far in the camera panel (counts renders, not sim steps). */
  framesDrawn: number;
  /** Statistics of the last agent-view and wrist frames, or null before the first. */
  frames(): { agentview: FrameStats; wrist: FrameStats } | null;
  /** Ids of every task, in picker order. */
  taskIds(): string[];
  /** Loads a task and seed (like the picker + "New scene"). */
  newScene(taskId: string, seed: number): void;
  /** Starts the scripted expert (like "Run expert"). */
  runExpert(): void;
  pause(): void;
  reset(): void;
  /** The model in use (null before the first one loaded). */
  model: { name: string; label: string; backend: string; rounds: number } | null;
  /** A model load is in flight. */
  loading: boolean;
  /** TCP position of the arm now (replay checks). */
  tcp(): number[] | null;
  /** Objects with their sim position and where they appear on screen (client pixels). */
  objects(): { id: string; position: number[]; screen: [number, number] }[];
  /** The newest decoded chunk (null without a model). */
  decode(): { chunks: number; nfe: number; roundsDone: number; rounds: number; complete: boolean; waiting: boolean; busy: boolean; roundMs: number[]; encoderMs: number; spans: number[][];
    /** Longest encoder run or decoder round of any chunk (an upper bound of the decoder's own main-thread slices). */
    maxSliceMs: number;
    /** Times a chunk's next actions ran because the arm was still (keepWhenStill), this episode. */
    kept: number } | null;
}

declare global {
  interface Window {
    __vla?: VlaTestHook;
  }
}

export function installTestHook(hook: VlaTestHook): void {
  window.__vla = hook;
}
