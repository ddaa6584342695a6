// The parallel gripper: kinematic hand and finger bodies driven by velocities, finger opening
// dynamics, and the grasp rule (attach / carry / release).
// Reference: docs/sim.md "Grasp rule"; kinematic bodies in cannon-es are moved by their
// velocity during World.step, which is what lets them push dynamic objects plausibly.
// Invariants: the opening stays in [0, maxOpening] and never closes past a graspable object
// between the pads; at most one object is attached; an attached object keeps a fixed
// hand-relative transform and is KINEMATIC; only GRASPABLE_KINDS are ever attached.

import * as CANNON from 'cannon-es';
import { fingerOffset } from './armGeometry';
import { GRASP_RULE, GRIPPER } from './constants';
import { quatConjugate, quatMultiply, rotateVec, rotVecFromQuat } from './math';
import { GROUP_ARM, GROUP_OBJECT, OBJECT_MASK } from './scene';
import { extentAlong } from './shapes';
import type { SimObject } from './Sim';
import type { Pose, Quat, Vec3 } from './types';

const OPEN_RATE = GRIPPER.maxOpening / GRIPPER.closeTime; // m/s of opening change
const HAND_Y: Vec3 = [0, 1, 0];
const FINGER_Z = GRIPPER.tcpOffset + GRIPPER.fingerCenter; // finger centre on the hand z axis

/** cannon-es wakes a sleeping body touched by a moving one only if the mover's speed exceeds
 * sqrt(2) x the MOVER's sleepSpeedLimit; otherwise both are immovable in the solve and pass
 * through each other. Arm bodies (and a held object) get a tiny limit so that any motion wakes
 * what they touch. */
const MOVER_SLEEP_LIMIT = 1e-4;

function kinematicBox(world: CANNON.World, half: readonly number[]): CANNON.Body {
  const b = new CANNON.Body({ type: CANNON.Body.KINEMATIC, mass: 0, allowSleep: false,
    sleepSpeedLimit: MOVER_SLEEP_LIMIT,
    collisionFilterGroup: GROUP_ARM, collisionFilterMask: GROUP_OBJECT });
  b.addShape(new CANNON.Box(new CANNON.Vec3(half[0], half[1], half[2])));
  world.addBody(b);
  return b;
}

export class Gripper {
  /** Distance between the pads, metres. */
  opening: number = GRIPPER.maxOpening;
  /** Last thresholded command: -1 open, +1 close. */
  command = -1;
  private openingFrom: number = GRIPPER.maxOpening;
  private grasped: SimObject | null = null;
  private graspWidth = 0; // width of the held object between the pads at attach time
  private heldSleepLimit = 0; // the held object's own sleepSpeedLimit, restored on release
  private readonly relP: Vec3 = [0, 0, 0]; // grasped object position in the hand frame
  private readonly relQ: Quat = [0, 0, 0, 1]; // grasped object orientation in the hand frame
  private readonly hand: CANNON.Body;
  private readonly fingers: [CANNON.Body, CANNON.Body];
  private readonly v3: Vec3 = [0, 0, 0];
  private readonly v3b: Vec3 = [0, 0, 0];
  private readonly q4: Quat = [0, 0, 0, 1];
  private readonly q4b: Quat = [0, 0, 0, 1];
  private readonly axisY: Vec3 = [0, 0, 0];

  constructor(private readonly world: CANNON.World, private readonly objects: SimObject[]) {
    this.hand = kinematicBox(world, GRIPPER.handHalf);
    this.fingers = [kinematicBox(world, GRIPPER.fingerHalf), kinematicBox(world, GRIPPER.fingerHalf)];
  }

  graspedId(): string | null {
    return this.grasped ? this.grasped.spec.id : null;
  }

  /** Applies a new command; opening the gripper releases the held object with the hand's
   * velocity (linVel at `origin`, angVel about it). */
  setCommand(cmd: number, linVel: Vec3, angVel: Vec3, origin: Readonly<Vec3>): void {
    this.command = cmd;
    if (cmd < 0 && this.grasped) {
      const p = this.grasped.body.position;
      const r = [p.x - origin[0], p.y - origin[1], p.z - origin[2]];
      this.release([
        linVel[0] + angVel[1] * r[2] - angVel[2] * r[1],
        linVel[1] + angVel[2] * r[0] - angVel[0] * r[2],
        linVel[2] + angVel[0] * r[1] - angVel[1] * r[0],
      ]);
    }
  }

  /** Makes the held object dynamic again with velocity `vel` (null: at rest). */
  release(vel: Vec3 | null): void {
    const o = this.grasped;
    if (!o) return;
    this.grasped = null;
    const b = o.body;
    b.type = CANNON.Body.DYNAMIC;
    b.allowSleep = true;
    b.sleepSpeedLimit = this.heldSleepLimit;
    b.collisionFilterMask = OBJECT_MASK;
    b.velocity.set(vel ? vel[0] : 0, vel ? vel[1] : 0, vel ? vel[2] : 0);
    b.angularVelocity.setZero();
    b.wakeUp();
  }

  // Object centre in the hand frame, into this.v3.
  private toHand(o: SimObject, hand: Pose): Vec3 {
    const p = o.body.position;
    this.v3b[0] = p.x - hand.position[0]; this.v3b[1] = p.y - hand.position[1]; this.v3b[2] = p.z - hand.position[2];
    return rotateVec(quatConjugate(hand.quaternion, this.q4), this.v3b, this.v3);
  }

  /** True if the object's centre lies in the pad region (between the pads, inside the pad
   * rectangle widened by padTolerance). */
  private inPadRegion(o: SimObject, hand: Pose): boolean {
    const h = this.toHand(o, hand);
    const tol = GRASP_RULE.padTolerance;
    return Math.abs(h[0]) <= GRIPPER.fingerHalf[0] + tol &&
      Math.abs(h[2] - FINGER_Z) <= GRIPPER.fingerHalf[2] + tol &&
      Math.abs(h[1]) <= this.opening / 2;
  }

  private widthOf(o: SimObject, hand: Pose): number {
    rotateVec(hand.quaternion, HAND_Y, this.axisY);
    const q = o.body.quaternion;
    this.q4b[0] = q.x; this.q4b[1] = q.y; this.q4b[2] = q.z; this.q4b[3] = q.w;
    return extentAlong(o.geom, this.q4b, this.axisY);
  }

  /** Moves the fingers one substep: open/close at the finite rate, stopping at the width of a
   * graspable object between the pads. */
  advanceOpening(dt: number, hand: Pose): void {
    this.openingFrom = this.opening;
    if (this.command < 0) {
      this.opening = Math.min(GRIPPER.maxOpening, this.opening + OPEN_RATE * dt);
      return;
    }
    if (this.grasped) {
      // Attached a little before contact (widthTolerance): finish closing onto its faces.
      this.opening = Math.max(this.graspWidth, this.opening - OPEN_RATE * dt);
      return;
    }
    let next = Math.max(0, this.opening - OPEN_RATE * dt);
    for (const o of this.objects) {
      if (!o.graspable || !this.inPadRegion(o, hand)) continue;
      next = Math.max(next, Math.min(this.widthOf(o, hand), this.opening));
    }
    this.opening = next;
  }

  /** Grasp rule: with the command "close", attach the first graspable object whose centre is
   * in the pad region and whose width matches the opening within widthTolerance. */
  tryAttach(hand: Pose): void {
    if (this.command < 0 || this.grasped) return;
    for (const o of this.objects) {
      if (!o.graspable || !this.inPadRegion(o, hand)) continue;
      const width = this.widthOf(o, hand);
      if (Math.abs(this.opening - width) > GRASP_RULE.widthTolerance) continue;
      this.grasped = o;
      this.graspWidth = Math.min(width, this.opening);
      const b = o.body;
      // relQ = hand^-1 * obj; relP = hand^-1 (p - hand.p)
      this.toHand(o, hand);
      this.relP[0] = this.v3[0]; this.relP[1] = this.v3[1]; this.relP[2] = this.v3[2];
      this.q4b[0] = b.quaternion.x; this.q4b[1] = b.quaternion.y; this.q4b[2] = b.quaternion.z; this.q4b[3] = b.quaternion.w;
      quatMultiply(quatConjugate(hand.quaternion, this.q4), this.q4b, this.relQ);
      b.type = CANNON.Body.KINEMATIC;
      b.allowSleep = false;
      this.heldSleepLimit = b.sleepSpeedLimit;
      b.sleepSpeedLimit = MOVER_SLEEP_LIMIT;
      // Fingers hold it and kinematic-static pairs never respond: test only free objects.
      b.collisionFilterMask = GROUP_OBJECT;
      b.velocity.setZero();
      b.angularVelocity.setZero();
      b.wakeUp();
      return;
    }
  }

  // Places `body` at hand * (offset, rel) for pose `from`, with the velocity reaching `to`.
  private drive(body: CANNON.Body, from: Pose, to: Pose, offFrom: Vec3, offTo: Vec3, rel: Quat | null, dt: number, snap: boolean): void {
    const a = rotateVec(from.quaternion, offFrom, this.v3);
    const ax = from.position[0] + a[0], ay = from.position[1] + a[1], az = from.position[2] + a[2];
    const b = rotateVec(to.quaternion, offTo, this.v3b);
    const bx = to.position[0] + b[0], by = to.position[1] + b[1], bz = to.position[2] + b[2];
    const qa = rel ? quatMultiply(from.quaternion, rel, this.q4) : from.quaternion;
    body.position.set(snap ? bx : ax, snap ? by : ay, snap ? bz : az);
    if (snap) {
      const qb = rel ? quatMultiply(to.quaternion, rel, this.q4) : to.quaternion;
      body.quaternion.set(qb[0], qb[1], qb[2], qb[3]);
      body.velocity.setZero();
      body.angularVelocity.setZero();
    } else {
      body.quaternion.set(qa[0], qa[1], qa[2], qa[3]);
      body.velocity.set((bx - ax) / dt, (by - ay) / dt, (bz - az) / dt);
      // Angular velocity of the hand (the body turns with it whatever its offset).
      quatMultiply(to.quaternion, quatConjugate(from.quaternion, this.q4b), this.q4b);
      const w = rotVecFromQuat(this.q4b, this.v3);
      body.angularVelocity.set(w[0] / dt, w[1] / dt, w[2] / dt);
    }
    body.aabbNeedsUpdate = true;
  }

  private readonly offA: Vec3 = [0, 0, 0];
  private readonly offB: Vec3 = [0, 0, 0];
  private static readonly HAND_OFF: Vec3 = [0, 0, GRIPPER.handCenter];

  /** Sets hand, fingers and the held object at hand pose `from`, moving towards `to` over dt
   * (snap: put them exactly at `to`, at rest). */
  placeArm(from: Pose, to: Pose, dt: number, snap = false): void {
    this.drive(this.hand, from, to, Gripper.HAND_OFF, Gripper.HAND_OFF, null, dt, snap);
    for (let i = 0; i < 2; i++) {
      const side = i === 0 ? 1 : -1;
      fingerOffset(this.openingFrom, side, this.offA);
      fingerOffset(this.opening, side, this.offB);
      this.drive(this.fingers[i], from, to, this.offA, this.offB, null, dt, snap);
    }
    if (this.grasped) this.drive(this.grasped.body, from, to, this.relP, this.relP, this.relQ, dt, snap);
  }
}
