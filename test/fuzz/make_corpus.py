#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
# Writes the fuzzers' seed corpora, test/fuzz/corpus/<harness>/: a few valid inputs and a
# few slightly broken ones each. The committed files come from this script; run it again
# after changing it (python3 test/fuzz/make_corpus.py).
import base64
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- expressions: 2 bytes pick the entry, then x and y (a mode byte, then its bytes)
def grid(v):  # mode 0: v/256
    return bytes([0]) + struct.pack("<h", int(v * 256))


def raw(v):  # mode 3: any double
    return bytes([3]) + struct.pack("<d", v)


write("expressions", "grid", struct.pack("<H", 0) + grid(0.5) + grid(-1.25))
write("expressions", "zero", struct.pack("<H", 7) + grid(0) + grid(0))
write("expressions", "near_zero", struct.pack("<H", 20) + bytes([1]) + struct.pack("<h", 3) + grid(2))
write("expressions", "quarters", struct.pack("<H", 41) + bytes([2, 6, 2, 0xfa]))
write("expressions", "huge", struct.pack("<H", 63) + raw(1e300) + raw(-3.5))
write("expressions", "nan", struct.pack("<H", 90) + raw(float("nan")) + raw(float("inf")))
# Issue 22: sigmoid(x^-1) - y (entry 8) at x = 8.196874112397505e+107, y = 0.5, where
# central differences are 0 (f is flat in every format) and d(f, x) = -3.72e-217 is right.
write("expressions", "issue22_flat_sigmoid",
      base64.b64decode("SBT/AABWVlZWVlZWAgBWVlZWVlZWVlZWVlYC"))


# ---- params_file: the format of include/ctgrad/io/params_file.hpp
def fnv1a(b):
    h = 1469598103934665603
    for c in b:
        h = ((h ^ c) * 1099511628211) % 2**64
    return h


def params(scalar, tensors, version=1, architecture=None):
    b = b"CTGRADPS" + struct.pack("<III", version, scalar, len(tensors))
    if architecture is not None:
        b += struct.pack("<I", len(architecture)) + architecture.encode()
    for name, dims, _ in tensors:
        b += struct.pack("<I", len(name)) + name.encode() + struct.pack("<I", len(dims))
        b += b"".join(struct.pack("<Q", d) for d in dims)
    for _, _, values in tensors:
        b += b"".join(struct.pack("<f" if scalar == 4 else "<d", v) for v in values)
    return b + struct.pack("<Q", fnv1a(b))


mlp = [("W1", [3, 4], [0.1 * i for i in range(12)]), ("b1", [4], [0.0, 0.5, -0.5, 1.0]),
       ("W2", [4, 2], [-0.25 * i for i in range(8)]), ("b2", [2], [0.0, -0.0])]
small = [("s", [], [2.5]), ("M", [2, 2], [1.0, -2.0, float("inf"), float("nan")])]
good = params(4, mlp)
write("params_file", "mlp_float", good)
write("params_file", "scalar_and_matrix_double", params(8, small))
write("params_file", "truncated", good[:-9])
write("params_file", "checksum", good[:-1] + bytes([good[-1] ^ 1]))
write("params_file", "version_2", params(4, mlp, version=2, architecture="relu(X @ W1 + b1) @ W2 + b2"))
write("params_file", "version_2_empty_architecture", params(4, mlp, version=2, architecture=""))
write("params_file", "version_3", params(4, mlp, version=3))
write("params_file", "other_shape", params(4, [("W1", [3, 5], [0.0] * 15)] + mlp[1:]))


# ---- safetensors: u64 header length, JSON header, data (include/ctgrad/io/safetensors.hpp)
def safetensors(tensors, pad=True):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def f32(values):
    return b"".join(struct.pack("<f", v) for v in values)


linear = [("0.weight", "F32", [4, 3], f32([0.1 * i for i in range(12)])), ("0.bias", "F32", [4], f32([0.0, 0.5, -0.5, 1.0])),
          ("2.weight", "F32", [2, 4], f32([-0.25 * i for i in range(8)])), ("2.bias", "F32", [2], f32([0.0, -0.0]))]
write("safetensors", "mlp_f32", safetensors(linear))
write("safetensors", "mlp_unpadded", safetensors(linear, pad=False))
write("safetensors", "mlp_f16_bf16",
      safetensors([(n, "F16" if i % 2 else "BF16", s, b"\x00\x3c" * (len(r) // 4)) for i, (n, _, s, r) in enumerate(linear)]))
write("safetensors", "scalar_and_matrix_f64",
      safetensors([("s", "F64", [], struct.pack("<d", 2.5)), ("M", "F64", [2, 2], struct.pack("<4d", 1.0, -2.0, float("inf"), float("nan")))]))
write("safetensors", "truncated", safetensors(linear)[:-3])
write("safetensors", "not_json", struct.pack("<Q", 6) + b"{\"a\":[" + b"\0" * 8)
write("safetensors", "overlap", safetensors(linear).replace(b"[48,64]", b"[40,56]"))

# ---- idx: 0 0 8 n, n big-endian u32 sizes, the bytes
def idx(dims, data, kind=8):
    return bytes([0, 0, kind, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


write("idx", "labels", idx([5], [0, 1, 2, 3, 9]))
write("idx", "rows_of_3", idx([2, 3], range(6)))
write("idx", "images_2x2", idx([2, 2, 2], range(8)))
write("idx", "image_28x28", idx([1, 28, 28], [i % 256 for i in range(784)]))
write("idx", "truncated", idx([2, 2, 2], range(7)))
write("idx", "gzip", bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0]))
write("idx", "huge_count", idx([0xFFFFFFFF, 28, 28], range(4)))

# ---- csv
write("csv", "header_crlf_blank", "x,y,label\n1.5,-2,0\r\n\n3e2, 4 ,1\n")
write("csv", "one_column", "1\n-2.5\n1e-3\n")
write("csv", "two_columns", "1,2\n3,4\n")
write("csv", "special_values", "nan,inf,-0x1p3\n-0,1e308,4.9e-324\n")
write("csv", "bad_field", "1,2,3\n4,five,6\n")
write("csv", "short_row", "1,2,3\n4,5\n")
