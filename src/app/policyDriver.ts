// The page's closed loop with a VLA model: plan a chunk (encode once, decode round by round),
// hand out its actions one control step at a time, replan when they run out (or, with
// keepWhenStill and the arm still, hand out the chunk's next actions: src/policy/chunkPlan.ts,
// the same rule as VlaPolicy's). Unlike VlaPolicy
// it keeps every chunk's decode trace and per-round times for the inspector, can wait for the
// user before each round, and takes decoder settings that change between chunks.
// Reference: src/policy/VlaPolicy.ts (same RNG seeding, same encode/decode/codec path);
// src/decoder decode() `beforeRound` and `signal` hooks.
// Invariants: at most one plan in flight; a plan started for an older episode (generation) is
// dropped; while waiting at a round gate nothing runs on the main thread; the decoder RNG is
// Rng(seed).fork(task#seed) at reset, so an episode replays exactly from the URL; between rounds
// the loop yields to the event loop so the page keeps drawing during a decode.
import { decoderDefaults, defaultExecuteSteps, defaultKeepWhenStill, defaultStallEscape, defaultSubtasks } from '../core/manifest';
import { Rng } from '../core/rng';
import { decode, type DecodeTrace, type DecoderMode, type DecoderSettings } from '../decoder';
import { ChunkPlan } from '../policy/chunkPlan';
import { SubtaskSequencer } from '../policy/subtasks';
import type { EncoderInputs, VlaModel } from '../policy/VlaModel';

/** One decoded chunk as the inspector shows it. */
export interface ChunkRecord {
  /** Index of the chunk in the episode (0-based). */
  index: number;
  /** Control step at which it was planned. */
  step: number;
  trace: DecodeTrace;
  /** Milliseconds of each decoder round (forward pass + decode logic). [round] */
  roundMs: number[];
  encoderMs: number;
  /** Forward passes so far (= NFE when complete). */
  nfe: number;
  /** TCP position when planned (the ghost trajectory starts here). */
  start: number[];
  /** The instruction the model was given: the whole one, or with subtasks on the current clause. */
  instruction: string;
  /** With subtasks on: which clause (0-based) of how many; null when the instruction went whole. */
  clause: { index: number; of: number } | null;
  settings: Partial<DecoderSettings>;
  /** Times the arm was still at the end of this chunk's executed actions and its next ones ran
   * instead of a new plan (keepWhenStill). */
  kept: number;
  /** Sampled by the stall escape (the manifest's decoding.stallPlans, stallTemperature and hover rule): the
   * plans before it had left the arm still `stillPlans` times in a row. */
  stallEscape: { stillPlans: number; temperature: number } | null;
  complete: boolean;
  /** performance.now() when planning started and ended (NaN while running): the e2e measures
   * main-thread stalls inside these spans. */
  startedAt: number;
  endedAt: number;
}

/** One decoder of a side-by-side comparison on the same observation. */
export interface CompareRow {
  mode: DecoderMode;
  nfe: number;
  /** Wall milliseconds of the decode (encoder excluded: it runs once for all rows). */
  ms: number;
  /** The decoded chunk, continuous actions [step][dim]. */
  actions: number[][];
}

const now = (): number => performance.now();
/** Lets the browser paint and handle input between rounds. */
const yieldToPage = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export class PolicyDriver {
  /** Actions of the current chunk not yet executed. */
  private queue: number[][] = [];
  private rng = new Rng(0);
  private generation = 0;
  private gate: (() => void) | null = null;
  private abort: { aborted: boolean } | null = null;
  /** A plan is in flight. */
  busy = false;
  /** Wait for next() before each round. */
  pauseBeforeRound = false;
  chunks: ChunkRecord[] = [];
  /** Inputs of the last planned chunk (the comparison reuses them). */
  lastInputs: EncoderInputs | null = null;
  /** Called after every round and when a chunk completes (the UI redraws). */
  onUpdate: (() => void) | null = null;
  /** The episode's clause sequencer (subtasks on), rebuilt when the instruction text changes. */
  private sequencer: SubtaskSequencer | null = null;
  /** The latest chunk's actions beyond the executed ones, and what it was planned from. */
  private chunkPlan: ChunkPlan | null = null;

  constructor(
    readonly model: VlaModel,
    /** Decoder settings for the next chunk (changed live by the page). */
    public settings: Partial<DecoderSettings>,
    /** Actions of each chunk executed before replanning; null = the manifest's default.
     * Clamped to the chunk length. */
    public executeSteps: number | null = null,
    /** Feed a multi-step instruction one clause at a time (src/policy/subtasks.ts); null = the
     * manifest's default. */
    public subtasks: boolean | null = null,
    /** Run a chunk's next actions while the arm is still (src/policy/chunkPlan.ts); null = the
     * manifest's default. */
    public keepWhenStill: boolean | null = null,
  ) {}

  /** Whether the next chunk gets one clause at a time. */
  get clauses(): boolean {
    return this.subtasks ?? defaultSubtasks(this.model.manifest);
  }

  /** The text to give the model for the next chunk, reading the gripper opening (metres) of the
   * observation: the whole instruction, or the clause in force. */
  instructionFor(instruction: string, opening: number): Pick<ChunkRecord, 'instruction' | 'clause'> {
    if (!this.clauses) return { instruction, clause: null };
    if (this.sequencer?.instruction !== instruction) this.sequencer = new SubtaskSequencer(instruction);
    const text = this.sequencer.observe(opening);
    return { instruction: text, clause: { index: this.sequencer.step, of: this.sequencer.clauses.length } };
  }

  /** Whether a chunk's next actions run while the arm is still. */
  get keeps(): boolean {
    return this.keepWhenStill ?? defaultKeepWhenStill(this.model.manifest);
  }

  /** With keepWhenStill on and the arm still since the latest chunk was planned (proprio in
   * PROPRIO_NAMES order; the instruction from instructionFor), queues that chunk's next actions
   * and returns true: no new plan is needed. */
  continuePlan(proprio: ArrayLike<number>, instruction: string): boolean {
    if (this.busy || !this.keeps) return false;
    const kept = this.chunkPlan?.continueFrom(proprio, instruction) ?? null;
    if (!kept) return false;
    this.queue = kept;
    const last = this.chunks[this.chunks.length - 1];
    if (last) last.kept++;
    this.onUpdate?.();
    return true;
  }

  /** Actions of the next chunk that will run before replanning. */
  get stepsPerChunk(): number {
    const H = this.model.manifest.action.chunkLength;
    return Math.max(1, Math.min(H, this.executeSteps ?? defaultExecuteSteps(this.model.manifest)));
  }

  /** New episode: drops any plan in flight and the queued actions, reseeds the decoder RNG. */
  reset(decoderSeed: number, taskId: string, episodeSeed: number): void {
    this.generation++;
    if (this.abort) this.abort.aborted = true;
    this.releaseGate();
    this.queue = [];
    this.chunks = [];
    this.sequencer = null;
    this.chunkPlan = null;
    this.busy = false;
    this.rng = new Rng(decoderSeed).fork(`${taskId}#${episodeSeed}`);
    this.onUpdate?.();
  }

  /** The next action of the current chunk, or null when a new chunk must be planned. */
  nextAction(): number[] | null {
    return this.queue.shift() ?? null;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** True while the decoder waits for the user before a round. */
  get waiting(): boolean {
    return this.gate !== null;
  }

  /** Lets the decoder run its next round (pause-before-round mode). */
  next(): void {
    this.releaseGate();
  }

  private releaseGate(): void {
    const g = this.gate;
    this.gate = null;
    g?.();
  }

  /** Plans one chunk from encoder inputs (built from `proprio`, PROPRIO_NAMES order); queues its
   * actions unless the episode changed meanwhile. */
  async plan(inputs: EncoderInputs, step: number, start: number[], given: Pick<ChunkRecord, 'instruction' | 'clause'>, proprio: ArrayLike<number>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const gen = this.generation;
    const abort = { aborted: false };
    this.abort = abort;
    const m = this.model;
    const a = m.manifest.action;
    const stallEscape = this.chunkPlan?.stallEscapeNow(proprio, given.instruction, defaultStallEscape(m.manifest)) ?? null;
    const settings: Partial<DecoderSettings> = { ...(decoderDefaults(m.manifest) as Partial<DecoderSettings>), ...this.settings, vocabSize: a.vocabSize, ...(stallEscape ? { temperature: stallEscape.temperature } : {}) };
    this.lastInputs = inputs;
    const t0 = now();
    const cache = await m.encode(inputs);
    const rec: ChunkRecord = { index: this.chunks.length, step, trace: null as unknown as DecodeTrace, roundMs: [], encoderMs: now() - t0, nfe: 0, start, ...given, settings, kept: 0, stallEscape, complete: false, startedAt: t0, endedAt: NaN };
    let tRound = now();
    try {
      const res = await decode({
        shape: { steps: a.chunkLength, dims: a.dims },
        maskId: a.maskId,
        settings,
        rng: this.rng,
        signal: abort,
        beforeRound: async ({ round, trace }) => {
          if (!rec.trace) {
            rec.trace = trace;
            this.chunks.push(rec);
          } else rec.roundMs.push(now() - tRound);
          this.onUpdate?.();
          await yieldToPage();
          if (this.pauseBeforeRound && gen === this.generation) {
            await new Promise<void>((r) => {
              this.gate = r;
              this.onUpdate?.(); // the page shows "Next round" only once the gate exists
            });
          }
          tRound = now();
          void round;
        },
        tokensToLogits: async (tokens) => {
          rec.nfe++;
          return m.logits(tokens, cache);
        },
      });
      rec.roundMs.push(now() - tRound);
      rec.trace = res.trace;
      rec.complete = true;
      rec.endedAt = now();
      if (gen === this.generation) {
        this.chunkPlan = new ChunkPlan(this.stepsPerChunk, this.keeps, this.chunkPlan);
        this.queue = this.chunkPlan.take(m.codec.decodeChunk(res.tokens), proprio, given.instruction);
      }
    } catch (e) {
      if (!abort.aborted) throw e;
    } finally {
      m.releaseCache(cache);
      if (gen === this.generation) this.busy = false;
      this.onUpdate?.();
    }
  }

  /** Decodes the last observation once per mode with the current settings, each with its own
   * RNG (the episode's RNG is not touched, so the episode still replays). */
  async compare(modes: readonly DecoderMode[]): Promise<CompareRow[]> {
    const inputs = this.lastInputs;
    if (!inputs) throw new Error('compare: no observation yet (run or step the model first)');
    const m = this.model;
    const a = m.manifest.action;
    const cache = await m.encode(inputs);
    const rows: CompareRow[] = [];
    try {
      for (const mode of modes) {
        const t = now();
        const res = await decode({
          shape: { steps: a.chunkLength, dims: a.dims },
          maskId: a.maskId,
          settings: { ...(decoderDefaults(m.manifest) as Partial<DecoderSettings>), ...this.settings, mode, vocabSize: a.vocabSize },
          rng: new Rng(0).fork(`compare:${mode}`),
          beforeRound: yieldToPage,
          tokensToLogits: (tokens) => m.logits(tokens, cache),
        });
        rows.push({ mode, nfe: res.forwardPasses, ms: now() - t, actions: m.codec.decodeChunk(res.tokens) });
      }
    } finally {
      m.releaseCache(cache);
    }
    return rows;
  }
}
