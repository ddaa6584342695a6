// Model and backend: pick a bundled model, load one from a URL, or drop / choose a model folder
// (its four files) or a .zip; a progress bar while loading; a refused model's message. The
// active model and backend are shown in the page header, always.
// Reference: src/app/modelSources.ts (sources, size limit); VlaModel.load validation messages.
// Invariants: the panel only reports choices; the page keeps the previous model until a new
// one has loaded and validated.
import { useState } from 'react';
import { BACKENDS, type PageState } from '../urlState';
import { filesFromDrop, type LoadProgress } from '../modelSources';

export interface ModelPanelProps {
  models: readonly string[];
  model: string;
  backend: PageState['backend'];
  loading: LoadProgress | null;
  error: string | null;
  onModel: (nameOrUrl: string) => void;
  onFiles: (files: File[]) => void;
  onBackend: (b: PageState['backend']) => void;
}

export function ModelPanel(p: ModelPanelProps) {
  const [url, setUrl] = useState('');
  const [over, setOver] = useState(false);
  const pct = p.loading ? Math.round((100 * p.loading.files) / p.loading.totalFiles) : 0;
  return (
    <section className="panel">
      <h2>Model</h2>
      <div className="row">
        <select aria-label="model" data-testid="model-select" value={p.models.includes(p.model) ? p.model : ''} onChange={(e) => e.target.value && p.onModel(e.target.value)}>
          {!p.models.includes(p.model) && <option value="">{p.model}</option>}
          {p.models.map((m) => (
            <option key={m} value={m}>
              models/{m}
            </option>
          ))}
        </select>
        <select aria-label="backend" data-testid="backend-select" value={p.backend} onChange={(e) => p.onBackend(e.target.value as PageState['backend'])} title="ONNX Runtime execution provider">
          {BACKENDS.map((b) => (
            <option key={b} value={b}>
              {b === 'auto' ? 'auto' : b.toUpperCase()}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <input aria-label="model url" data-testid="model-url" placeholder="https://…/my-model/ or /models/name/" value={url} onChange={(e) => setUrl(e.target.value)} />
        <button type="button" data-testid="model-url-load" disabled={!url.trim()} onClick={() => p.onModel(url.trim())}>
          Load
        </button>
      </div>
      <label
        className={`drop ${over ? 'over' : ''}`}
        data-testid="model-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void filesFromDrop(e.dataTransfer).then(p.onFiles);
        }}
      >
        Drop a model folder's files or a .zip here, or choose them
        <input type="file" multiple accept=".json,.onnx,.zip" data-testid="model-files" onChange={(e) => e.target.files && p.onFiles([...e.target.files])} />
        <span className="folder-pick">
          or a folder: <input type="file" data-testid="model-folder" {...{ webkitdirectory: '' }} onChange={(e) => e.target.files && p.onFiles([...e.target.files])} />
        </span>
      </label>
      {p.loading && (
        <div className="progress" data-testid="model-progress">
          <div style={{ width: `${pct}%` }} />
          <span>
            {p.loading.files}/{p.loading.totalFiles} files · {(p.loading.bytes / 1024).toFixed(0)} kB
          </span>
        </div>
      )}
      {p.error && (
        <div className="error inline" data-testid="model-error">
          {p.error}
        </div>
      )}
      <p className="hint">
        A model is a folder with manifest.json, tokenizer.json, encoder.onnx and decoder.onnx (models/README.md). A model that breaks the contract is refused
        and the current one keeps running.
      </p>
    </section>
  );
}
