// The headless tabletop simulator: a kinematic 7-joint arm with a parallel gripper among
// cannon-es rigid bodies, stepped at 20 Hz with a fixed number of fixed-dt physics substeps.
// Reference: cannon-es World.step(dt) (fixed-dt form only: the interpolating form reads the
// clock); grasp rule and controller documented in docs/sim.md.
// Invariants: joint angles are the arm state (never dynamic); non-finite numbers in an action
// never reach the state; once `failure` is set no further physics step runs; same spec + same
// actions -> bit-identical states (no clock, no unseeded random numbers, fixed iteration order).

import * as CANNON from 'cannon-es';
import { armFramesFromFk, wristCameraFromTcp } from './armGeometry';
import { HOME_Q, TABLE } from './constants';
import { Controller, type ControllerOptions } from './controller';
import { Gripper } from './gripper';
import { FRAME_TCP, fkInto, makeFkBuffer, poseOfFrame } from './kinematics';
import { quatCanonical } from './math';
import { addObjectBody, createWorld, updateTableContact, validateSceneSpec, type ValidateOptions } from './scene';
import type { ObjectGeometry } from './shapes';
import {
  CONTROL_HZ, GRASPABLE_KINDS, PROPRIO_DIM, type ObjectSpec, type ObjectState, type Pose, type Quat,
  type SceneSpec, type SimFailure, type SimState, type StepInfo, type Vec3,
} from './types';

export interface SimOptions extends ControllerOptions, ValidateOptions {
  /** Physics step, seconds; must divide the 0.05 s control period. @default 1/240 */
  physicsDt?: number;
  /** Gauss-Seidel iterations per physics step. @default 10 */
  solverIterations?: number;
  /** Contact friction coefficient. @default 0.6 */
  friction?: number;
  /** Contact stiffness; see scene.ts for why it is below cannon's 1e7. @default 1e5 */
  contactStiffness?: number;
}

/** One simulated object: its spec, geometry and body. */
export interface SimObject {
  spec: ObjectSpec;
  geom: ObjectGeometry;
  body: CANNON.Body;
  graspable: boolean;
}

/** Beyond these a body is considered blown up (m, m/s, rad/s). */
const BLOWUP = { maxAbsXY: 10, minZ: -TABLE.height - 1, maxZ: 10, maxSpeed: 25, maxSpin: 300 };

export class Sim {
  /** The scene this sim was built from (not copied: treat as read-only). */
  readonly spec: SceneSpec;
  /** Physics step in seconds. */
  readonly physicsDt: number;
  /** Physics substeps per control step. */
  readonly substeps: number;
  private readonly world: CANNON.World;
  private readonly objects: SimObject[] = [];
  private readonly byId = new Map<string, SimObject>();
  private readonly controller: Controller;
  private readonly gripper: Gripper;
  private readonly fk = makeFkBuffer();
  private stepCount = 0;
  // Scratch poses for the substep loop (hand at the start / end of a substep).
  private readonly tcpA: Pose = { position: [0, 0, 0], quaternion: [0, 0, 0, 1] };
  private readonly tcpB: Pose = { position: [0, 0, 0], quaternion: [0, 0, 0, 1] };
  private handA: Pose = { position: [0, 0, 0], quaternion: [0, 0, 0, 1] };
  private handB: Pose = { position: [0, 0, 0], quaternion: [0, 0, 0, 1] };
  private failure: SimFailure | null = null;

  constructor(spec: SceneSpec, options: SimOptions = {}) {
    validateSceneSpec(spec, options);
    this.spec = spec;
    const dt = options.physicsDt ?? 1 / 240;
    const n = Math.round(1 / CONTROL_HZ / dt);
    if (!(dt > 0) || n < 1 || Math.abs(n * dt - 1 / CONTROL_HZ) > 1e-9) {
      throw new Error(`SimOptions.physicsDt = ${dt} must divide the control period 1/${CONTROL_HZ} s`);
    }
    this.physicsDt = dt;
    this.substeps = n;
    this.world = createWorld({
      solverIterations: options.solverIterations ?? 10,
      friction: options.friction ?? 0.6,
      contactStiffness: options.contactStiffness ?? 1e5,
    });
    for (const o of spec.objects) {
      const { body, geom } = addObjectBody(this.world, o);
      const so: SimObject = { spec: o, geom, body, graspable: GRASPABLE_KINDS.includes(o.kind) };
      this.objects.push(so);
      this.byId.set(o.id, so);
    }
    this.controller = new Controller(spec.armQ ?? HOME_Q, options);
    this.gripper = new Gripper(this.world, this.objects);
    this.gripper.placeArm(this.controller.handPose0, this.controller.handPose0, dt, true);
  }

  /** Advances one 20 Hz control step under `action` ([dx, dy, dz, droll, dpitch, dyaw, gripper]). */
  step(action: ArrayLike<number>): StepInfo {
    if (this.failure) return { clipped: false, refused: false, ikPositionError: 0, failure: this.failure };
    const c = this.controller, g = this.gripper, dt = this.physicsDt, n = this.substeps;
    const plan = c.plan(action, g.command);
    g.setCommand(plan.gripper, c.linVel, c.angVel, c.tcpPosition);
    c.handFromTcp(c.tcpAt(0, this.tcpA), this.handA);
    for (let k = 1; k <= n; k++) {
      c.handFromTcp(c.tcpAt(k / n, this.tcpB), this.handB);
      g.advanceOpening(dt, this.handA);
      g.placeArm(this.handA, this.handB, dt);
      this.world.step(dt);
      if (this.detectBlowup()) {
        this.failure = 'physics-blowup';
        break;
      }
      g.tryAttach(this.handB);
      const t = this.handA; this.handA = this.handB; this.handB = t;
    }
    c.commit();
    if (!this.failure) g.placeArm(this.handA, this.handA, dt, true);
    this.stepCount++;
    return { clipped: plan.clipped, refused: plan.refused, ikPositionError: plan.ikPositionError, failure: this.failure };
  }

  // Also applies the table-edge rule (scene.ts) to every free body: one pass over the objects.
  private detectBlowup(): boolean {
    for (const o of this.objects) {
      const b = o.body;
      if (b.type !== CANNON.Body.DYNAMIC) continue;
      updateTableContact(b);
      const p = b.position, v = b.velocity, w = b.angularVelocity;
      const q = b.quaternion;
      const finite = Number.isFinite(p.x + p.y + p.z + v.x + v.y + v.z + w.x + w.y + w.z + q.x + q.y + q.z + q.w);
      if (!finite) return true;
      if (Math.abs(p.x) > BLOWUP.maxAbsXY || Math.abs(p.y) > BLOWUP.maxAbsXY) return true;
      if (p.z < BLOWUP.minZ || p.z > BLOWUP.maxZ) return true;
      if (v.lengthSquared() > BLOWUP.maxSpeed ** 2 || w.lengthSquared() > BLOWUP.maxSpin ** 2) return true;
    }
    return false;
  }

  /** A fresh, deep copy of the whole state. */
  state(): SimState {
    const c = this.controller;
    return {
      step: this.stepCount,
      arm: {
        q: Array.from(c.q),
        tcp: c.tcpPose(),
        opening: this.gripper.opening,
        gripperCommand: this.gripper.command,
        grasped: this.gripper.graspedId(),
      },
      objects: this.objects.map((o) => this.objectState(o)),
      failure: this.failure,
    };
  }

  /** Proprio vector [x, y, z, qx, qy, qz, qw, opening] (types.ts PROPRIO layout). */
  proprio(out: Float32Array = new Float32Array(PROPRIO_DIM)): Float32Array {
    const t = this.controller.tcpPose();
    out[0] = t.position[0]; out[1] = t.position[1]; out[2] = t.position[2];
    out[3] = t.quaternion[0]; out[4] = t.quaternion[1]; out[5] = t.quaternion[2]; out[6] = t.quaternion[3];
    out[7] = this.gripper.opening;
    return out;
  }

  /** State of object `id`; throws if there is none. */
  object(id: string): ObjectState {
    return this.objectState(this.get(id));
  }

  private get(id: string): SimObject {
    const o = this.byId.get(id);
    if (!o) throw new Error(`Sim: unknown object id "${id}" (known: ${[...this.byId.keys()].join(', ')})`);
    return o;
  }

  private objectState(o: SimObject): ObjectState {
    const b = o.body;
    return {
      id: o.spec.id,
      kind: o.spec.kind,
      color: o.spec.color,
      size: o.geom.size,
      height: o.geom.height,
      position: [b.position.x, b.position.y, b.position.z],
      quaternion: quatCanonical([b.quaternion.x, b.quaternion.y, b.quaternion.z, b.quaternion.w]),
      linearVelocity: [b.velocity.x, b.velocity.y, b.velocity.z],
      grasped: this.gripper.graspedId() === o.spec.id,
    };
  }

  /** World poses of the arm's visual frames: base, links 1..7, hand, left finger, right finger
   * (draw them with ARM_GEOMETRY). */
  armFrames(): Pose[] {
    fkInto(this.controller.q, this.fk);
    return armFramesFromFk(this.fk, this.gripper.opening);
  }

  /** Wrist camera pose (looks along local -z, up = local +y, like three.js cameras). */
  wristCameraPose(): Pose {
    fkInto(this.controller.q, this.fk);
    return wristCameraFromTcp(poseOfFrame(this.fk, FRAME_TCP));
  }

  /** Teleports object `id` (e.g. a mouse drag): releases it if grasped, zeroes its velocity,
   * keeps it above the table top, wakes everything so resting neighbours react. */
  setObjectPose(id: string, position: Vec3, quaternion?: Quat): void {
    const o = this.get(id);
    if (!position || position.length !== 3 || !position.every(Number.isFinite)) {
      throw new Error(`Sim.setObjectPose("${id}"): position must be 3 finite numbers`);
    }
    if (quaternion && (quaternion.length !== 4 || !quaternion.every(Number.isFinite) ||
      !(Math.hypot(...quaternion) > 1e-6))) {
      throw new Error(`Sim.setObjectPose("${id}"): quaternion must be 4 finite numbers, not all 0`);
    }
    if (this.gripper.graspedId() === id) this.gripper.release(null);
    const b = o.body;
    const onTable = Math.abs(position[0]) <= TABLE.halfX && Math.abs(position[1]) <= TABLE.halfY;
    const z = onTable ? Math.max(position[2], o.geom.height / 2) : position[2];
    b.position.set(position[0], position[1], z);
    if (quaternion) b.quaternion.set(quaternion[0], quaternion[1], quaternion[2], quaternion[3]).normalize();
    b.velocity.setZero();
    b.angularVelocity.setZero();
    b.aabbNeedsUpdate = true;
    if (b.type === CANNON.Body.DYNAMIC) updateTableContact(b);
    for (const other of this.objects) other.body.wakeUp();
  }

  /** Test hook: corrupts object `id`'s velocity with NaN, as a solver blow-up would. */
  injectFaultForTest(id: string): void {
    const b = this.get(id).body;
    b.wakeUp();
    b.velocity.set(NaN, 0, 0);
  }
}

