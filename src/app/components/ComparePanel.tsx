// Side-by-side decoders: discrete diffusion and the baselines (one-shot, autoregressive, random
// order) decode the same observation; the table shows each one's forward passes (NFE), time
// and how far its chunk lies from the discrete-diffusion chunk.
// Reference: src/app/policyDriver.ts compare(); DD-VLA's NFE comparison (12 vs 56 passes).
// Invariants: a pure view of the rows; distances are computed here from the actions.
import type { CompareRow } from '../policyDriver';

export interface ComparePanelProps {
  rows: CompareRow[] | null;
  busy: boolean;
  disabled: boolean;
  onCompare: () => void;
}

/** Mean |a - b| of the position deltas (dims 0-2) over the chunk, in millimetres per step. */
export function positionGapMm(a: number[][], b: number[][]): number {
  let sum = 0;
  let n = 0;
  for (let h = 0; h < Math.min(a.length, b.length); h++) {
    for (let d = 0; d < 3; d++) {
      sum += Math.abs(a[h][d] - b[h][d]);
      n++;
    }
  }
  return n ? (1000 * sum) / n : 0;
}

export function ComparePanel({ rows, busy, disabled, onCompare }: ComparePanelProps) {
  const ref = rows?.find((r) => r.mode === 'dd') ?? null;
  return (
    <div className="compare">
      <button type="button" data-testid="compare" disabled={disabled || busy} onClick={onCompare} title="decode the last observation with every decoder">
        {busy ? 'Comparing…' : 'Compare decoders on the last observation'}
      </button>
      {rows && (
        <table data-testid="compare-table">
          <thead>
            <tr>
              <th>decoder</th>
              <th>NFE</th>
              <th>ms</th>
              <th title="mean |position delta - DD's| per step">vs DD (mm)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.mode} data-mode={r.mode} data-nfe={r.nfe}>
                <td>{r.mode}</td>
                <td>{r.nfe}</td>
                <td>{r.ms.toFixed(0)}</td>
                <td>{ref ? positionGapMm(r.actions, ref.actions).toFixed(2) : '-'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
