// Success predicates on hand-built states: each true case has near-miss false cases.
import { describe, expect, it } from 'vitest';
import { allGoalsHold, findObject, isIn, isLifted, isPushedInto, isStacked, yawOf } from '../../src/tasks/predicates';
import { obj, stateOf, yawQuat } from './fixtures';

describe('isIn', () => {
  const bowl = obj('bowl', 'bowl', 0.1, 0.1);
  it('bowl: centred and resting counts; off-centre, hovering, held or under the table do not', () => {
    expect(isIn(obj('c', 'cube', 0.1, 0.1, { z: 0.03 }), bowl)).toBe(true);
    expect(isIn(obj('c', 'cube', 0.13, 0.12, { z: 0.03 }), bowl)).toBe(true);
    expect(isIn(obj('c', 'cube', 0.2, 0.1, { z: 0.03 }), bowl)).toBe(false);
    expect(isIn(obj('c', 'cube', 0.1, 0.1, { z: 0.15 }), bowl)).toBe(false);
    expect(isIn(obj('c', 'cube', 0.1, 0.1, { z: 0.03, grasped: true }), bowl)).toBe(false);
    expect(isIn(obj('c', 'cube', 0.1, 0.1, { z: -0.1 }), bowl)).toBe(false);
  });
  it('plate: on the flat part only', () => {
    const plate = obj('plate', 'plate', 0, 0);
    expect(isIn(obj('c', 'cube', 0.03, -0.02, { z: plate.height + 0.02 }), plate)).toBe(true);
    expect(isIn(obj('c', 'cube', 0.085, 0, { z: 0.02 }), plate)).toBe(false);
  });
  it('tray: tested in the tray frame, so a yawed tray accepts its own corners', () => {
    const tray = obj('tray', 'tray', 0, 0, { yaw: Math.PI / 4 });
    // Along the tray's own x axis, 7 cm out: inside. Same distance along world x: near a wall
    // of the yawed tray but still inside; 7 cm along world x and y: outside (past a wall).
    const c = Math.cos(Math.PI / 4) * 0.07;
    expect(isIn(obj('c', 'cube', c, c, { z: 0.03 }), tray)).toBe(true);
    expect(isIn(obj('c', 'cube', 0.07, 0.07, { z: 0.03 }), tray)).toBe(false);
    const straight = obj('tray', 'tray', 0, 0);
    expect(isIn(obj('c', 'cube', 0.07, 0.07, { z: 0.03 }), straight)).toBe(true);
  });
  it('refuses a non-receptacle', () => {
    expect(() => isIn(obj('a', 'cube', 0, 0), obj('b', 'cube', 0, 0))).toThrow(/not a receptacle/);
  });
});

describe('isStacked', () => {
  const base = obj('b', 'cube', 0, 0);
  const onTop = (dx: number, dz = 0) => obj('t', 'cube', dx, 0, { z: base.height + base.height / 2 + dz });
  it('accepts a centred, resting top and rejects offsets, gaps and held objects', () => {
    expect(isStacked(onTop(0), base)).toBe(true);
    expect(isStacked(onTop(0.015), base)).toBe(true);
    expect(isStacked(onTop(0.03), base)).toBe(false);
    expect(isStacked(onTop(0, 0.03), base)).toBe(false);
    expect(isStacked({ ...onTop(0), grasped: true }, base)).toBe(false);
    // A base lifted off the table (held up or resting on something) does not count.
    expect(isStacked(onTop(0, 0.05), { ...base, position: [0, 0, 0.07] })).toBe(false);
  });
});

describe('isLifted and isPushedInto', () => {
  it('lifted needs the grasp and the height', () => {
    expect(isLifted(obj('c', 'cube', 0, 0, { z: 0.12, grasped: true }), 0.08)).toBe(true);
    expect(isLifted(obj('c', 'cube', 0, 0, { z: 0.12 }), 0.08)).toBe(false);
    expect(isLifted(obj('c', 'cube', 0, 0, { z: 0.09, grasped: true }), 0.08)).toBe(false);
  });
  it('pushed needs the region, the table and no grasp', () => {
    const r = { xMin: 0, xMax: 0.1, yMin: -0.05, yMax: 0.05 };
    expect(isPushedInto(obj('c', 'cube', 0.05, 0), r)).toBe(true);
    expect(isPushedInto(obj('c', 'cube', -0.01, 0), r)).toBe(false);
    expect(isPushedInto(obj('c', 'cube', 0.05, 0.06), r)).toBe(false);
    expect(isPushedInto(obj('c', 'cube', 0.05, 0, { grasped: true }), r)).toBe(false);
    expect(isPushedInto(obj('c', 'cube', 0.05, 0, { z: 0.1 }), r)).toBe(false);
  });
});

describe('allGoalsHold', () => {
  it('needs every goal and no physics failure; unknown ids throw', () => {
    const bowl = obj('bowl', 'bowl', 0, 0);
    const a = obj('a', 'cube', 0, 0, { z: 0.03 });
    const b = obj('b', 'cube', 0.2, 0);
    const goals = [
      { type: 'in' as const, object: 'a', receptacle: 'bowl' },
      { type: 'in' as const, object: 'b', receptacle: 'bowl' },
    ];
    expect(allGoalsHold(goals.slice(0, 1), stateOf([bowl, a, b]))).toBe(true);
    expect(allGoalsHold(goals, stateOf([bowl, a, b]))).toBe(false);
    expect(allGoalsHold(goals.slice(0, 1), { ...stateOf([bowl, a, b]), failure: 'physics-blowup' })).toBe(false);
    expect(() => findObject(stateOf([bowl]), 'nope')).toThrow(/no object "nope".*bowl/);
  });
  it('yawOf inverts a yaw quaternion', () => {
    for (const y of [-1.2, 0, 0.4, 3]) expect(yawOf(yawQuat(y))).toBeCloseTo(y, 9);
  });
});
