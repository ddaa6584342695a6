// Hand-built SimState fixtures for predicate and task tests: objects resting where a SceneSpec
// puts them, and a "solved" variant where each goal is met by moving objects directly.
import { objectHeight, defaultSize } from '../../src/sim/constants';
import type { ObjectKind, ObjectState, SceneSpec, SimState } from '../../src/sim/types';
import type { Goal } from '../../src/tasks/types';

export function yawQuat(yaw: number): [number, number, number, number] {
  return [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)];
}

export function obj(id: string, kind: ObjectKind, x: number, y: number, opts: Partial<ObjectState> & { z?: number; yaw?: number } = {}): ObjectState {
  const size = opts.size ?? defaultSize(kind);
  const height = objectHeight(kind, size);
  return {
    id,
    kind,
    color: opts.color ?? 'red',
    size,
    height,
    position: [x, y, opts.z ?? height / 2],
    quaternion: yawQuat(opts.yaw ?? 0),
    linearVelocity: [0, 0, 0],
    grasped: opts.grasped ?? false,
  };
}

export function stateOf(objects: ObjectState[], grasped: string | null = null): SimState {
  return {
    step: 0,
    arm: {
      q: [0, 0, 0, 0, 0, 0, 0],
      tcp: { position: [0, 0, 0.3], quaternion: [0, 0, 0, 1] },
      opening: 0.08,
      gripperCommand: -1,
      grasped,
    },
    objects: objects.map((o) => ({ ...o, grasped: o.id === grasped })),
    failure: null,
  };
}

/** Objects resting on the table where the scene spec places them. */
export function stateFromScene(scene: SceneSpec): SimState {
  return stateOf(scene.objects.map((o) => obj(o.id, o.kind, o.x, o.y, { size: o.size, yaw: o.yaw, color: o.color })));
}

/** Move objects so every goal holds (as an ideal expert would leave them). */
export function solvedState(start: SimState, goals: readonly Goal[]): SimState {
  const objects = start.objects.map((o) => ({ ...o, position: [...o.position] as [number, number, number] }));
  const get = (id: string) => objects.find((o) => o.id === id)!;
  let grasped: string | null = null;
  for (const g of goals) {
    if (g.type === 'in') {
      const o = get(g.object);
      const r = get(g.receptacle);
      const [ox, oy] = g.placeOffset ?? [0, 0];
      const floor = r.kind === 'plate' ? r.height : 0.01;
      o.position = [r.position[0] + ox, r.position[1] + oy, floor + o.height / 2];
    } else if (g.type === 'stacked') {
      const t = get(g.top);
      const b = get(g.base);
      t.position = [b.position[0], b.position[1], b.position[2] + b.height / 2 + t.height / 2];
    } else if (g.type === 'lifted') {
      const o = get(g.object);
      o.position = [o.position[0], o.position[1], g.height + o.height / 2 + 0.02];
      grasped = g.object;
    } else {
      const o = get(g.object);
      o.position = [(g.region.xMin + g.region.xMax) / 2, (g.region.yMin + g.region.yMax) / 2, o.height / 2];
    }
  }
  return stateOf(objects, grasped);
}
