// Grasp yaw choice: canonical when clear, the other face pair when the hand would hit a neighbour.
import { describe, expect, it } from 'vitest';
import { graspYaw, handClearance } from '../../src/expert/grasp';
import { obj, stateOf } from '../tasks/fixtures';

describe('graspYaw', () => {
  it('uses the canonical yaw (cube yaw wrapped to +-45 degrees) when nothing is near', () => {
    const s = stateOf([obj('c', 'cube', 0, 0, { yaw: 1.2 })]);
    expect(graspYaw(s, 'c')).toBeCloseTo(1.2 - Math.PI / 2, 9);
    expect(graspYaw(stateOf([obj('r', 'cylinder', 0, 0)]), 'r')).toBe(0);
  });
  it('turns the palm away from a stacked cube beside the target', () => {
    // Stack 9 cm along +y: at yaw 0 the palm (17 cm wide along y) would sweep over it.
    const s = stateOf([
      obj('c', 'cube', 0, 0),
      obj('base', 'cube', 0, 0.09),
      obj('top', 'cube', 0, 0.09, { z: 0.06 }),
    ]);
    expect(handClearance(s, s.objects[0], 0)).toBeLessThan(0);
    const psi = graspYaw(s, 'c');
    expect(Math.abs(psi)).toBeCloseTo(Math.PI / 2, 9);
    expect(handClearance(s, s.objects[0], psi)).toBeGreaterThan(0.012);
  });
  it('ignores low neighbours that pass under the palm', () => {
    // A single cube 11 cm away is below the palm and beyond the open fingertips: keep yaw 0,
    // although the palm spans it; 9 cm away the fingers would come within 1 cm: turn.
    const s = stateOf([obj('c', 'cube', 0, 0), obj('n', 'cube', 0, 0.11)]);
    expect(graspYaw(s, 'c')).toBe(0);
    const near = stateOf([obj('c', 'cube', 0, 0), obj('n', 'cube', 0, 0.09)]);
    expect(Math.abs(graspYaw(near, 'c'))).toBeCloseTo(Math.PI / 2, 9);
  });
});
