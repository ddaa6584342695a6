// Decoder settings, applied live to the next chunk: mode (discrete diffusion or a baseline),
// rounds, schedule, ranking, temperature, remasking rule, the decoder seed, how many actions
// of each chunk run before replanning, two-step instructions whole or by clause, and whether a
// chunk's next actions run while the arm is still.
// Reference: src/decoder/settings.ts (meanings and defaults); docs/decoder.md.
// Invariants: only reports choices; null rounds, execute, subtasks and keepWhenStill mean the
// manifest's defaults.
import type { ReactNode } from 'react';
import { MODES, RANKINGS, REMASKS, SCHEDULES, type PageDecoder } from '../urlState';

export interface DecoderPanelProps {
  decoder: PageDecoder;
  /** The manifest's default rounds (shown when rounds is null). */
  defaultRounds: number | null;
  /** The manifest's default actions per chunk (shown when execute is null), and the chunk length. */
  defaultExecute: number | null;
  chunkLength: number | null;
  /** The manifest's default for feeding a multi-step instruction one clause at a time. */
  defaultSubtasks: boolean | null;
  /** The manifest's default for running a chunk's next actions while the arm is still. */
  defaultKeepWhenStill: boolean | null;
  onChange: (d: PageDecoder) => void;
  /** Extra content at the end of the panel (the decoder comparison). */
  children?: ReactNode;
}

const MODE_TEXT: Record<PageDecoder['mode'], string> = {
  dd: 'discrete diffusion',
  oneshot: 'one-shot (1 pass)',
  ar: 'autoregressive (56 passes)',
  random: 'random order',
};

function Pick<T extends string>({ label, value, options, onChange, disabled }: { label: string; value: T; options: readonly T[]; onChange: (v: T) => void; disabled?: boolean }) {
  return (
    <label className="field">
      {label}
      <select aria-label={label} data-testid={`dec-${label}`} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {label === 'mode' ? MODE_TEXT[o as PageDecoder['mode']] : o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A closed-loop switch whose null means "the model manifest's default" (shown with its value). */
function ModelDefaultChoice(p: { label: string; title: string; aria: string; testId: string; value: boolean | null; modelDefault: boolean | null; on: string; off: string; onChange: (v: boolean | null) => void }) {
  const choices = ['model default', p.on, p.off] as const;
  return (
    <label className="field" title={p.title}>
      {p.label}
      <select
        aria-label={p.aria}
        data-testid={p.testId}
        value={p.value === null ? choices[0] : p.value ? choices[1] : choices[2]}
        onChange={(e) => p.onChange(e.target.value === choices[1] ? true : e.target.value === choices[2] ? false : null)}
      >
        {choices.map((c, i) => (
          <option key={c} value={c}>
            {i === 0 && p.modelDefault !== null ? `model default (${p.modelDefault ? p.on : p.off})` : c}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The closed loop's on/off choices (null = the manifest's default). */
const CLOSED_LOOP_CHOICES = [
  { field: 'subtasks', label: 'steps', aria: 'two-step instructions', testId: 'dec-subtasks', on: 'one clause at a time', off: 'whole instruction',
    title: 'a two-step instruction ("... and then ..."): give the model one clause at a time, moving on when the gripper lets go of what it held' },
  { field: 'keepWhenStill', label: 'when still', aria: 'when the arm is still', testId: 'dec-keep', on: 'keep the plan', off: 'replan',
    title: "when the executed actions left the arm where it was: run the chunk's next actions (a new plan would start from the same observation) or replan" },
] as const;

export function DecoderPanel({ decoder: d, defaultRounds, defaultExecute, defaultSubtasks, defaultKeepWhenStill, chunkLength, onChange, children }: DecoderPanelProps) {
  const set = (patch: Partial<PageDecoder>) => onChange({ ...d, ...patch });
  const dd = d.mode === 'dd';
  const modelDefaults = { subtasks: defaultSubtasks, keepWhenStill: defaultKeepWhenStill };
  return (
    <section className="panel">
      <h2>Decoder</h2>
      <div className="fields">
        <Pick label="mode" value={d.mode} options={MODES} onChange={(mode) => set({ mode })} />
        <label className="field">
          rounds
          <input
            type="number"
            aria-label="rounds"
            data-testid="dec-rounds"
            min={1}
            max={56}
            disabled={d.mode === 'oneshot' || d.mode === 'ar'}
            placeholder={defaultRounds ? String(defaultRounds) : ''}
            value={d.rounds ?? ''}
            onChange={(e) => {
              const v = Math.floor(Number(e.target.value));
              set({ rounds: e.target.value === '' ? null : Number.isFinite(v) && v >= 1 && v <= 56 ? v : d.rounds });
            }}
          />
        </label>
        <Pick label="schedule" value={d.schedule} options={SCHEDULES} disabled={!dd && d.mode !== 'random'} onChange={(schedule) => set({ schedule })} />
        <Pick label="ranking" value={d.ranking} options={RANKINGS} disabled={!dd} onChange={(ranking) => set({ ranking })} />
        <Pick label="remask" value={d.remask} options={REMASKS} disabled={!dd} onChange={(remask) => set({ remask })} />
        <label className="field">
          temperature
          <input type="number" aria-label="temperature" data-testid="dec-temperature" min={0} max={5} step={0.1} value={d.temperature} onChange={(e) => set({ temperature: Math.max(0, Number(e.target.value) || 0) })} />
        </label>
        <label className="field" title="actions of each decoded chunk executed before the model observes again">
          execute
          <input
            type="number"
            aria-label="actions executed per chunk"
            data-testid="dec-execute"
            min={1}
            max={chunkLength ?? undefined}
            placeholder={defaultExecute ? String(defaultExecute) : ''}
            value={d.execute ?? ''}
            onChange={(e) => {
              const v = Math.floor(Number(e.target.value));
              const ok = Number.isFinite(v) && v >= 1 && (chunkLength === null || v <= chunkLength);
              set({ execute: e.target.value === '' ? null : ok ? v : d.execute });
            }}
          />
        </label>
        {CLOSED_LOOP_CHOICES.map((c) => (
          <ModelDefaultChoice key={c.field} {...c} value={d[c.field]} modelDefault={modelDefaults[c.field]} onChange={(v) => set({ [c.field]: v })} />
        ))}
        <label className="field">
          seed
          <input type="number" aria-label="decoder seed" data-testid="dec-seed" min={0} step={1} value={d.seed} onChange={(e) => set({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
        </label>
      </div>
      <p className="hint">Changes apply from the next chunk (the seed at reset); execute = how many of the chunk's actions run before the model looks again; when still = if those left the arm where it was, run the chunk's next ones instead of planning again from the same view. Baselines: one-shot commits every token from one pass; autoregressive fills one token per pass.</p>
      {children}
    </section>
  );
}
