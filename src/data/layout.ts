// Demonstration dataset layout: the one place that names every HDF5 group, dataset and
// attribute written by `npm run collect` and read by the TS reader and training/dataset_hdf5.py.
// Reference: the LIBERO / robomimic HDF5 layout (robomimic docs "Dataset Structure"; LIBERO
// `libero/lifelong/datasets.py`): data/demo_<i>/{obs/*, actions, rewards, dones}, attributes
// `num_samples` per demo and `total`, `env_args`, `problem_info` on the `data` group.
// Differences from LIBERO, on purpose (docs/data.md lists them):
// - images are stored row 0 = TOP (LIBERO's raw files are vertically flipped);
// - one file holds a whole suite (many tasks), so the task id and the instruction used are
//   per-demo attributes and problem_info lists every task;
// - `obs/proprio` is the sim's 8-D proprio, exactly (float64), which the policy consumes.
// Invariants: every per-step array of a demo has num_samples rows; demo names are
// demo_0..demo_{n-1} with no gaps; the Python twin (training/dataset_hdf5.py) uses these names.

/** Bumped when the layout changes incompatibly; stored as the root attribute `layout_version`. */
export const LAYOUT_VERSION = 1;

export const DATA_GROUP = 'data';
export const STATS_GROUP = 'stats';
export const DEMO_PREFIX = 'demo_';

/** Per-demo datasets under data/demo_<i>/obs. */
export const OBS_KEYS = {
  /** uint8 [T][H][W][3], agent-view camera, row 0 = top. */
  agentview: 'agentview_rgb',
  /** uint8 [T][H][W][3], wrist camera, row 0 = top. */
  wrist: 'eye_in_hand_rgb',
  /** float64 [T][6]: TCP position (3) + axis-angle orientation (3), as LIBERO's ee_states. */
  eeStates: 'ee_states',
  /** float64 [T][3]: TCP position. */
  eePos: 'ee_pos',
  /** float64 [T][3]: TCP orientation, axis-angle. */
  eeOri: 'ee_ori',
  /** float64 [T][2]: finger positions [+opening/2, -opening/2] (robosuite's two finger joints). */
  gripperStates: 'gripper_states',
  /** float64 [T][n_joints]: arm joint angles. */
  jointStates: 'joint_states',
  /** float64 [T][8]: [x,y,z,qx,qy,qz,qw,opening] exactly as Sim.proprio() reports it. */
  proprio: 'proprio',
} as const;

/** Per-demo datasets directly under data/demo_<i>. */
export const DEMO_KEYS = {
  /** float64 [T][7]: the expert's action at step t (taken after observing obs[t]). */
  actions: 'actions',
  /** float64 [T]: 1 on the last step of a successful demo, else 0 (sparse, as LIBERO). */
  rewards: 'rewards',
  /** uint8 [T]: 1 on the last step, else 0. */
  dones: 'dones',
  /** float64 [T][n_joints + 7 * n_objects]: joint angles, then per object position + quaternion. */
  states: 'states',
} as const;

/** Per-demo attributes of data/demo_<i>. */
export const DEMO_ATTRS = {
  numSamples: 'num_samples',
  taskId: 'task_id',
  seed: 'seed',
  instruction: 'instruction',
  /** Index into the task's paraphrases of the instruction used. */
  paraphraseIndex: 'paraphrase_index',
  /** 1 if the task's success predicate held at the last step. */
  success: 'success',
  /** JSON of the SceneSpec the episode started from (reproduces the initial state). */
  scene: 'scene',
} as const;

/** Attributes of the `data` group (robomimic / LIBERO put their file-level attributes here). */
export const DATA_ATTRS = {
  /** Total number of samples (steps) over all demos. */
  total: 'total',
  /** JSON: { env_name, type, env_kwargs: { camera sizes, control_hz, ... } } (robomimic). */
  envArgs: 'env_args',
  /** JSON: { problem_name, suite, language_instruction, tasks: [{ task_id, instructions }] }. */
  problemInfo: 'problem_info',
} as const;

/** Root attributes. */
export const ROOT_ATTRS = {
  layoutVersion: 'layout_version',
  /** JSON of the collection options (suite, episodes per task, seed, size, ...). */
  collectArgs: 'collect_args',
  /** JSON: ordered action and proprio dimension names. */
  names: 'names',
} as const;

/** Per-dimension statistics stored under stats/<key>/<stat>, float64 [dim]. */
export const STAT_NAMES = ['mean', 'std', 'min', 'max', 'q01', 'q99'] as const;
export type StatName = (typeof STAT_NAMES)[number];
/** Which per-step arrays get statistics: stats/actions and stats/proprio. */
export const STAT_KEYS = ['actions', 'proprio'] as const;
export type StatKey = (typeof STAT_KEYS)[number];

/** Name of demo i. */
export function demoName(i: number): string {
  return `${DEMO_PREFIX}${i}`;
}

/** Sort demo names by index (HDF5 lists them alphabetically: demo_10 before demo_2). */
export function sortDemoNames(names: readonly string[]): string[] {
  return names
    .filter((n) => n.startsWith(DEMO_PREFIX))
    .sort((a, b) => Number(a.slice(DEMO_PREFIX.length)) - Number(b.slice(DEMO_PREFIX.length)));
}
