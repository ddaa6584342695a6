// The grasp rule clause by clause (docs/sim.md), dropping into receptacles, and a scripted
// pick-and-place like the one the expert performs.
import { describe, expect, it } from 'vitest';
import { GRIPPER, Sim, simMath, type ObjectSpec, type SceneSpec } from '../../src/sim';
import { CLOSE, OPEN, hold, moveTo, pickAndPlace, typicalScene } from './helpers';

const scene = (...objects: ObjectSpec[]): SceneSpec => ({ objects });
const cube = (over: Partial<ObjectSpec> = {}): ObjectSpec =>
  ({ id: 'cube', kind: 'cube', color: 'red', x: 0.05, y: 0.05, yaw: 0, ...over });

/** Lowers the open gripper to (x, y, z) at yaw, then closes for `closeSteps` control steps. */
function descendAndClose(sim: Sim, x: number, y: number, z: number, yaw = 0, closeSteps = 6): void {
  moveTo(sim, [x, y, 0.15], OPEN, { yaw });
  moveTo(sim, [x, y, z], OPEN, { yaw });
  hold(sim, CLOSE, closeSteps);
}

function insideReceptacle(sim: Sim, objId: string, recId: string): boolean {
  const o = sim.object(objId), r = sim.object(recId);
  const radial = Math.hypot(o.position[0] - r.position[0], o.position[1] - r.position[1]);
  if (radial >= r.size / 2) return false;
  // On a plate: resting on its top. In a bowl or tray: centre below the rim (so not perched
  // on it), above the table top.
  if (r.kind === 'plate') return Math.abs(o.position[2] - (r.height + o.height / 2)) < 0.006;
  return o.position[2] < r.height && o.position[2] > 0;
}

describe('gripper', () => {
  it('closes at a finite rate (about 0.2 s from open to closed) and fully on nothing', () => {
    const sim = new Sim(scene());
    sim.step([0, 0, 0, 0, 0, 0, CLOSE]);
    expect(sim.state().arm.opening).toBeCloseTo(GRIPPER.maxOpening * (1 - 0.05 / GRIPPER.closeTime), 6);
    hold(sim, CLOSE, 3);
    expect(sim.state().arm.opening).toBeCloseTo(0, 9);
    hold(sim, OPEN, 4);
    expect(sim.state().arm.opening).toBeCloseTo(GRIPPER.maxOpening, 9);
  });

  it('fingers stop at the object width (cube edge, its diagonal when turned 45 deg, cylinder, ball)', () => {
    const cases: [ObjectSpec, number][] = [
      [cube(), 0.04],
      [cube({ yaw: Math.PI / 4 }), 0.04 * Math.SQRT2],
      [cube({ kind: 'cylinder' }), 0.04],
      [cube({ kind: 'ball' }), 0.04],
    ];
    for (const [spec, width] of cases) {
      const sim = new Sim(scene(spec));
      descendAndClose(sim, spec.x, spec.y, 0.02);
      const s = sim.state();
      expect(s.arm.grasped).toBe('cube');
      expect(Math.abs(s.arm.opening - width)).toBeLessThan(1e-3);
    }
  });
});

describe('grasp rule', () => {
  it('attaches when "close" and the fingers have closed onto an object between the pads', () => {
    const sim = new Sim(scene(cube({ yaw: 0.3 })));
    descendAndClose(sim, 0.05, 0.05, 0.02, 0.3, 1);
    expect(sim.state().arm.grasped).toBeNull(); // still closing: not touching yet
    hold(sim, CLOSE, 4);
    expect(sim.state().arm.grasped).toBe('cube');
    expect(sim.object('cube').grasped).toBe(true);
  });

  it('does not attach an object outside the pad region (beside the pads, or below the tips)', () => {
    const beside = new Sim(scene(cube()));
    descendAndClose(beside, 0.05 + 0.045, 0.05, 0.02); // offset along the pad width (hand x)
    expect(beside.state().arm.grasped).toBeNull();
    const above = new Sim(scene(cube()));
    descendAndClose(above, 0.05, 0.05, 0.1); // tips 0.045 m above the cube's top face
    expect(above.state().arm.grasped).toBeNull();
    expect(above.state().arm.opening).toBeCloseTo(0, 9); // closed on nothing
  });

  it('does not attach when already-closed fingers are pushed onto an object', () => {
    const sim = new Sim(scene(cube()));
    moveTo(sim, [0.05, 0.05, 0.15], CLOSE);
    moveTo(sim, [0.05, 0.05, 0.04], CLOSE, { maxSteps: 40, tol: 0.005 });
    expect(sim.state().arm.grasped).toBeNull();
  });

  it('never attaches a receptacle, even one that fits between the pads', () => {
    const bowl = cube({ id: 'cube', kind: 'bowl', color: 'white', size: 0.06 });
    const sim = new Sim(scene(bowl));
    descendAndClose(sim, bowl.x, bowl.y, 0.016);
    expect(sim.state().arm.grasped).toBeNull();
    // Control: a graspable of the same width at the same place is attached.
    const sim2 = new Sim(scene(cube({ size: 0.06 })));
    descendAndClose(sim2, bowl.x, bowl.y, 0.03);
    expect(sim2.state().arm.grasped).toBe('cube');
  });

  it('carries the object rigidly (fixed TCP-relative pose) while attached', () => {
    const sim = new Sim(scene(cube({ kind: 'cylinder' })));
    descendAndClose(sim, 0.05, 0.05, 0.025);
    expect(sim.state().arm.grasped).toBe('cube');
    const rel = () => {
      const s = sim.state(), o = sim.object('cube');
      const inv = simMath.quatConjugate(s.arm.tcp.quaternion);
      const d = [0, 1, 2].map((k) => o.position[k] - s.arm.tcp.position[k]);
      return { p: simMath.rotateVec(inv, d), q: simMath.quatMultiply(inv, o.quaternion) };
    };
    const r0 = rel();
    moveTo(sim, [-0.1, -0.15, 0.25], CLOSE, { yaw: 0.8 });
    for (let i = 0; i < 5; i++) sim.step([0, 0, 0, 0.05, -0.05, 0, CLOSE]); // tilt too
    const r1 = rel();
    expect(simMath.vecDistance(r0.p, r1.p)).toBeLessThan(1e-6);
    expect(simMath.quatAngle(r0.q, r1.q)).toBeLessThan(1e-6);
    expect(sim.object('cube').position[2]).toBeGreaterThan(0.15);
  });

  it('releases on "open": the object becomes dynamic with the hand velocity and falls', () => {
    const sim = new Sim(scene(cube()));
    descendAndClose(sim, 0.05, 0.05, 0.02);
    moveTo(sim, [0.05, 0.05, 0.12], CLOSE);
    sim.step([0.02, 0, 0, 0, 0, 0, CLOSE]); // moving along +x at 0.4 m/s ...
    sim.step([0.02, 0, 0, 0, 0, 0, OPEN]); // ... when it lets go
    const s = sim.state();
    expect(s.arm.grasped).toBeNull();
    expect(sim.object('cube').grasped).toBe(false);
    expect(sim.object('cube').linearVelocity[0]).toBeGreaterThan(0.2);
    hold(sim, OPEN, 30);
    const o = sim.object('cube');
    expect(o.position[2]).toBeCloseTo(0.02, 2); // back on the table
    expect(o.position[0]).toBeGreaterThan(0.09); // and it flew forward a bit
  });
});

describe('pushing', () => {
  for (const speed of [0.002, 0.02]) {
    it(`closed fingers moving at ${speed / 0.05} m/s push a resting (asleep) cube along`, () => {
      const sim = new Sim(scene(cube({ x: 0.0, y: 0.0 })));
      hold(sim, CLOSE, 30); // the cube falls asleep, the gripper closes
      moveTo(sim, [-0.06, 0, 0.15], CLOSE);
      moveTo(sim, [-0.06, 0, 0.025], CLOSE);
      const steps = Math.round(0.1 / speed);
      for (let i = 0; i < steps; i++) sim.step([speed, 0, 0, 0, 0, 0, CLOSE]);
      const x = sim.object('cube').position[0];
      // The TCP ends at x = 0.04, the fingers' front faces at 0.05: the cube centre near 0.07.
      expect(x).toBeGreaterThan(0.055);
      expect(x).toBeLessThan(0.08);
    });
  }
});

describe('receptacles', () => {
  for (const kind of ['bowl', 'tray', 'plate'] as const) {
    for (const item of ['cube', 'cylinder', 'ball'] as const) {
      it(`a ${item} dropped over a ${kind} ends up in/on it`, () => {
        const sim = new Sim(scene(
          { id: 'r', kind, color: 'white', x: 0.1, y: -0.1, yaw: 0.4 },
          { id: 'o', kind: item, color: 'red', x: -0.1, y: 0.1, yaw: 0 },
        ));
        sim.setObjectPose('o', [0.11, -0.09, 0.15], simMath.quatFromRpy(0.3, 0.2, 0.5));
        hold(sim, OPEN, 40);
        if (kind === 'plate' && item === 'ball') return; // a flat disc cannot keep a ball
        expect(insideReceptacle(sim, 'o', 'r')).toBe(true);
      });
    }
  }
});

describe('scripted pick and place', () => {
  it('moves above the cube, descends, closes, lifts, moves over the bowl, opens: cube in bowl', () => {
    const sim = new Sim(typicalScene());
    const before = sim.state();
    pickAndPlace(sim, 'red_cube', [0.145, -0.14]); // to one side, leaving room for the next
    hold(sim, OPEN, 20);
    expect(insideReceptacle(sim, 'red_cube', 'white_bowl')).toBe(true);
    // Bystanders were not disturbed.
    for (const id of ['green_cube', 'blue_cube', 'yellow_cube', 'orange_cylinder']) {
      const o0 = before.objects.find((o) => o.id === id)!;
      expect(simMath.vecDistance(o0.position, sim.object(id).position)).toBeLessThan(0.005);
    }
    // A second pick from the same sim: the cylinder, into the bowl too.
    pickAndPlace(sim, 'orange_cylinder', [0.095, -0.14], 0.12);
    hold(sim, OPEN, 20);
    expect(insideReceptacle(sim, 'orange_cylinder', 'white_bowl')).toBe(true);
    expect(sim.state().failure).toBeNull();
  });
});
