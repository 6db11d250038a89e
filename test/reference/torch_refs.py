#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
# Writes test/reference/torch_refs.txt: PyTorch's values and gradients (float64) for the
# convolution, pooling and activation primitives, so that ctgrad's tests compare with an
# independent implementation without needing torch when they run.
#
#   /usr/bin/python3 test/reference/torch_refs.py     (Debian 12: apt-get install python3-torch)
#
# Every case draws its inputs from torch.manual_seed(its index), computes y = f(inputs) and
# the gradients of L = sum(y * g) for a random upstream g, and records all of them. The C++
# side (test/support/torch_reference.hpp) reads the inputs, recomputes y and the gradients
# with ctgrad and compares. Each case's name spells its parameters; the tests restate them
# as template arguments, and the shapes read are checked against the shapes they expect.
#
# File format (text, one token stream per line):
#   case <name>
#   tensor <label> <rank> <dims...>
#   <values, %.17g, space-separated, row-major>
#   end
import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

def run(seed, name, make, fn):
    torch.manual_seed(seed)
    inputs = make()
    for t in inputs.values():
        if t.dtype == torch.float64:
            t.requires_grad_(True)
    y = fn(**inputs)
    g = torch.randn(y.shape)
    (y * g).sum().backward()
    out = [("g", g), ("y", y.detach())]
    for label, t in inputs.items():
        out.append((label, t.detach()))
    for label, t in inputs.items():
        if t.grad is not None:
            out.append(("d" + label, t.grad))
    return name, out


def conv_cases():
    # (name, B, Cin, spatial, Cout, kernel, stride, padding, dilation, groups, bias)
    grid2 = [
        ("conv2d.b2c3h5w5.o4k3x3.s1p0d1g1", 2, 3, (5, 5), 4, (3, 3), (1, 1), (0, 0), (1, 1), 1, True),
        ("conv2d.b2c3h7w6.o2k3x2.s2p1d1g1", 2, 3, (7, 6), 2, (3, 2), (2, 2), (1, 1), (1, 1), 1, True),
        ("conv2d.b1c4h6w7.o6k2x3.s1x2p2x1d2x1g2", 1, 4, (6, 7), 6, (2, 3), (1, 2), (2, 1), (2, 1), 2, True),
        ("conv2d.b2c3h5w5.o3k3x3.s1p1d1g3", 2, 3, (5, 5), 3, (3, 3), (1, 1), (1, 1), (1, 1), 3, True),
        ("conv2d.b2c2h9w8.o4k3x3.s2p0d2g2", 2, 2, (9, 8), 4, (3, 3), (2, 2), (0, 0), (2, 2), 2, True),
        ("conv2d.b3c1h4w4.o2k1x1.s1p0d1g1", 3, 1, (4, 4), 2, (1, 1), (1, 1), (0, 0), (1, 1), 1, True),
        ("conv2d.b1c2h8w7.o3k3x3.s3p2d2g1", 1, 2, (8, 7), 3, (3, 3), (3, 3), (2, 2), (2, 2), 1, True),
        ("conv2d.b2c2h5w4.o3k2x2.s1p0d1g1.nobias", 2, 2, (5, 4), 3, (2, 2), (1, 1), (0, 0), (1, 1), 1, False),
    ]
    grid1 = [
        ("conv1d.b2c3l9.o4k3.s1p0d1g1", 2, 3, (9,), 4, (3,), (1,), (0,), (1,), 1, True),
        ("conv1d.b2c4l10.o2k4.s2p1d1g2", 2, 4, (10,), 2, (4,), (2,), (1,), (1,), 2, True),
        ("conv1d.b1c3l11.o6k3.s3p2d2g3", 1, 3, (11,), 6, (3,), (3,), (2,), (2,), 3, True),
        ("conv1d.b3c2l7.o2k5.s1p4d1g1", 3, 2, (7,), 2, (5,), (1,), (4,), (1,), 1, True),
        ("conv1d.b2c2l6.o3k2.s1p0d3g1.nobias", 2, 2, (6,), 3, (2,), (1,), (0,), (3,), 1, False),
    ]
    out = []
    for name, B, C, sp, O, k, s, p, d, g, bias in grid2 + grid1:
        conv = F.conv2d if len(sp) == 2 else F.conv1d

        def make(B=B, C=C, sp=sp, O=O, k=k, g=g, bias=bias):
            t = {"x": torch.randn(B, C, *sp), "w": torch.randn(O, C // g, *k)}
            if bias:
                t["b"] = torch.randn(O)
            return t

        def fn(x, w, b=None, conv=conv, s=s, p=p, d=d, g=g):
            return conv(x, w, b, stride=s, padding=p, dilation=d, groups=g)

        out.append((name, make, fn))
    return out


def pool_cases():
    out = []
    # (name, kind, shape, kernel, stride, padding, ties)
    grid = [
        ("max_pool2d.b2c3h6w6.k2s2p0", "max", (2, 3, 6, 6), (2, 2), (2, 2), (0, 0), False),
        ("max_pool2d.b1c2h7w5.k3x2s2x1p1x0", "max", (1, 2, 7, 5), (3, 2), (2, 1), (1, 0), False),
        ("max_pool2d.b2c1h5w5.k3s1p1.ties", "max", (2, 1, 5, 5), (3, 3), (1, 1), (1, 1), True),
        ("avg_pool2d.b2c3h6w6.k2s2p0", "avg", (2, 3, 6, 6), (2, 2), (2, 2), (0, 0), False),
        ("avg_pool2d.b1c2h7w5.k3x2s2x1p1x0", "avg", (1, 2, 7, 5), (3, 2), (2, 1), (1, 0), False),
        ("max_pool1d.b2c3l9.k3s2p1", "max", (2, 3, 9), (3,), (2,), (1,), False),
        ("max_pool1d.b2c2l8.k2s1p0.ties", "max", (2, 2, 8), (2,), (1,), (0,), True),
        ("avg_pool1d.b2c3l9.k3s2p1", "avg", (2, 3, 9), (3,), (2,), (1,), False),
    ]
    for name, kind, shape, k, s, p, ties in grid:
        def make(shape=shape, ties=ties):
            x = torch.randn(*shape)
            if ties:
                x = torch.round(x * 1.5)  # few distinct values: many equal maxima in a window
            return {"x": x}

        if kind == "max":
            pool = F.max_pool2d if len(k) == 2 else F.max_pool1d
        else:
            pool = F.avg_pool2d if len(k) == 2 else F.avg_pool1d

        def fn(x, pool=pool, k=k, s=s, p=p):
            return pool(x, k, s, p)

        out.append((name, make, fn))
    out.append(("global_avg_pool2d.b2c3h5w4", lambda: {"x": torch.randn(2, 3, 5, 4)},
                lambda x: F.adaptive_avg_pool2d(x, 1).flatten(1)))
    out.append(("global_avg_pool1d.b2c3l7", lambda: {"x": torch.randn(2, 3, 7)},
                lambda x: F.adaptive_avg_pool1d(x, 1).flatten(1)))
    return out


def activation_cases():
    # Values over a wide range, including the thresholds and tails of each function.
    def make():
        x = torch.cat([torch.linspace(-30.0, 30.0, 61), torch.randn(35) * 3.0,
                       torch.tensor([-1e-3, 0.0, 1e-3, 19.9, 20.0, 20.1])])
        return {"x": x.reshape(6, 17)}

    return [
        ("gelu.erf", make, lambda x: F.gelu(x)),
        ("gelu.tanh", make, lambda x: F.gelu(x, approximate="tanh")),
        ("elu.alpha1", make, lambda x: F.elu(x)),
        ("elu.alpha0.5", make, lambda x: F.elu(x, alpha=0.5)),
        ("silu", make, lambda x: F.silu(x)),
        ("softplus", make, lambda x: F.softplus(x)),
        ("row_max", lambda: {"x": torch.randn(4, 7)}, lambda x: x.max(dim=-1).values),
        ("row_max.ties", lambda: {"x": torch.round(torch.randn(4, 7))}, lambda x: x.max(dim=-1).values),
        ("row_sum", lambda: {"x": torch.randn(4, 7)}, lambda x: x.sum(dim=-1)),
        ("row_sum2", lambda: {"x": torch.randn(2, 3, 5)}, lambda x: x.sum(dim=(-2, -1))),
    ]


def shape_cases():
    return [
        ("reshape.b2c3l4.to4x6", lambda: {"x": torch.randn(2, 3, 4)}, lambda x: x.reshape(4, 6)),
        ("flatten.b2c3h2w2", lambda: {"x": torch.randn(2, 3, 2, 2)}, lambda x: torch.flatten(x, 1)),
        ("concat.axis1", lambda: {"a": torch.randn(2, 3, 4), "b": torch.randn(2, 2, 4)},
         lambda a, b: torch.cat([a, b], 1)),
        ("concat.axis2.three", lambda: {"a": torch.randn(2, 3, 2), "b": torch.randn(2, 3, 3),
                                        "c": torch.randn(2, 3, 1)},
         lambda a, b, c: torch.cat([a, b, c], 2)),
        ("slice.axis1.1to4", lambda: {"x": torch.randn(2, 5, 3)}, lambda x: x[:, 1:4]),
        ("slice.axis0.1to2", lambda: {"x": torch.randn(3, 4)}, lambda x: x[1:2]),
    ]


def norm_cases():
    def bn_train(x, w, b):
        rm, rv = torch.zeros(x.shape[1]), torch.ones(x.shape[1])
        return F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)

    def bn_eval(x, w, b, rm, rv):
        # Running statistics are buffers: torch does not differentiate them.
        return F.batch_norm(x, rm.detach(), rv.detach(), w, b, training=False, eps=1e-5)

    def running(shape):
        # The running statistics after three training steps from (0, 1), as recorded by
        # torch's BatchNorm: inputs are the three batches, outputs the statistics.
        def make():
            return {"x1": torch.randn(*shape) * 2 + 1, "x2": torch.randn(*shape) * 3 - 1,
                    "x3": torch.randn(*shape)}

        def fn(x1, x2, x3):
            rm, rv = torch.zeros(shape[1]), torch.ones(shape[1])
            for x in (x1, x2, x3):
                F.batch_norm(x.detach(), rm, rv, None, None, training=True, momentum=0.1)
            return torch.stack([rm, rv]) + 0 * (x1.sum() + x2.sum() + x3.sum())
        return make, fn

    def affine(C):
        return {"w": torch.randn(C) * 0.5 + 1, "b": torch.randn(C)}

    run2 = running((4, 3, 2, 5))
    return [
        ("layer_norm.last1", lambda: {"x": torch.randn(4, 7) * 3 + 1, "w": torch.randn(7), "b": torch.randn(7)},
         lambda x, w, b: F.layer_norm(x, [7], w, b, eps=1e-5)),
        ("layer_norm.last2", lambda: {"x": torch.randn(3, 4, 5), "w": torch.randn(4, 5), "b": torch.randn(4, 5)},
         lambda x, w, b: F.layer_norm(x, [4, 5], w, b, eps=1e-5)),
        ("batch_norm1d.train", lambda: {"x": torch.randn(6, 4) * 2 - 1, **affine(4)}, bn_train),
        ("batch_norm2d.train", lambda: {"x": torch.randn(3, 2, 4, 5) + 2, **affine(2)}, bn_train),
        ("batch_norm2d.eval", lambda: {"x": torch.randn(3, 2, 4, 5), **affine(2),
                                       "rm": torch.randn(2), "rv": torch.rand(2) + 0.5}, bn_eval),
        ("batch_norm2d.running", run2[0], run2[1]),
    ]


def gemm_conv_cases():
    # Sizes where kernels::conv takes kernels/conv_gemm.hpp's paths when compiled for AVX2 or
    # AVX-512 (test/ops/conv2d_gemm.cpp): at least 16 384 multiply-adds, 4 or more input and
    # output channels per group, 8 or more outputs per group for the input adjoint's col2im,
    # one image (the weight adjoint's dy^T made once) and two with groups. Appended after the
    # other cases so that their seeds, and so their numbers, stay as they were.
    grid = [
        ("conv2d.b1c8h9w10.o16k3x3.s1p1d1g1", 1, 8, (9, 10), 16, (3, 3), (1, 1), (1, 1), (1, 1), 1, True),
        ("conv2d.b2c8h7w9.o16k3x2.s1p0x1d1x2g2", 2, 8, (7, 9), 16, (3, 2), (1, 1), (0, 1), (1, 2), 2, True),
    ]
    out = []
    for name, B, C, sp, O, k, s, p, d, g, bias in grid:
        def make(B=B, C=C, sp=sp, O=O, k=k, g=g, bias=bias):
            t = {"x": torch.randn(B, C, *sp), "w": torch.randn(O, C // g, *k)}
            if bias:
                t["b"] = torch.randn(O)
            return t

        def fn(x, w, b=None, s=s, p=p, d=d, g=g):
            return F.conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=g)

        out.append((name, make, fn))
    return out


def fmt(t):
    return " ".join("%.17g" % v for v in t.reshape(-1).tolist())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "torch_refs.txt")
    all_cases = (conv_cases() + pool_cases() + activation_cases() + shape_cases() + norm_cases()
                 + gemm_conv_cases())
    names = [c[0] for c in all_cases]
    assert len(names) == len(set(names)), "case names must be unique"
    lines = ["# Written by test/reference/torch_refs.py with torch %s, float64. Do not edit."
             % torch.__version__]
    for seed, (name, make, fn) in enumerate(all_cases):
        name, tensors = run(seed, name, make, fn)
        lines.append("case " + name)
        for label, t in tensors:
            lines.append("tensor %s %d %s" % (label, t.dim(), " ".join(str(n) for n in t.shape)))
            lines.append(fmt(t))
        lines.append("end")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    print("%s: %d cases" % (path, len(all_cases)), file=sys.stderr)


if __name__ == "__main__":
    main()
