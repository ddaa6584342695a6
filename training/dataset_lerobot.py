"""Reader of the compact LeRobot v3 export written by `npm run export:lerobot` (docs/data.md).

    meta/info.json, meta/stats.json, meta/tasks.parquet, meta/episodes/chunk-000/file-000.parquet,
    data/chunk-000/file-000.parquet, videos/<camera key>/chunk-000/file-000.mp4

Returns demos as the same dicts as training/dataset_hdf5.py (keys agentview_rgb, eye_in_hand_rgb,
proprio, actions, rewards, dones, instruction, task_id, seed, num_samples), so ChunkDataset and
training take either source. Differences: low-dim arrays are float32 (LeRobot stores float32),
images went through a lossy video codec (mean absolute error per pixel: docs/data.md), and the
HDF5-only keys (ee_states, joint_states, states, ...) are not exported.

Parquet is read with pyarrow when it is installed, else with the small reader below, which
handles exactly what the exporter writes (REQUIRED columns, PLAIN encoding, data page v2,
UNCOMPRESSED or GZIP, fixed-length LISTs): Debian has no pyarrow. Videos are decoded with OpenCV
(Debian python3-opencv, FFmpeg backend); OpenCV converts YUV with BT.601 limited range, which is
what the exporter encodes with.
"""
import json
import os
import struct
import zlib

import numpy as np

CAMERAS = {"agentview_rgb": "observation.images.agentview", "eye_in_hand_rgb": "observation.images.eye_in_hand"}
_PLAIN_DTYPES = {1: "<i4", 2: "<i8", 4: "<f4", 5: "<f8"}  # parquet physical type -> numpy


# ---- thrift compact protocol (the parquet footer and page headers) --------------------------

def _varint(buf, pos):
    shift = result = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _zigzag(n):
    return (n >> 1) ^ -(n & 1)


def _read_value(buf, pos, ctype):
    if ctype in (1, 2):  # bool inside a struct: the type nibble is the value
        return ctype == 1, pos
    if ctype == 3:
        return struct.unpack_from("<b", buf, pos)[0], pos + 1
    if ctype in (4, 5, 6):
        v, pos = _varint(buf, pos)
        return _zigzag(v), pos
    if ctype == 7:
        return struct.unpack_from("<d", buf, pos)[0], pos + 8
    if ctype == 8:
        n, pos = _varint(buf, pos)
        return bytes(buf[pos:pos + n]), pos + n
    if ctype in (9, 10):
        head = buf[pos]
        pos += 1
        n, etype = head >> 4, head & 0x0F
        if n == 15:
            n, pos = _varint(buf, pos)
        out = []
        for _ in range(n):
            if etype in (1, 2):  # bool inside a list: one byte each
                out.append(buf[pos] == 1)
                pos += 1
            else:
                v, pos = _read_value(buf, pos, etype)
                out.append(v)
        return out, pos
    if ctype == 12:
        return _read_struct(buf, pos)
    raise ValueError(f"thrift compact type {ctype} not supported")


def _read_struct(buf, pos):
    """A struct as {field id: value}."""
    out, fid = {}, 0
    while True:
        head = buf[pos]
        pos += 1
        if head == 0:
            return out, pos
        delta, ctype = head >> 4, head & 0x0F
        if delta:
            fid += delta
        else:
            v, pos = _varint(buf, pos)
            fid = _zigzag(v)
        out[fid], pos = _read_value(buf, pos, ctype)


# ---- parquet ---------------------------------------------------------------------------------

def _rle_levels(buf, bit_width, count):
    """RLE / bit-packed hybrid decoding (repetition levels)."""
    out, pos = [], 0
    width_bytes = (bit_width + 7) // 8
    while len(out) < count:
        header, pos = _varint(buf, pos)
        if header & 1:
            nbytes = (header >> 1) * bit_width
            bits = np.unpackbits(np.frombuffer(bytes(buf[pos:pos + nbytes]), np.uint8), bitorder="little")
            out.extend((bits.reshape(-1, bit_width) << np.arange(bit_width)).sum(1).tolist())
            pos += nbytes
        else:
            out.extend([int.from_bytes(bytes(buf[pos:pos + width_bytes]), "little")] * (header >> 1))
            pos += width_bytes
    return np.array(out[:count])


def _plain(data, ptype, n):
    if ptype in _PLAIN_DTYPES:
        return np.frombuffer(data, _PLAIN_DTYPES[ptype], n)
    if ptype == 0:
        return np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")[:n].astype(bool)
    if ptype == 6:
        out, pos = [], 0
        for _ in range(n):
            (ln,) = struct.unpack_from("<i", data, pos)
            out.append(bytes(data[pos + 4:pos + 4 + ln]).decode("utf-8"))
            pos += 4 + ln
        return out
    raise ValueError(f"parquet physical type {ptype} not supported")


def _read_column(buf, meta, ptype, is_list):
    codec = meta[4]
    if codec not in (0, 2):
        raise ValueError(f"parquet codec {codec} not supported without pyarrow (only UNCOMPRESSED, GZIP)")
    pos, left, values, reps = meta[9], meta[5], [], []
    while left > 0:
        header, pos = _read_struct(buf, pos)
        size = header[3]
        if header[1] != 3:
            raise ValueError(f"parquet page type {header[1]} not supported without pyarrow (only DATA_PAGE_V2)")
        h = header[8]
        n, nulls, enc, dlen, rlen = h[1], h[2], h[4], h[5], h[6]
        if nulls or enc != 0:
            raise ValueError("only REQUIRED, PLAIN-encoded columns are supported without pyarrow")
        rep = buf[pos:pos + rlen]
        body = bytes(buf[pos + rlen + dlen:pos + size])
        if codec == 2 and h.get(7, True):
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if is_list:
            reps.append(_rle_levels(rep, 1, n))  # v2 pages: levels are not length-prefixed
        values.append(_plain(body, ptype, n))
        pos += size
        left -= n
    flat = np.concatenate(values) if not isinstance(values[0], list) else sum(values, [])
    if not is_list:
        return flat
    rep = np.concatenate(reps)
    starts = np.flatnonzero(rep == 0)
    lengths = np.diff(np.append(starts, len(rep)))
    if isinstance(flat, list) or len(set(lengths.tolist())) != 1:
        return [flat[s:s + ln] for s, ln in zip(starts, lengths)]
    return np.asarray(flat).reshape(len(starts), lengths[0])


def _from_arrow(col):
    """A pyarrow column as this reader returns it: numbers -> numpy (vectors 2-D), strings -> list."""
    import pyarrow as pa  # noqa: PLC0415
    t = col.type
    vals = col.to_pylist()
    if pa.types.is_list(t) or pa.types.is_fixed_size_list(t):
        if pa.types.is_string(t.value_type):
            return vals
        return np.asarray(vals, dtype=t.value_type.to_pandas_dtype())
    if pa.types.is_string(t):
        return vals
    return np.asarray(vals, dtype=t.to_pandas_dtype())


def read_parquet(path):
    """{column name: numpy array (vectors: 2-D) or list} of a parquet file."""
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 (optional dependency)
    except ImportError:
        pq = None
    if pq is not None:
        table = pq.read_table(path)
        return {name: _from_arrow(col) for name, col in zip(table.column_names, table.columns)}
    with open(path, "rb") as f:
        buf = memoryview(f.read())
    if bytes(buf[:4]) != b"PAR1" or bytes(buf[-4:]) != b"PAR1":
        raise ValueError(f"{path}: not a parquet file")
    (flen,) = struct.unpack_from("<i", buf, len(buf) - 8)
    meta, _ = _read_struct(buf, len(buf) - 8 - flen)
    schema = meta[2]
    leaves, i = [], 1  # schema[0] is the root; walk top-level fields
    while i < len(schema):
        el = schema[i]
        name = el[4].decode()
        if el.get(5):  # group: a LIST (group / repeated list / element)
            leaves.append((name, schema[i + 2][1], True))
            i += 3
        else:
            leaves.append((name, el[1], False))
            i += 1
    out = {name: [] for name, _, _ in leaves}
    for rg in meta[4]:
        for (name, ptype, is_list), chunk in zip(leaves, rg[1]):
            out[name].append(_read_column(buf, chunk[3], ptype, is_list))
    return {k: (np.concatenate(v) if isinstance(v[0], np.ndarray) else sum(v, [])) for k, v in out.items()}


# ---- dataset ---------------------------------------------------------------------------------

def decode_video(path):
    """Every frame of a video as uint8 RGB (N, H, W, 3), decoded by OpenCV."""
    import cv2  # noqa: PLC0415 (only the video path needs OpenCV)
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise ValueError(f"OpenCV cannot open {path} (is python3-opencv built with FFmpeg?)")
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(bgr[..., ::-1])
    cap.release()
    return np.stack(frames)


class LerobotDemos:
    """The export as a list of demo dicts (videos decoded once, on first access)."""

    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "meta", "info.json")) as f:
            self.info = json.load(f)
        if self.info.get("codebase_version") != "v3.0":
            raise ValueError(f"{root}: codebase_version {self.info.get('codebase_version')}, expected v3.0")
        with open(os.path.join(root, "meta", "stats.json")) as f:
            self.stats = {k: {s: np.asarray(v) for s, v in d.items()} for k, d in json.load(f).items()}
        self.episodes = read_parquet(os.path.join(root, "meta", "episodes", "chunk-000", "file-000.parquet"))
        self.data = read_parquet(os.path.join(root, "data", "chunk-000", "file-000.parquet"))
        self.fps = self.info["fps"]
        self._video = {}

    def __len__(self):
        return len(self.episodes["episode_index"])

    def video(self, key):
        if key not in self._video:
            rel = self.info["video_path"].format(video_key=key, chunk_index=0, file_index=0)
            self._video[key] = decode_video(os.path.join(self.root, rel))
        return self._video[key]

    def read_demo(self, e):
        lo, hi = int(self.episodes["dataset_from_index"][e]), int(self.episodes["dataset_to_index"][e])
        out = {
            "name": f"episode_{e}",
            "num_samples": hi - lo,
            "instruction": self.episodes["tasks"][e][0],
            "task_id": self.episodes["task_id"][e],
            "seed": int(self.episodes["seed"][e]),
            "proprio": self.data["observation.state"][lo:hi],
            "actions": self.data["action"][lo:hi],
            "rewards": self.data["next.reward"][lo:hi],
            "dones": self.data["next.done"][lo:hi].astype(np.uint8),
        }
        for name, key in CAMERAS.items():
            start = int(round(self.episodes[f"videos/{key}/from_timestamp"][e] * self.fps))
            frames = self.video(key)[start:start + hi - lo]
            if len(frames) != hi - lo:
                raise ValueError(f"{key}: episode {e} needs frames {start}..{start + hi - lo}, video has {len(self.video(key))}")
            out[name] = frames
        return out


def load_demos(root):
    ds = LerobotDemos(root)
    return [ds.read_demo(e) for e in range(len(ds))]


def compare_with_hdf5(root, hdf5_path):
    """Mean absolute difference per pixel (0..255 scale) between the export's decoded frames and
    the HDF5 frames, per camera, over every frame; and whether the low-dim data match."""
    from training.dataset_hdf5 import load_demos as load_hdf5  # noqa: PLC0415
    ref, got = load_hdf5(hdf5_path), load_demos(root)
    if len(ref) != len(got):
        raise ValueError(f"{len(got)} episodes in the export, {len(ref)} demos in the HDF5")
    out = {}
    for cam in CAMERAS:
        diff = sum(np.abs(g[cam].astype(np.int16) - r[cam].astype(np.int16)).sum() for r, g in zip(ref, got))
        out[cam] = float(diff / sum(r[cam].size for r in ref))
    out["actions_equal_as_float32"] = all(np.array_equal(g["actions"], r["actions"].astype(np.float32)) for r, g in zip(ref, got))
    out["frames"] = int(sum(len(r["actions"]) for r in ref))
    return out


if __name__ == "__main__":
    import argparse
    p = argparse.ArgumentParser(description="Compare a LeRobot export with its source HDF5 (decoding error).")
    p.add_argument("export_dir")
    p.add_argument("hdf5")
    a = p.parse_args()
    print(json.dumps(compare_with_hdf5(a.export_dir, a.hdf5), indent=1))
