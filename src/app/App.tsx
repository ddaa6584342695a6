// The page: a 3D view of the tabletop, the model cameras, a task picker and the scripted
// expert's playback, plus the `window.__vla` test hook.
// Reference: DESIGN.md "What the product is"; this is the first version, later issues add the
// model, the instruction box and the denoising inspector as further panels.
// Invariants: the sim is stepped only by SceneView's fixed-rate loop (onTick); React state is
// a view of the episode status, refreshed at most once per animation frame; camera frames go
// straight from the renderer to the canvases without passing through React.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SceneView } from '../render/SceneView';
import { TASKS } from '../tasks';
import { CameraPanel, type CameraPanelHandle } from './components/CameraPanel';
import { PlaybackControls } from './components/PlaybackControls';
import { StatusLine } from './components/StatusLine';
import { TaskPicker } from './components/TaskPicker';
import { Viewport } from './components/Viewport';
import { Episode, type EpisodeStatus } from './episode';
import { frameStats, type FrameStats } from './frameStats';
import { installTestHook } from './testHook';

const DEFAULT_TASK = 'object/red_cube_in_bowl';

export function App() {
  const [taskId, setTaskId] = useState(TASKS.some((t) => t.id === DEFAULT_TASK) ? DEFAULT_TASK : TASKS[0].id);
  const [seed, setSeed] = useState(0);
  const [status, setStatus] = useState<EpisodeStatus | null>(null);
  const [playing, setPlaying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const view = useRef<SceneView | null>(null);
  const episode = useRef<Episode | null>(null);
  const cameras = useRef<CameraPanelHandle>(null);
  const lastFrames = useRef<{ agentview: FrameStats; wrist: FrameStats } | null>(null);
  const framesDrawn = useRef(0);
  const choice = useRef({ taskId, seed });
  choice.current = { taskId, seed };

  /** Points the view at the current episode's sim and redraws. */
  const attach = useCallback(() => {
    const v = view.current;
    const ep = episode.current;
    if (!v || !ep) return;
    v.source = ep.sim;
    v.setPlaying(false);
    v.invalidate();
    setPlaying(false);
    setStatus(ep.status);
  }, []);

  const loadScene = useCallback(
    (id: string, s: number) => {
      try {
        episode.current = new Episode(id, s);
        setError(null);
      } catch (e) {
        setError(`Could not build ${id} seed ${s}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      attach();
    },
    [attach],
  );

  const onView = useCallback(
    (v: SceneView | null) => {
      view.current = v;
      if (!v) return;
      v.onTick = () => {
        const ep = episode.current;
        return ep ? ep.stepExpert() : false;
      };
      v.onFrame = () => {
        const ep = episode.current;
        if (!ep) return;
        const f = v.simRenderer.renderFrames();
        cameras.current?.draw(f);
        lastFrames.current = {
          agentview: frameStats(f.agentview, f.width, f.height),
          wrist: frameStats(f.wrist, f.width, f.height),
        };
        framesDrawn.current++;
        setStatus(ep.status);
        if (!v.isPlaying) setPlaying(false);
      };
      loadScene(choice.current.taskId, choice.current.seed);
    },
    [loadScene],
  );

  const run = useCallback(() => {
    const ep = episode.current;
    if (!view.current || !ep || ep.status.done) return;
    view.current.setPlaying(true);
    setPlaying(true);
  }, []);
  const pause = useCallback(() => {
    view.current?.setPlaying(false);
    setPlaying(false);
  }, []);
  const reset = useCallback(() => {
    episode.current?.reset();
    attach();
  }, [attach]);

  useEffect(() => {
    installTestHook({
      get ready() {
        return view.current !== null && episode.current !== null && framesDrawn.current > 0;
      },
      get status() {
        return episode.current?.status ?? null;
      },
      get framesDrawn() {
        return framesDrawn.current;
      },
      frames: () => lastFrames.current,
      taskIds: () => TASKS.map((t) => t.id),
      newScene: (id, s) => {
        setTaskId(id);
        setSeed(s);
        loadScene(id, s);
      },
      runExpert: run,
      pause,
      reset,
    });
  }, [loadScene, run, pause, reset]);

  return (
    <div className="app">
      <header>
        <h1>VLA Sim</h1>
        <span className="muted">tabletop manipulation · three.js + cannon-es · discrete-diffusion VLA (coming)</span>
      </header>
      <main>
        <div className="stage">
          <Viewport onView={onView} />
          <StatusLine status={status} playing={playing} />
          {error && <div className="error">{error}</div>}
        </div>
        <aside>
          <TaskPicker
            tasks={TASKS}
            taskId={taskId}
            seed={seed}
            onTask={(id) => {
              setTaskId(id);
              loadScene(id, seed);
            }}
            onSeed={setSeed}
            onNewScene={() => loadScene(taskId, seed)}
          />
          <PlaybackControls
            playing={playing}
            done={status?.done ?? false}
            onRun={run}
            onPause={pause}
            onReset={reset}
          />
          <CameraPanel ref={cameras} />
        </aside>
      </main>
    </div>
  );
}
