// The denoising inspector: the chunk as an H x D grid for one round of the decode, each cell
// coloured by the model's confidence and marked by its state (masked, committed this round,
// re-masked, kept); hovering a cell lists its top candidate bins with their continuous
// values. A scrubber and the keyboard (left/right: round, N: next round when paused) move
// through the rounds; per-round time and NFE are shown.
// Reference: src/app/inspectorModel.ts (states, colours, candidates); src/decoder/trace.ts.
// Invariants: a pure view of a ChunkRecord (no decode state of its own besides the hovered
// cell); keyboard shortcuts are ignored while the user types in a text field.
import { useEffect, useState } from 'react';
import { CELL_LEGEND, cellState, confidenceColour, confidenceLevel, roundCounts, topCandidates } from '../inspectorModel';
import type { ChunkRecord } from '../policyDriver';

export interface InspectorProps {
  chunk: ChunkRecord | null;
  /** Selected round, 0-based; clamped to the rounds done. */
  round: number;
  onRound: (r: number) => void;
  actionNames: readonly string[];
  maskId: number;
  binToValue: (bin: number, dim: number) => number;
  pauseBeforeRound: boolean;
  onPauseBeforeRound: (on: boolean) => void;
  waiting: boolean;
  onNext: () => void;
}

const fmt = (v: number) => (Math.abs(v) < 0.1 ? v.toFixed(4) : v.toFixed(3));

export function Inspector(p: InspectorProps) {
  const [hover, setHover] = useState<number | null>(null);
  const trace = p.chunk?.trace ?? null;
  const done = trace?.roundsDone ?? 0;
  const r = Math.min(p.round, done - 1);
  const { onRound, onNext, waiting } = p;
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      // Typing fields and sliders keep their keys; checkboxes and buttons do not need them.
      const typing = t instanceof HTMLInputElement ? !['checkbox', 'button', 'radio'].includes(t.type) : t?.tagName === 'TEXTAREA' || t?.tagName === 'SELECT';
      if (typing) return;
      if (e.key === 'ArrowLeft' && r > 0) onRound(r - 1);
      else if (e.key === 'ArrowRight' && r < done - 1) onRound(r + 1);
      // N is always passed on: the page's handler ignores it when no round is waiting, and a
      // prop read here could lag one render behind the decoder.
      else if (e.key === 'n' || e.key === 'N') onNext();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [r, done, onRound, onNext]);

  const D = p.actionNames.length;
  const H = trace ? trace.tokens / D : 0;
  const counts = trace && r >= 0 ? roundCounts(trace, r, p.maskId) : null;
  const ms = p.chunk?.roundMs[r];
  return (
    <section className="panel inspector" data-testid="inspector">
      <h2>
        Denoising inspector
        <span className="muted" data-testid="inspector-summary">
          {p.chunk ? `chunk ${p.chunk.index + 1} · NFE ${p.chunk.nfe} · encoder ${p.chunk.encoderMs.toFixed(1)} ms` : 'no chunk yet'}
        </span>
      </h2>
      {p.chunk?.clause && (
        <p className="hint" data-testid="inspector-clause">
          step {p.chunk.clause.index + 1} of {p.chunk.clause.of}: “{p.chunk.instruction}”
        </p>
      )}
      {p.chunk?.stallEscape && (
        <p className="hint" data-testid="inspector-stall-escape">
          stall escape: the plans before this one got the arm nowhere ({p.chunk.stallEscape.stillPlans} in a row left it still; or, by the hover rule, it stayed within a small ball), so this chunk was sampled at temperature {p.chunk.stallEscape.temperature} instead of decoded greedily
        </p>
      )}
      {p.chunk && p.chunk.kept > 0 && (
        <p className="hint" data-testid="inspector-kept">
          the arm was still after this chunk's executed actions: its next actions ran instead of a new plan ({p.chunk.kept}×)
        </p>
      )}
      <div className="row">
        <label className="check">
          <input type="checkbox" data-testid="pause-before-round" checked={p.pauseBeforeRound} onChange={(e) => p.onPauseBeforeRound(e.target.checked)} />
          pause before each round
        </label>
        {waiting && (
          <button type="button" className="primary" data-testid="next-round" onClick={onNext} title="keyboard: N">
            Next round ▸
          </button>
        )}
      </div>
      {!trace || r < 0 ? (
        <p className="hint">
          {waiting
            ? 'The decoder waits before round 1: all 56 tokens are masked. Press N or "Next round".'
            : 'Run or step the model: every chunk of actions is decoded in rounds, starting fully masked. Each round appears here.'}
        </p>
      ) : (
        <>
          <div className="row">
            <input
              type="range"
              aria-label="round"
              data-testid="round-scrubber"
              min={0}
              max={Math.max(0, done - 1)}
              value={r}
              onChange={(e) => onRound(Number(e.target.value))}
            />
            <span className="round-label" data-testid="round-label">
              round {r + 1} / {trace.rounds}
            </span>
          </div>
          <div className="muted small" data-testid="round-stats">
            {counts && `${counts.committed} committed · ${counts.remasked} re-masked · ${counts.masked} masked · ${counts.kept} kept`}
            {ms !== undefined && ` · ${ms.toFixed(1)} ms`}
            {waiting && r === done - 1 && ' · waiting for you (N)'}
          </div>
          <div className="grid" style={{ gridTemplateColumns: `2.2em repeat(${D}, 1fr)` }} onMouseLeave={() => setHover(null)}>
            <span />
            {p.actionNames.map((n) => (
              <span key={n} className="grid-head">{n}</span>
            ))}
            {Array.from({ length: H }, (_, h) => [
              <span key={`h${h}`} className="grid-head">t{h}</span>,
              ...Array.from({ length: D }, (_, d) => {
                const i = h * D + d;
                const state = cellState(trace, r, i, p.maskId);
                const conf = trace.confidence[r * trace.tokens + i];
                return (
                  <span
                    key={i}
                    className={`cell ${state}`}
                    data-state={state}
                    style={state === 'masked' ? undefined : { background: confidenceColour(confidenceLevel(conf, p.maskId)) }}
                    onMouseEnter={() => setHover(i)}
                  />
                );
              }),
            ])}
          </div>
          <div className="legend">
            {CELL_LEGEND.map((l) => (
              <span key={l.state}>
                <span className={`cell ${l.state} swatch`} /> {l.text}
              </span>
            ))}
            <span>
              <span className="ramp" /> confidence: chance (1/{p.maskId}) → 1, log scale
            </span>
          </div>
          <div className="hover" data-testid="cell-detail">
            {hover === null ? (
              <span className="muted">Hover a cell: its top candidate bins and values. ←/→ move through rounds.</span>
            ) : (
              <>
                <b>
                  t{Math.floor(hover / D)} {p.actionNames[hover % D]}
                </b>{' '}
                confidence {trace.confidence[r * trace.tokens + hover].toFixed(3)}:{' '}
                {topCandidates(trace, r, hover, p.binToValue, D).map((c) => (
                  <span key={c.bin} className="cand">
                    bin {c.bin} = {fmt(c.value)} ({(c.prob * 100).toFixed(1)}%)
                  </span>
                ))}
              </>
            )}
          </div>
        </>
      )}
    </section>
  );
}
