// The 3D view as a React component: owns one SceneView for its lifetime and hands it to the
// parent once mounted. Reference: src/render/SceneView.ts.
// Invariants: exactly one SceneView per mounted Viewport (StrictMode's mount/unmount/mount
// disposes the first one), and the parent is told when it goes away.
import { useEffect, useRef } from 'react';
import { SceneView, type SceneViewOptions } from '../../render/SceneView';

export interface ViewportProps {
  /** Called with the view after mount, and with null before it is disposed. */
  onView: (view: SceneView | null) => void;
  options?: Partial<SceneViewOptions>;
}

export function Viewport({ onView, options }: ViewportProps) {
  const host = useRef<HTMLDivElement>(null);
  const onViewRef = useRef(onView);
  onViewRef.current = onView;
  useEffect(() => {
    if (!host.current) return;
    const view = new SceneView(host.current, options);
    onViewRef.current(view);
    return () => {
      onViewRef.current(null);
      view.dispose();
    };
    // The view is created once; options are read at mount only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return <div className="viewport" ref={host} />;
}
