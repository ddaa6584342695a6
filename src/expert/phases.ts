// The expert's waypoint plans: each goal becomes a fixed sequence of phases (approach above,
// level at cruise height, descend, close, lift, transport, lower, open, retreat; or for a push:
// approach behind, lower, push along the line, retreat). A phase names its TCP target
// (recomputed every step from the privileged state, so the plan follows objects that moved), its
// gripper command, its speed cap and when it is done.
//
// Invariants: targets keep the TCP above TCP_BOUNDS.min; phases that hold an object check that
// it is still held (otherwise the plan restarts the goal); every phase has a step limit.

import type { SimState, Vec3 } from '../sim/types';
import { findObject, placeTolerance, stackTolerance, yawOf } from '../tasks/predicates';
import type { Goal, Region } from '../tasks/types';
import { graspableNow, graspYaw } from './grasp';
import { trackingError, wrapQuarter } from './motion';

/** Heights and tolerances of the expert's motions, metres (documented in docs/tasks.md). */
export const EXPERT = {
  /** Cruise height of the TCP: a carried object clears every object and receptacle rim. */
  cruiseZ: 0.14,
  /** Lowest TCP height commanded (TCP_BOUNDS.min z is 0.016). */
  minZ: 0.018,
  /** Gap between the bottom of a carried object and the surface it is released onto. */
  releaseGap: 0.012,
  /** Floor thickness of bowls and trays (objects rest on it). */
  floor: 0.008,
  /** Distance from an object's centre to the TCP behind it when pushing (finger half width +
   * object half size + a little). */
  pushBehind: 0.045,
  /** TCP height while pushing: fingertips just above the table. */
  pushZ: 0.022,
  /** Speeds, metres per step (20 Hz): cruise, near objects, pushing. The push speed stays
   * above 0.15 m/s because cannon-es only wakes a sleeping object for a kinematic body moving
   * faster than sqrt(2) * its sleepSpeedLimit (0.1 m/s by default); a slower finger would sink
   * into a resting cube without moving it. */
  fast: 0.016,
  slow: 0.008,
  push: 0.01,
  /** The approach hands over to the descent once the TCP is this close to the point above the
   * object (metres) and this close to the grasp yaw (radians); the descent keeps correcting both
   * on its way down. A tight gate (it was 6 mm and 0.05 rad) taught a policy that sees the object
   * only to about a centimetre to hover above it, waiting for an alignment it could not see. */
  descendGate: 0.02,
  descendYawGate: 0.15,
  /** With PlaceGate 'loose', the transport hands over to the lowering once the TCP is this close
   * to the point above the destination (metres) and this close to the carrying yaw (radians);
   * the lowering keeps correcting both on its way down (with lenient gates, from any height). The
   * 'exact' transport waits for 4 mm and 0.03 rad at cruise height, the place-side twin of the old
   * 6 mm descent gate. */
  placeGate: 0.02,
  placeYawGate: 0.15,
  /** With PlaceGate 'loose', the lowering lets go once the carried object's bottom is within this
   * of its release height (metres) and its xy well inside the goal's tolerance (RELEASE_XY), at
   * any yaw. The 'exact' lowering waits for the TCP within 3 mm and 0.03 rad of its target. */
  placeReleaseZ: 0.003,
  /** With PlaceGate 'drop', the lowering lets go once the carried object's bottom is within this of
   * its release height (metres; the release height is releaseGap above the support, so the drop
   * is at most 2.4 cm) and its xy well inside the goal's tolerance, at any yaw. */
  dropAbove: 0.012,
  /** With PlaceGate 'drop', once the carried object is over its spot the lowering aims this far
   * below the release point (metres), so that it comes down at its full speed to the release
   * instead of slowing to a stop over it. */
  dropLead: 0.04,
} as const;

export type PhaseName = 'approach' | 'descend' | 'close' | 'lift' | 'transport' | 'lower' | 'open' | 'retreat' | 'hold' | 'push';

export interface Phase {
  name: PhaseName;
  /** TCP target position and yaw for this step. */
  target(s: SimState): { position: Vec3; yaw: number };
  /** -1 open, +1 close. */
  gripper: -1 | 1;
  vmax: number;
  /** Done when this holds (n = steps spent in this phase so far). */
  done(s: SimState, n: number): boolean;
  /** Steps after which the phase has failed and the goal is restarted. */
  limit: number;
  /** The phase needs `object` held; losing it restarts the goal. */
  holds?: string;
  /** With lenient gates (ExpertOptions.lenientGates, used when following a learner under
   * DAgger) the phase is also done when this holds: the learner's state already serves the next
   * phase (the object is between the pads, or over its spot), though not at the exact point the
   * expert's own motion would have reached. */
  early?: (s: SimState) => boolean;
}

const at = (tol: number, yawTol = 0.05) => (t: Phase['target']) => (s: SimState) => {
  const { position, yaw } = t(s);
  const e = trackingError(s, position, yaw);
  return e.dist < tol && e.yawErr < yawTol;
};


/** Where a held object's bottom should be released above `goal`'s support, and where in xy. */
function placeSpot(s: SimState, goal: Goal & { type: 'in' | 'stacked' }): { xy: [number, number]; bottom: number } {
  if (goal.type === 'stacked') {
    const b = findObject(s, goal.base);
    return { xy: [b.position[0], b.position[1]], bottom: b.position[2] + b.height / 2 + EXPERT.releaseGap };
  }
  const r = findObject(s, goal.receptacle);
  const [ox, oy] = goal.placeOffset ?? [0, 0];
  const surface = r.kind === 'plate' ? r.height : EXPERT.floor;
  return { xy: [r.position[0] + ox, r.position[1] + oy], bottom: surface + EXPERT.releaseGap };
}

/** Lenient gates: a carried object this close (xy) to its spot, as a fraction of the goal's
 * allowed offset (capped, metres), and its bottom at most this high above the release height,
 * is let go. */
const RELEASE_XY = { fraction: 0.4, cap: 0.015 } as const;
const RELEASE_ABOVE = 0.02;
/** Lenient gates: the carry hands over to the descent at this xy distance and yaw error, at any
 * height (the expert's own carry waits to be within 4 mm at cruise height). */
const LOWER_GATE = { xy: 0.008, yaw: 0.1 } as const;

/** How far (xy) a released object may land from `goal`'s spot and still satisfy it, metres (the
 * goal predicates' own tolerances; a tray's per-axis limit serves as a radius inside it). */
function placeRadius(s: SimState, goal: Goal & { type: 'in' | 'stacked' }): number {
  if (goal.type === 'stacked') return stackTolerance(findObject(s, goal.base));
  return placeTolerance(findObject(s, goal.object), findObject(s, goal.receptacle));
}

/** Whether letting go of the held object now lands it satisfying `goal`: over its spot (well
 * inside the goal's tolerance) and its bottom at most `maxAbove` above the release height. */
function releasableNow(s: SimState, goal: Goal & { type: 'in' | 'stacked' }, maxAbove = RELEASE_ABOVE): boolean {
  const { held, xyOk, above } = releaseOffset(s, goal);
  return held && xyOk && above <= maxAbove;
}

/** Where the carried object is against its release point: whether it is held, whether its xy is
 * well inside the goal's tolerance (RELEASE_XY), and how high its bottom is above the release
 * height (metres). */
function releaseOffset(s: SimState, goal: Goal & { type: 'in' | 'stacked' }): { held: boolean; xyOk: boolean; above: number } {
  const id = goal.type === 'stacked' ? goal.top : goal.object;
  if (s.arm.grasped !== id) return { held: false, xyOk: false, above: Infinity };
  const o = findObject(s, id);
  const spot = placeSpot(s, goal);
  const xy = Math.hypot(o.position[0] - spot.xy[0], o.position[1] - spot.xy[1]);
  return { held: true, xyOk: xy <= Math.min(RELEASE_XY.cap, RELEASE_XY.fraction * placeRadius(s, goal)), above: o.position[2] - o.height / 2 - spot.bottom };
}

/** Whether the TCP is within `xy` metres (horizontally, at any height) and `yaw` radians of `t`. */
const near = (t: Phase['target'], xy: number, yaw: number) => (s: SimState): boolean => {
  const { position, yaw: psi } = t(s);
  const p = s.arm.tcp.position;
  return Math.hypot(position[0] - p[0], position[1] - p[1]) < xy && trackingError(s, p, psi).yawErr < yaw;
};

/** Values fixed when a phase first needs them (one fresh set per attempt at a goal). */
interface Latch {
  /** TCP yaw chosen for the grasp. */
  yaw?: number;
  /** TCP xy when the grasp closed (lift straight up from there). */
  liftXY?: [number, number];
  /** TCP position when the release began (stay still while the fingers open). */
  releaseAt?: Vec3;
}

/** TCP heights up to this far above cruise height count as at cruise height, metres. */
const CRUISE_SLACK = 0.004;

/**
 * An approach that travels level: from above cruise height (the home pose, TCP z = 0.28) it first
 * goes straight down to cruise height over the starting xy, then across at cruise height to
 * `target`. A diagonal approach (down and across at once, on a straight line) made the height a
 * clock for "arrived": a policy trained on it stopped in x, y when it reached cruise height, short
 * of objects that were far away. Travelling level, only the goal (seen, or the goal token) says
 * where to stop. The returned target keeps its own state: build a fresh one per attempt.
 */
function levelApproach(target: Phase['target']): Phase['target'] {
  let start: [number, number] | null = null;
  let level = false;
  return (s) => {
    const t = target(s);
    const p = s.arm.tcp.position;
    start ??= [p[0], p[1]];
    if (!level && p[2] > EXPERT.cruiseZ + CRUISE_SLACK) return { position: [start[0], start[1], EXPERT.cruiseZ], yaw: t.yaw };
    level = true;
    return t;
  };
}

/** Phases of "pick `id`" up to holding it at cruise height. */
function pickPhases(id: string, latch: Latch, pickYaw: PickYaw): Phase[] {
  const obj = (s: SimState) => findObject(s, id);
  const keep = pickYaw === 'keep';
  const yawFor = (s: SimState) => (keep ? trackingYaw(s) : graspYaw(s, id));
  const above: Phase['target'] = (s) => ({ position: [obj(s).position[0], obj(s).position[1], EXPERT.cruiseZ], yaw: yawFor(s) });
  const down: Phase['target'] = (s) => {
    const o = obj(s);
    return { position: [o.position[0], o.position[1], Math.max(EXPERT.minZ, o.position[2])], yaw: yawFor(s) };
  };
  const lift: Phase['target'] = (s) => {
    latch.yaw ??= trackingYaw(s);
    latch.liftXY ??= [s.arm.tcp.position[0], s.arm.tcp.position[1]];
    return { position: [latch.liftXY[0], latch.liftXY[1], EXPERT.cruiseZ], yaw: latch.yaw };
  };
  const overObject = near(above, EXPERT.descendGate, EXPERT.descendYawGate);
  return [
    { name: 'approach', target: levelApproach(above), gripper: -1, vmax: EXPERT.fast, done: at(EXPERT.descendGate, EXPERT.descendYawGate)(above), limit: 120,
      early: (s) => s.arm.tcp.position[2] < EXPERT.cruiseZ + CRUISE_SLACK && overObject(s) },
    { name: 'descend', target: down, gripper: -1, vmax: EXPERT.slow, done: at(0.003, 0.03)(down), limit: 80, early: (s) => graspableNow(s, id, keep) },
    { name: 'close', target: down, gripper: 1, vmax: EXPERT.slow, done: (s, n) => s.arm.grasped === id && n >= 2, limit: 12 },
    { name: 'lift', target: lift, gripper: 1, vmax: EXPERT.fast, done: (s) => s.arm.tcp.position[2] > EXPERT.cruiseZ - 0.01, limit: 60, holds: id },
  ];
}

/** How the expert places a stacked cube: 'align' turns the carried cube until its faces line up
 * with the base's before lowering; 'free' keeps the yaw it was carried with. The stacked
 * predicate does not need the alignment (reports/probes/stack_yaw_session33.ts: 20 of 20 stacks
 * hold at 0-45 degrees), and a policy cannot see it well enough to wait for it. */
export type StackYaw = 'align' | 'free';

/** The TCP yaw the expert picks with: 'align' turns the fingers square to a cube's faces (graspYaw,
 * the canonical of the equivalent yaws, or the other where it clears the neighbours better);
 * 'keep' picks at whatever yaw the TCP has, since the grasp rule closes on a cube at any yaw (a
 * 4 cm cube is at most 5.7 cm wide, the fingers open to 8) and the stacked and placed predicates
 * ignore yaw. A policy that cannot see a cube's yaw cannot follow the turns 'align' asks for: a
 * learner labelled under DAgger with 'align' is told to turn at the full rate for most of its
 * approach (reports/probes/dagger-yaw-labels-session41.txt). Push keeps its own yaw either way. */
export type PickYaw = 'align' | 'keep';

/** When the expert, carrying an object, starts lowering it and when it lets go. 'exact' (most
 * demonstrations; vla-pg18's newest are 'loose'): the transport hands over within 4 mm and 0.03 rad of the
 * point above the spot, at cruise height, and the lowering opens within 3 mm and 0.03 rad of the
 * release point. 'loose': the transport hands over within EXPERT.placeGate and
 * EXPERT.placeYawGate and the lowering finishes the alignment on the way down, as the pick's
 * descent does since the 2 cm descent gate; it opens at the release height (EXPERT.placeReleaseZ)
 * wherever letting go lands the object well inside the goal's tolerance. A policy that sees the
 * destination to about a centimetre, shown only 'exact' placements, hovers over it, at cruise
 * height or just above the release height, waiting for an alignment it cannot see.
 * 'drop': as 'loose', but once the object is over its spot the lowering keeps its full speed and
 * lets go anywhere within EXPERT.dropAbove above the release height: its demonstrations have no
 * slowing, nearly still frames with the gripper closed over the destination, the frames a policy
 * copies when it stops a centimetre or two above the release height and waits.
 */
export type PlaceGate = 'exact' | 'loose' | 'drop';

/** How the expert picks and places: ExpertOptions, DaggerOptions and both collectors' requests and
 * flags (--stack-yaw, --place-gate, --pick-yaw) take these. */
export interface PlaceOptions {
  /** Line a stacked cube's faces up with the base's before lowering it ('align'), or not
   * ('free'; StackYaw). @default 'align' (most demonstrations; vla-pk23m's newest are 'free') */
  stackYaw?: StackYaw;
  /** Lower a carried object from within 4 mm at cruise height and let go within 3 mm of the
   * release point ('exact'), or lower from within 2 cm, align on the way down and let go wherever
   * the drop lands well inside the goal's tolerance ('loose'), or as 'loose' at full speed down to
   * within 12 mm above the release height ('drop'; PlaceGate).
   * @default 'exact' (most demonstrations; vla-pg18's and vla-pk23m's newest are 'loose') */
  placeGate?: PlaceGate;
  /** Pick square to a cube's faces ('align') or at the TCP's own yaw ('keep'; PickYaw).
   * @default 'align' (every demonstration before vla-pk23m's newest, which are 'keep') */
  pickYaw?: PickYaw;
}

/** PlaceOptions' defaults (the collectors' flags start from these). */
export const PLACE_DEFAULTS: Readonly<Required<PlaceOptions>> = { stackYaw: 'align', placeGate: 'exact', pickYaw: 'align' };

/** Only the PlaceOptions fields of `o` (options, parsed flags or a request), to hand on to the
 * expert: a new picking or placing choice is added here, not at every caller. */
export function placeOptions(o: PlaceOptions): PlaceOptions {
  return { stackYaw: o.stackYaw, placeGate: o.placeGate, pickYaw: o.pickYaw };
}

/** Every phase for one goal, in order (fresh latches: call again to retry the goal). */
export function goalPhases(goal: Goal, options: PlaceOptions = {}): Phase[] {
  const stackYaw = options.stackYaw ?? PLACE_DEFAULTS.stackYaw;
  const drop = options.placeGate === 'drop';
  const loose = options.placeGate === 'loose' || drop;
  if (goal.type === 'pushed') return pushPhases(goal.object, goal.region);
  const id = goal.type === 'stacked' ? goal.top : goal.object;
  const latch: Latch = {};
  const pick = pickPhases(id, latch, options.pickYaw ?? PLACE_DEFAULTS.pickYaw);
  if (goal.type === 'lifted') {
    const hold: Phase['target'] = (s) => {
      const o = findObject(s, id);
      // Raise until the object's bottom is 3 cm past the required height, then stay.
      const z = s.arm.tcp.position[2] + (goal.height + 0.03 - (o.position[2] - o.height / 2));
      // The latches are the lift's; a lift that was done on arrival (a learner had already raised
      // the object, under DAgger) never set them, so they fall back to where the arm is.
      latch.yaw ??= trackingYaw(s);
      latch.liftXY ??= [s.arm.tcp.position[0], s.arm.tcp.position[1]];
      return { position: [latch.liftXY[0], latch.liftXY[1], Math.max(EXPERT.cruiseZ, z)], yaw: latch.yaw };
    };
    return [...pick, { name: 'hold', target: hold, gripper: 1, vmax: EXPERT.slow, done: () => false, limit: Infinity, holds: id }];
  }
  const placeYaw = (s: SimState): number => {
    if (goal.type !== 'stacked' || stackYaw === 'free') return (latch.yaw ??= trackingYaw(s)); // unset if the lift was done on arrival
    // Turn the carried cube (it turns with the TCP) until its faces line up with the base's.
    const top = findObject(s, goal.top);
    const base = findObject(s, goal.base);
    return trackingYaw(s) + wrapQuarter(yawOf(base.quaternion) - yawOf(top.quaternion));
  };
  // Carried objects keep their grasp offset: aim the TCP so that the object (not the TCP)
  // arrives over the spot and its bottom stops releaseGap above the support.
  const carry = (s: SimState, cruise: boolean): { position: Vec3; yaw: number } => {
    const o = findObject(s, id);
    const spot = placeSpot(s, goal);
    const tcp = s.arm.tcp.position;
    const z = cruise ? EXPERT.cruiseZ : Math.max(EXPERT.minZ, tcp[2] + spot.bottom - (o.position[2] - o.height / 2));
    return { position: [spot.xy[0] + tcp[0] - o.position[0], spot.xy[1] + tcp[1] - o.position[1], z], yaw: placeYaw(s) };
  };
  const over: Phase['target'] = (s) => carry(s, true);
  // 'drop': over the spot, aim below the release point so that the lowering keeps its speed.
  const lower: Phase['target'] = (s) => {
    const t = carry(s, false);
    if (drop && releaseOffset(s, goal).xyOk) t.position[2] = Math.max(EXPERT.minZ, t.position[2] - EXPERT.dropLead);
    return t;
  };
  const hold: Phase['target'] = (s) => {
    latch.releaseAt ??= [...s.arm.tcp.position];
    return { position: latch.releaseAt, yaw: trackingYaw(s) };
  };
  // Lenient gates hand over to the lowering at any height once over the spot: within LOWER_GATE, or
  // with 'loose' within the loose transport's own gate (else a learner held 8-20 mm off its spot
  // below cruise height is told to go back up, and learns to bob).
  const lowerGate = loose ? { xy: EXPERT.placeGate, yaw: EXPERT.placeYawGate } : LOWER_GATE;
  const overSpot = near(over, lowerGate.xy, lowerGate.yaw);
  // How far above the release height the loose lowerings let go.
  const releaseAbove = drop ? EXPERT.dropAbove : EXPERT.placeReleaseZ;
  // A learner may carry the object over its spot low, without the expert's lift to cruise height.
  pick[pick.length - 1].early = (s) => overSpot(s) || releasableNow(s, goal);
  return [
    ...pick,
    { name: 'transport', target: over, gripper: 1, vmax: EXPERT.fast, done: loose ? at(lowerGate.xy, lowerGate.yaw)(over) : at(0.004, 0.03)(over), limit: 120, holds: id,
      early: overSpot },
    { name: 'lower', target: lower, gripper: 1, vmax: EXPERT.slow, done: loose ? (s) => releasableNow(s, goal, releaseAbove) : at(0.003, 0.03)(lower), limit: 60, holds: id,
      early: (s) => releasableNow(s, goal) },
    { name: 'open', target: hold, gripper: -1, vmax: EXPERT.slow, done: (s, n) => s.arm.opening > 0.07 && n >= 3, limit: 20 },
    retreat(-1),
  ];
}

/** Current TCP yaw. */
function trackingYaw(s: SimState): number {
  return yawOf(s.arm.tcp.quaternion);
}

/** Straight up to cruise height, keeping xy and yaw, with the gripper as given. */
function retreat(gripper: -1 | 1): Phase {
  let from: [number, number, number] | null = null;
  const t: Phase['target'] = (s) => {
    from ??= [s.arm.tcp.position[0], s.arm.tcp.position[1], yawOf(s.arm.tcp.quaternion)];
    return { position: [from[0], from[1], EXPERT.cruiseZ], yaw: from[2] };
  };
  return { name: 'retreat', target: t, gripper, vmax: EXPERT.fast, done: (s) => s.arm.tcp.position[2] > EXPERT.cruiseZ - 0.01, limit: 60 };
}

/** Push `id` along the line from it to the centre of `region`, with the closed fingers. */
function pushPhases(id: string, region: Region): Phase[] {
  const goalXY: [number, number] = [(region.xMin + region.xMax) / 2, (region.yMin + region.yMax) / 2];
  const dirOf = (s: SimState): [number, number] => {
    const o = findObject(s, id).position;
    const d = Math.hypot(goalXY[0] - o[0], goalXY[1] - o[1]) || 1;
    return [(goalXY[0] - o[0]) / d, (goalXY[1] - o[1]) / d];
  };
  let dir: [number, number] | null = null; // fixed at the start: the line the push follows
  const behind = (z: number): Phase['target'] => (s) => {
    dir ??= dirOf(s);
    const o = findObject(s, id).position;
    return { position: [o[0] - dir[0] * EXPERT.pushBehind, o[1] - dir[1] * EXPERT.pushBehind, z], yaw: Math.atan2(dir[1], dir[0]) };
  };
  const remaining = (s: SimState): number => {
    const o = findObject(s, id).position;
    const d = dir ?? dirOf(s);
    return (goalXY[0] - o[0]) * d[0] + (goalXY[1] - o[1]) * d[1];
  };
  const push: Phase['target'] = (s) => {
    const d = dir ?? dirOf(s);
    const o = findObject(s, id).position;
    // Lead the contact point by the remaining distance (capped): with the proportional gain this
    // holds the push speed at its cap until the last centimetres, steering back towards the
    // line through the goal if the object drifts sideways.
    const lead = Math.min(0.06, Math.max(0, remaining(s) + 0.015));
    const lat = (o[0] - goalXY[0]) * -d[1] + (o[1] - goalXY[1]) * d[0];
    const cx = o[0] - d[0] * EXPERT.pushBehind + d[0] * lead + d[1] * lat * 0.5;
    const cy = o[1] - d[1] * EXPERT.pushBehind + d[1] * lead - d[0] * lat * 0.5;
    return { position: [cx, cy, EXPERT.pushZ], yaw: Math.atan2(d[1], d[0]) };
  };
  const high = behind(EXPERT.cruiseZ);
  const low = behind(EXPERT.pushZ);
  return [
    { name: 'approach', target: levelApproach(high), gripper: 1, vmax: EXPERT.fast, done: at(0.006)(high), limit: 120 },
    { name: 'descend', target: low, gripper: 1, vmax: EXPERT.slow, done: at(0.004)(low), limit: 80 },
    { name: 'push', target: push, gripper: 1, vmax: EXPERT.push, done: (s) => remaining(s) <= 0.002, limit: 150 },
    retreat(1),
  ];
}
