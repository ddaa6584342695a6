import { describe, expect, it } from 'vitest';
import { MATRIX_CONFIGS, matrixMarkdown, pickConfigs, toRow } from '../../scripts/lib/matrix';
import { UsageError } from '../../scripts/lib/modelArgs';
import type { ModelEvalReport } from '../../scripts/evalModel';

describe('eval:matrix', () => {
  it('compares one-shot, AR and DD at T = 4, 8, 12 with each remask rule', () => {
    expect(MATRIX_CONFIGS.map((c) => c.name)).toEqual([
      'oneshot', 'ar',
      'dd-T4-none', 'dd-T4-threshold', 'dd-T4-drop',
      'dd-T8-none', 'dd-T8-threshold', 'dd-T8-drop',
      'dd-T12-none', 'dd-T12-threshold', 'dd-T12-drop',
    ]);
    expect(MATRIX_CONFIGS.find((c) => c.name === 'dd-T8-drop')!.flags).toEqual(['--decoder', 'dd', '--rounds', '8', '--remask', 'drop']);
  });

  it('picks rows by name in matrix order and names unknown ones', () => {
    expect(pickConfigs('dd-T4-none, oneshot').map((c) => c.name)).toEqual(['oneshot', 'dd-T4-none']);
    expect(() => pickConfigs('oneshot,dd-T5-none')).toThrow(UsageError);
    expect(() => pickConfigs('oneshot,dd-T5-none')).toThrow(/dd-T5-none.*valid: oneshot/);
    expect(() => pickConfigs('')).toThrow(UsageError);
  });

  it('tabulates suites that ran and dashes the rest', () => {
    const rep = {
      meta: { policy: 'model:x', seed: 0, episodesPerTask: 2, createdAt: '', wallSeconds: 3 },
      overall: { successRate: 0.75, episodes: 4, successes: 3, ci95: [0.3, 0.95], suiteAverage: 0.75 },
      suites: { object: { successRate: 0.75, episodes: 4, successes: 3, ci95: [0.3, 0.95], tasks: 2 } },
      tasks: [],
      episodes: [],
      decode: { meanNfe: 12, medianMsPerChunk: { total: 150.25 } },
    } as unknown as ModelEvalReport;
    const row = toRow(MATRIX_CONFIGS[0], rep, 'npm run eval -- x');
    const md = matrixMarkdown([row], 'Decoders');
    expect(md).toContain('| oneshot | - | 75.0% | - | - | **75.0%** | 4 | [30.0%, 95.0%] | 12.0 | 150.3 |');
    expect(md).toContain('- oneshot: `npm run eval -- x`');
  });
});
