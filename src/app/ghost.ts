// The ghost trajectory in the 3D view: where the gripper would go if the partially decoded
// chunk were executed now, one dot per step of the chunk. Dots of steps whose position tokens
// are all committed are solid; uncommitted ones are faint (the ghost sharpens round by round).
// Reference: inspectorModel.ghostPath (the points); src/render/coords.ts (the three.js scene is
// the sim's world frame, so sim positions are copied verbatim).
// Invariants: owns one Group in the given scene and frees its geometry and materials in
// dispose(); never touches the sim.
import * as THREE from 'three';

/** Dot radius (m): visible next to the 8 cm gripper without hiding it. */
const DOT_RADIUS = 0.008;
const COLOUR = 0x7fd4ff;
/** three.js layer of the ghost: the page's camera enables it, the model cameras (layer 0 only)
 * never see it, so the overlay cannot leak into the model's input. */
export const GHOST_LAYER = 1;

export class GhostPath {
  private readonly group = new THREE.Group();
  private readonly line: THREE.Line;
  private readonly dots: THREE.Mesh[] = [];
  private readonly dotGeometry = new THREE.SphereGeometry(DOT_RADIUS, 10, 8);

  /** `viewCamera` is the page's orbit camera; it is made to see the ghost's layer. */
  constructor(private readonly scene: THREE.Scene, viewCamera: THREE.Camera) {
    viewCamera.layers.enable(GHOST_LAYER);
    // A position attribute from the start: the shader variant depends on it (precompile).
    const lineGeometry = new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(), new THREE.Vector3()]);
    this.line = new THREE.Line(lineGeometry, new THREE.LineBasicMaterial({ color: COLOUR, transparent: true, opacity: 0.7 }));
    this.line.layers.set(GHOST_LAYER);
    this.group.add(this.line);
    this.group.name = 'ghost-trajectory';
    scene.add(this.group);
    this.addDot();
    this.group.visible = false;
  }

  /** Compiles and links the ghost's shaders now, off the decode path: otherwise the first round
   * of the first chunk does it inside a decode (on SwiftShader a 0.3-0.6 s main-thread stall). */
  async precompile(renderer: THREE.WebGLRenderer, camera: THREE.Camera): Promise<void> {
    await renderer.compileAsync(this.group, camera, this.scene);
    // three still checks a program's link status at its first draw, a synchronous round trip
    // that waits for every queued GL command (a whole frame of the view); check it now.
    for (const o of [this.line, ...this.dots]) {
      const program = (renderer.properties.get(o.material) as { currentProgram?: { getUniforms(): unknown } }).currentProgram;
      program?.getUniforms();
    }
  }

  private addDot(): void {
    const m = new THREE.Mesh(this.dotGeometry, new THREE.MeshBasicMaterial({ color: COLOUR, transparent: true, depthWrite: false }));
    m.layers.set(GHOST_LAYER);
    m.visible = false;
    this.dots.push(m);
    this.group.add(m);
  }

  /** Shows `points` [h][xyz] from `start`; sure[h] in [0, 1] sets each dot's opacity. Empty hides. */
  set(start: readonly number[] | null, points: number[][], sure: number[]): void {
    this.group.visible = points.length > 0 && start !== null;
    if (!this.group.visible || !start) return;
    while (this.dots.length < points.length) this.addDot();
    this.dots.forEach((d, i) => {
      d.visible = i < points.length;
      if (!d.visible) return;
      d.position.set(points[i][0], points[i][1], points[i][2]);
      (d.material as THREE.MeshBasicMaterial).opacity = 0.15 + 0.85 * sure[i];
      d.scale.setScalar(0.6 + 0.4 * sure[i]);
    });
    const pts = [new THREE.Vector3(start[0], start[1], start[2]), ...points.map((p) => new THREE.Vector3(p[0], p[1], p[2]))];
    const g = this.line.geometry;
    // setFromPoints only overwrites an existing attribute (it truncates to its size).
    if (g.getAttribute('position').count !== pts.length) g.setAttribute('position', new THREE.Float32BufferAttribute(new Float32Array(3 * pts.length), 3));
    g.setFromPoints(pts);
    g.computeBoundingSphere();
  }

  dispose(): void {
    this.scene.remove(this.group);
    this.line.geometry.dispose();
    (this.line.material as THREE.Material).dispose();
    for (const d of this.dots) (d.material as THREE.Material).dispose();
    this.dotGeometry.dispose();
  }
}
