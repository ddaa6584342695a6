// Drag objects on the table with the mouse, mid-episode, to watch the policy react. A press
// on the 3D view picks the object nearest to where the ray meets the table (within PICK_RADIUS);
// moving drags it along the table plane; orbiting is off while an object is held.
// Reference: Sim.setObjectPose (releases a grasped object, zeroes velocities, keeps it on the
// table); three.js Raycaster; coords.ts (world frame = scene frame, Z-up, table top z = 0).
// Invariants: the drag only moves objects through sim.setObjectPose; listeners are removed by
// the returned function.
import * as THREE from 'three';
import type { SceneView } from '../render/SceneView';
import type { Sim } from '../sim';

/** How far (m) from an object's centre a press still picks it. */
const PICK_RADIUS = 0.06;

/** Installs dragging on `view`; `sim()` gives the current sim (it changes on reset). */
export function installObjectDrag(view: SceneView, sim: () => Sim | null, onMoved: (id: string) => void): () => void {
  const ray = new THREE.Raycaster();
  const ndc = new THREE.Vector2();
  const hit = new THREE.Vector3();
  let held: { id: string; z: number; plane: THREE.Plane } | null = null;
  const cast = (e: PointerEvent, plane: THREE.Plane): THREE.Vector3 | null => {
    const r = view.canvas.getBoundingClientRect();
    ndc.set(((e.clientX - r.left) / r.width) * 2 - 1, -((e.clientY - r.top) / r.height) * 2 + 1);
    ray.setFromCamera(ndc, view.camera);
    return ray.ray.intersectPlane(plane, hit);
  };
  const down = (e: PointerEvent) => {
    const s = sim();
    if (!s || e.button !== 0) return;
    let best: { id: string; d: number; z: number } | null = null;
    for (const o of s.state().objects) {
      // Intersect at the object's own centre height, so tall objects pick where they are drawn.
      const p = cast(e, new THREE.Plane(new THREE.Vector3(0, 0, 1), -o.position[2]));
      if (!p) continue;
      const d = Math.hypot(p.x - o.position[0], p.y - o.position[1]);
      if (d < PICK_RADIUS && (!best || d < best.d)) best = { id: o.id, d, z: o.position[2] };
    }
    if (!best) return;
    held = { id: best.id, z: best.z, plane: new THREE.Plane(new THREE.Vector3(0, 0, 1), -best.z) };
    view.controls.enabled = false;
    view.canvas.setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const move = (e: PointerEvent) => {
    const s = sim();
    if (!held || !s) return;
    const p = cast(e, held.plane);
    if (!p) return;
    s.setObjectPose(held.id, [p.x, p.y, held.z]);
    view.invalidate();
    onMoved(held.id);
  };
  const up = (e: PointerEvent) => {
    if (!held) return;
    held = null;
    view.controls.enabled = true;
    if (view.canvas.hasPointerCapture(e.pointerId)) view.canvas.releasePointerCapture(e.pointerId);
  };
  // Capture phase: decide before OrbitControls sees the press.
  view.canvas.addEventListener('pointerdown', down, { capture: true });
  view.canvas.addEventListener('pointermove', move);
  view.canvas.addEventListener('pointerup', up);
  return () => {
    view.canvas.removeEventListener('pointerdown', down, { capture: true });
    view.canvas.removeEventListener('pointermove', move);
    view.canvas.removeEventListener('pointerup', up);
  };
}

/** Each object's sim position and where it appears on the page (client pixels): the e2e test
 * drags objects through this. */
export function objectsOnScreen(view: SceneView, sim: Sim): { id: string; position: number[]; screen: [number, number] }[] {
  const r = view.canvas.getBoundingClientRect();
  return sim.state().objects.map((o) => {
    const p = new THREE.Vector3(o.position[0], o.position[1], o.position[2]).project(view.camera);
    return { id: o.id, position: [...o.position], screen: [r.left + ((p.x + 1) / 2) * r.width, r.top + ((1 - p.y) / 2) * r.height] as [number, number] };
  });
}
