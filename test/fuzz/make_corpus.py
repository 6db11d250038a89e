#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
# Writes the fuzzers' seed corpora, test/fuzz/corpus/<harness>/: a few valid inputs and a
# few slightly broken ones each. The committed files come from this script; run it again
# after changing it (python3 test/fuzz/make_corpus.py).
import base64
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


def params(scalar, tensors, version=1):
    b = b"CTGRADPS" + struct.pack("<III", version, scalar, len(tensors))
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
write("params_file", "version_2", params(4, mlp, version=2))
write("params_file", "other_shape", params(4, [("W1", [3, 5], [0.0] * 15)] + mlp[1:]))


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
