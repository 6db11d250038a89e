#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""safetensors for PyTorch state_dicts, with torch and the standard library only (Debian has
no safetensors package). The files are the format of huggingface/safetensors: an 8-byte
little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__":
{...}}, then the raw little-endian data; ctgrad's io::load_safetensors reads them and
io::save_safetensors writes them.

    import ctgrad_safetensors as st
    st.save(model.state_dict(), "model.safetensors")        # to ctgrad
    model.load_state_dict(st.load("model.safetensors"))      # from ctgrad

Command line:
    ctgrad_safetensors.py export state_dict.pt model.safetensors   (a torch.save'd state_dict)
    ctgrad_safetensors.py import model.safetensors state_dict.pt
    ctgrad_safetensors.py show model.safetensors                    (names, dtypes, shapes)
"""
import json
import struct
import sys

import torch

# I64 only for batch norm's step count, num_batches_tracked, which ctgrad's loader skips.
_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
           torch.bfloat16: "BF16", torch.int64: "I64"}
_TORCH = {name: dtype for dtype, name in _DTYPES.items()}
_SIZE = {"F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8}


def _raw(t):
    """The tensor's bytes, little-endian, row-major (no numpy: through a uint8 view)."""
    t = t.detach().cpu().contiguous()
    raw = bytes(t.reshape(-1).view(torch.uint8).tolist()) if t.numel() else b""
    if sys.byteorder != "little" and t.element_size() > 1:
        n = t.element_size()
        raw = b"".join(raw[i:i + n][::-1] for i in range(0, len(raw), n))
    return raw


def save(state_dict, path, metadata=None):
    """Writes a {name: tensor} dict (F32, F64, F16, BF16; I64 for num_batches_tracked) as a
    safetensors file."""
    header = {"__metadata__": dict(metadata or {"format": "pt"})}
    chunks, offset = [], 0
    for name, t in state_dict.items():
        if t.dtype not in _DTYPES:
            raise ValueError(f"{path}: tensor {name!r} has dtype {t.dtype}, not one ctgrad reads")
        raw = _raw(t)
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    import os
    os.replace(tmp, path)


def load(path):
    """Reads a safetensors file into a {name: tensor} dict, in the file's order of offsets."""
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 8:
        raise ValueError(f"{path}: truncated ({len(b)} bytes)")
    (n,) = struct.unpack("<Q", b[:8])
    if n > len(b) - 8:
        raise ValueError(f"{path}: truncated header ({n} bytes announced, {len(b) - 8} there)")
    header = json.loads(b[8:8 + n])
    data = b[8 + n:]
    out = {}
    entries = sorted(((k, v) for k, v in header.items() if k != "__metadata__"),
                     key=lambda kv: kv[1]["data_offsets"][0])
    for name, e in entries:
        dtype, shape = e["dtype"], e["shape"]
        begin, end = e["data_offsets"]
        if dtype not in _TORCH:
            raise ValueError(f"{path}: tensor {name!r} has dtype {dtype}")
        count = 1
        for d in shape:
            count *= d
        if end - begin != count * _SIZE[dtype] or end > len(data):
            raise ValueError(f"{path}: tensor {name!r}: offsets {begin}, {end} do not fit")
        raw = bytearray(data[begin:end])
        if sys.byteorder != "little" and _SIZE[dtype] > 1:
            k = _SIZE[dtype]
            raw = bytearray(b"".join(bytes(raw[i:i + k][::-1]) for i in range(0, len(raw), k)))
        t = torch.frombuffer(raw, dtype=_TORCH[dtype]) if raw else torch.empty(0, dtype=_TORCH[dtype])
        out[name] = t.reshape(shape).clone()
    return out


def _main(argv):
    if len(argv) == 4 and argv[1] == "export":
        save(torch.load(argv[2], map_location="cpu"), argv[3])
    elif len(argv) == 4 and argv[1] == "import":
        torch.save(load(argv[2]), argv[3])
    elif len(argv) == 3 and argv[1] == "show":
        for name, t in load(argv[2]).items():
            print(f"{name}\t{_DTYPES[t.dtype]}\t{list(t.shape)}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
