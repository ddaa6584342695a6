// Command-line options of `npm run collect:dagger` (scripts/collectDagger.ts), parsed and
// validated before any browser starts, so bad input fails fast with a message naming the flag.
import { ACTION_NAMES } from '../../src/sim/types';
import { PLACE_DEFAULTS, type PlaceOptions } from '../../src/expert';
import { PICK_YAWS, PLACE_GATES, STACK_YAWS, choice, eachFlag, int, num, selectTasks } from './args';

/** With the labelling expert's picking and placing (PlaceOptions: --stack-yaw, --place-gate, --pick-yaw). */
export interface DaggerArgs extends Required<PlaceOptions> {
  model: string;
  suite: string;
  episodesPerTask: number;
  out: string;
  beta: number;
  seed: number;
  workers: number;
  tasks: string[];
  limitTasks?: number;
  executeSteps?: number;
  maxSteps?: number;
  /** The expert's gates while labelling: 'strict' (its own, exact) or 'lenient'
   * (ExpertOptions.lenientGates). */
  gates: 'strict' | 'lenient';
  /** Action dimensions the expert fills in the model's executed actions (an oracle ablation,
   * DaggerOptions.oracleDims), by name (ACTION_NAMES) or index. */
  oracleDims: number[];
}

export const USAGE =
  'usage: npm run collect:dagger -- --model models/<name> --suite <spatial|object|goal|long> --episodes-per-task N ' +
  '--out data/<name>.hdf5 [--beta 0..1] [--seed S] [--workers K] [--tasks id1,id2] [--limit-tasks K] [--execute-steps n] [--max-steps N] [--gates strict|lenient] [--oracle-dims dyaw,...] [--stack-yaw align|free] [--place-gate exact|loose|drop] [--pick-yaw align|keep]';

export function parseDaggerArgs(argv: readonly string[]): DaggerArgs {
  const a: Partial<DaggerArgs> = { beta: 0, seed: 0, workers: 1, tasks: [], gates: 'strict', oracleDims: [], ...PLACE_DEFAULTS };
  eachFlag(argv, USAGE, (flag, need) => {
    switch (flag) {
      case '--model': a.model = need().replace(/\/+$/, ''); break;
      case '--suite': a.suite = need(); break;
      case '--episodes-per-task': a.episodesPerTask = int(flag, need(), 1); break;
      case '--out': a.out = need(); break;
      case '--beta': a.beta = num(flag, need(), 0, 1); break;
      case '--seed': a.seed = int(flag, need(), 0); break;
      case '--workers': a.workers = int(flag, need(), 1); break;
      case '--tasks': a.tasks = need().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--limit-tasks': a.limitTasks = int(flag, need(), 1); break;
      case '--execute-steps': a.executeSteps = int(flag, need(), 1); break;
      case '--max-steps': a.maxSteps = int(flag, need(), 1); break;
      case '--gates': a.gates = choice(flag, need(), ['strict', 'lenient'] as const); break;
      case '--stack-yaw': a.stackYaw = choice(flag, need(), STACK_YAWS); break;
      case '--place-gate': a.placeGate = choice(flag, need(), PLACE_GATES); break;
      case '--pick-yaw': a.pickYaw = choice(flag, need(), PICK_YAWS); break;
      case '--oracle-dims':
        a.oracleDims = need().split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
          const i = /^\d+$/.test(s) ? Number(s) : (ACTION_NAMES as readonly string[]).indexOf(s);
          if (!(i >= 0 && i < ACTION_NAMES.length)) throw new Error(`--oracle-dims: "${s}" is not an action dimension (${ACTION_NAMES.join(', ')} or 0-${ACTION_NAMES.length - 1})`);
          return i;
        });
        break;
      default: throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  });
  for (const k of ['model', 'suite', 'out'] as const) if (!a[k]) throw new Error(`--${k} is required\n${USAGE}`);
  if (a.episodesPerTask === undefined) throw new Error(`--episodes-per-task is required\n${USAGE}`);
  if (!a.model!.startsWith('models/')) throw new Error(`--model must be a folder under models/ (the page serves models/ only), got "${a.model}"`);
  selectTasks(a as DaggerArgs); // validates suite and task ids
  return a as DaggerArgs;
}
