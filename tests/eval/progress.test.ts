// Episode progress: the stage a failed episode stalled in, on the real sim with the expert cut
// short at growing step limits (the stages must appear in order), and on hand-built states.
import { describe, expect, it } from 'vitest';
import { ExpertPolicy } from '../../src/expert';
import { formatMarkdown } from '../../src/eval/format';
import { ProgressTracker, STAGES } from '../../src/eval/progress';
import { buildReport } from '../../src/eval/report';
import { runEpisode } from '../../src/eval/runner';
import type { SimState } from '../../src/sim/types';
import { Sim } from '../../src/sim';
import { getTask } from '../../src/tasks';
import { goalHolds } from '../../src/tasks/predicates';
import { solvedState, stateFromScene } from '../tasks/fixtures';

const makeSim = (scene: ConstructorParameters<typeof Sim>[0]) => new Sim(scene);

describe('progress of a failed episode', () => {
  it('walks reach -> grasp -> carry -> place as the expert is given more steps', async () => {
    const base = getTask('object/red_cube_in_bowl').sample(3);
    const stages: string[] = [];
    for (const maxSteps of [5, 30, 45, 60, 75, 90, 105]) {
      const inst = { ...base, maxSteps };
      const row = await runEpisode(inst, new ExpertPolicy(inst), makeSim);
      if (row.success) break;
      expect(row.progress).toMatchObject({ goals: 1, goalsMet: 0, wrongGrasp: false });
      stages.push(row.progress!.stage);
    }
    // Non-decreasing in stage order, starting at reach and seeing every stage on the way.
    const idx = stages.map((s) => STAGES.indexOf(s as (typeof STAGES)[number]));
    expect(idx.every((v, i) => i === 0 || v >= idx[i - 1])).toBe(true);
    expect(new Set(stages)).toEqual(new Set(STAGES));
  });

  it('is absent on success and counted per task in the report', async () => {
    const base = getTask('goal/lift_blue_cube').sample(1);
    const ok = await runEpisode(base, new ExpertPolicy(base), makeSim);
    expect(ok.success).toBe(true);
    expect(ok.progress).toBeUndefined();
    const short = { ...base, maxSteps: 3 };
    const bad = await runEpisode(short, new ExpertPolicy(short), makeSim);
    expect(bad.progress?.stage).toBe('reach');
    const report = buildReport([ok, bad, { ...bad, seed: 9 }], { policy: 'expert', seed: 0, episodesPerTask: 3 });
    expect(report.tasks[0].stalled).toEqual({ reach: 2 });
    expect(formatMarkdown(report)).toContain('| reach 2 |');
  });

  it('counts goals met, flags a wrong grasp, and keeps a stage once reached', () => {
    const inst = getTask('long/red_cube_in_bowl_then_blue_cube_on_plate').sample(2);
    const s0 = stateFromScene(inst.scene);
    const t = new ProgressTracker(inst.goals);
    t.observe(s0);
    const other = s0.objects.find((o) => !inst.goals.some((g) => 'object' in g && g.object === o.id) && o.kind !== 'bowl' && o.kind !== 'plate');
    const red = s0.objects.find((o) => o.id === 'red_cube')!;
    // Hold the red cube (reached and grasped), then drop it back where it was.
    const holding: SimState = {
      ...s0,
      arm: { ...s0.arm, grasped: 'red_cube', tcp: { ...s0.arm.tcp, position: [...red.position] } },
      objects: s0.objects.map((o) => (o.id === 'red_cube' ? { ...o, grasped: true } : o)),
    };
    t.observe(holding);
    t.observe(s0);
    const holds = (g: (typeof inst.goals)[number]) => goalHolds(g, s0);
    expect(t.summary(holds)).toMatchObject({ goalsMet: 0, goals: 2, stage: 'carry', wrongGrasp: false, closest: 0 });
    const firstDone = solvedState(s0, [inst.goals[0]]);
    expect(t.summary((g) => goalHolds(g, firstDone))).toMatchObject({ goalsMet: 1, stage: 'reach' });
    if (other) {
      t.observe({ ...s0, arm: { ...s0.arm, grasped: other.id } });
      expect(t.summary(holds).wrongGrasp).toBe(true);
    }
  });
});
