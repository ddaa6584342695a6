// Keeps the ghost trajectory in the 3D view in step with the inspector: the chunk and round
// shown there, drawn as where the gripper would go if that partial chunk ran now.
// Reference: ghost.ts (the three.js overlay), inspectorModel.ghostPath (the points).
// Invariants: redraws the orbit view only (no sim re-mirror, no model-camera render); hides
// the ghost when no round is shown.
import { useEffect, type RefObject } from 'react';
import type { SceneView } from '../render/SceneView';
import type { GhostPath } from './ghost';
import { ghostPath } from './inspectorModel';
import type { ChunkRecord, PolicyDriver } from './policyDriver';

export function useGhost(ghost: RefObject<GhostPath | null>, view: RefObject<SceneView | null>, driver: RefObject<PolicyDriver | null>,
  chunk: ChunkRecord | null, shownRound: number, version: number): void {
  useEffect(() => {
    const d = driver.current;
    const m = d?.model.manifest;
    if (!ghost.current || !d || !m) return;
    if (!chunk || shownRound < 0) {
      ghost.current.set(null, [], []);
    } else {
      const g = ghostPath(chunk.trace, shownRound, { steps: m.action.chunkLength, dims: m.action.dims, maskId: m.action.maskId, start: chunk.start, binToValue: (b, dim) => d.model.codec.decodeValue(b, dim) });
      ghost.current.set(chunk.start, g.points, g.sure);
    }
    // Redraw the view only: invalidate() would also re-mirror the sim and re-render the model
    // cameras, a full frame of work per decoder round for a change of a few dots.
    view.current?.controls.dispatchEvent({ type: 'change' });
  }, [ghost, view, driver, chunk, shownRound, version]);
}
