// The clause sequencer: splitting every task phrasing, and advancing exactly when the scripted
// expert lets go of the first step's object in the real sim, seen only through the proprio at
// chunk boundaries.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExpertPolicy } from '../../src/expert';
import { runEpisode } from '../../src/eval';
import { SubtaskSequencer, splitInstruction } from '../../src/policy/subtasks';
import { Sim } from '../../src/sim';
import type { SimState } from '../../src/sim/types';
import { TASKS } from '../../src/tasks';
import { goalHolds } from '../../src/tasks/predicates';
import { CLAUSE } from '../../src/tasks/templates';

const CHUNK = 8;
const FIXTURE = JSON.parse(readFileSync('tests/fixtures/subtasks.json', 'utf8')) as {
  split: { text: string; clauses: string[] }[];
  sequences: { name: string; clauses: number; openings: (number | null)[]; indices: number[] }[];
};

describe('splitInstruction', () => {
  it('splits every two-step phrasing into its two clauses and leaves one-step phrasings whole', () => {
    // Every clause template as a pattern, each slot standing for some words.
    const clauses = Object.values(CLAUSE).flat().map((c) => new RegExp(`^${c.replace(/\{[a-z0-9]+\}/g, '[a-z ]+')}$`));
    for (const task of TASKS) {
      const inst = task.sample(5);
      for (const p of inst.paraphrases) {
        const parts = splitInstruction(p);
        if (task.suite !== 'long') {
          expect(parts).toEqual([p.trim()]);
          continue;
        }
        expect(parts, p).toHaveLength(2);
        for (const part of parts) {
          expect(part).not.toMatch(/\b(then|first|after that)\b|^,|,$/);
          // Each clause is one of the clause templates, filled.
          const known = clauses.some((c) => c.test(part));
          expect(known, `${task.id}: "${part}"`).toBe(true);
        }
      }
    }
  });

  it('gives the shared fixture\'s clauses (training/subtasks.py reads the same file)', () => {
    for (const c of FIXTURE.split) expect(splitInstruction(c.text), c.text).toEqual(c.clauses);
  });
});

describe('SubtaskSequencer', () => {
  it('gives the shared fixture\'s clause index after every observation (null = NaN)', () => {
    for (const c of FIXTURE.sequences) {
      const clauses = Array.from({ length: c.clauses }, (_, i) => `step ${i}`).join(' and then ');
      const s = new SubtaskSequencer(clauses);
      expect(c.openings.map((o) => (s.observe(o ?? Number.NaN), s.step)), c.name).toEqual(c.indices);
    }
  });

  it('moves on after a grasp and release, not after closing on nothing, and never past the end', () => {
    const s = new SubtaskSequencer('put the red cube in the bowl and then put the blue cube on the plate');
    const seen = [0.08, 0.04, 0, 0, 0.08, 0.08].map((o) => s.observe(o)); // a missed grasp
    expect(new Set(seen)).toEqual(new Set(['put the red cube in the bowl']));
    s.observe(0.05);
    s.observe(0.042);
    expect(s.holding).toBe(false);
    s.observe(0.042);
    expect(s.holding).toBe(true);
    expect(s.observe(Number.NaN)).toBe('put the red cube in the bowl'); // ignored
    expect(s.observe(0.07)).toBe('put the blue cube on the plate');
    expect(s.step).toBe(1);
    for (const o of [0.03, 0.03, 0.08]) s.observe(o);
    expect(s.step).toBe(1);
    expect(new SubtaskSequencer('lift the red cube').clauses).toEqual(['lift the red cube']);
  });

  it('advances once per expert episode of every long task, right after the first step is done', async () => {
    for (const task of TASKS.filter((t) => t.suite === 'long')) {
      const inst = task.sample(11);
      const seq = new SubtaskSequencer(inst.instruction);
      const states: SimState[] = [];
      let advancedAt = -1;
      const row = await runEpisode(inst, new ExpertPolicy(), (s) => new Sim(s), {
        onStep: ({ step, state }) => {
          states.push(state);
          if (step % CHUNK !== 0) return;
          const before = seq.step;
          seq.observe(state.arm.opening);
          if (seq.step !== before) advancedAt = step;
        },
      });
      expect(row.success, task.id).toBe(true);
      expect(seq.step, task.id).toBe(1);
      // Within a chunk of the switch, the first goal holds on its own (the object is let go).
      const settled = states[Math.min(states.length - 1, advancedAt + CHUNK)];
      expect(goalHolds(inst.goals[0], settled), task.id).toBe(true);
    }
  });
});
