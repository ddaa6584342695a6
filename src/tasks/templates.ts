// Instruction templates and slot filling. Templates are plain strings with {slot} markers; each
// task lists several paraphrases so the policy learns the meaning, not one phrasing.
//
// Invariants: fill() never leaves a "{" in the output and never silently drops a slot: a missing
// slot throws, naming the template.

export type Slots = Record<string, string>;

const SLOT = /\{([a-zA-Z0-9_]+)\}/g;

/** Replace every {slot} in `template` with its value; throws on a slot without a value. */
export function fill(template: string, slots: Slots): string {
  return template.replace(SLOT, (_m, name: string) => {
    const v = slots[name];
    if (v === undefined) throw new Error(`template "${template}" needs slot {${name}} (given: ${Object.keys(slots).join(', ') || 'none'})`);
    return v;
  });
}

/** Slot names used by a template, in order of appearance. */
export function slotsOf(template: string): string[] {
  return [...template.matchAll(SLOT)].map((m) => m[1]);
}

/** Put a graspable object into a bowl or tray. */
export const PUT_IN = [
  'put the {obj} in the {target}',
  'place the {obj} into the {target}',
  'pick up the {obj} and put it in the {target}',
  'move the {obj} into the {target}',
  'drop the {obj} in the {target}',
] as const;

/** Put a graspable object on a plate. */
export const PUT_ON = [
  'put the {obj} on the {target}',
  'place the {obj} on top of the {target}',
  'pick up the {obj} and place it on the {target}',
  'move the {obj} onto the {target}',
  'set the {obj} down on the {target}',
] as const;

export const STACK = [
  'stack the {obj} on the {target}',
  'put the {obj} on top of the {target}',
  'place the {obj} onto the {target}',
  'pick up the {obj} and stack it on the {target}',
] as const;

export const LIFT = [
  'pick up the {obj}',
  'lift the {obj}',
  'raise the {obj} off the table',
  'grab the {obj} and hold it up',
] as const;

/** "Forward" is the direction the robot faces (+x, away from it). */
export const PUSH_FORWARD = [
  'push the {obj} forward',
  'push the {obj} away from you',
  'slide the {obj} forward',
  'push the {obj} toward the far side of the table',
] as const;

/** Short clauses for two-step tasks; `2` marks the second step's slots. */
export const CLAUSE = {
  in: ['put the {obj} in the {target}', 'place the {obj} into the {target}'],
  on: ['put the {obj} on the {target}', 'place the {obj} onto the {target}'],
  stack: ['stack the {obj} on the {target}', 'put the {obj} on top of the {target}'],
  lift: ['pick up the {obj}', 'lift the {obj}'],
} as const;

const CONNECTORS = ['{a} and then {b}', 'first {a}, then {b}', '{a}, and after that {b}'] as const;

/**
 * Two-step templates: every connector with every pairing of first/second clause variants.
 * The second clause's slots are renamed {obj2}, {target2}.
 */
export function twoStep(first: readonly string[], second: readonly string[]): string[] {
  const out: string[] = [];
  const second2 = second.map((s) => s.replace('{obj}', '{obj2}').replace('{target}', '{target2}'));
  for (const c of CONNECTORS) {
    for (let i = 0; i < Math.max(first.length, second2.length); i++) {
      const a = first[i % first.length];
      const b = second2[i % second2.length];
      out.push(c.replace('{a}', a).replace('{b}', b));
    }
  }
  return out;
}
