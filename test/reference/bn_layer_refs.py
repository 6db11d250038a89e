#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
# Writes test/reference/bn_layer_refs.txt: small nets with torch.nn.BatchNorm1d/2d trained a
# few SGD steps in PyTorch (float64), for test/layers/norm.cpp, which trains the same nets
# from the same starting point with ctgrad's layer::batch_norm and train::fit and compares.
#
#   /usr/bin/python3 test/reference/bn_layer_refs.py    (Debian 12: apt-get install python3-torch)
#
# Format: as torch_refs.txt (see torch_refs.py). Each case records the starting parameters
# and buffers under ctgrad's names (W1 as ctgrad's [in, out], so nn.Linear's weight
# transposed; the batch norm as "bn2.weight", "bn2.bias", "bn2.running_mean",
# "bn2.running_var"), the training batch x, y, then after `steps` steps of SGD (lr 0.1,
# momentum 0.9, weight decay 0.01, one step per epoch: the batch is the whole set) the
# same tensors prefixed "after.", and the eval-mode output "eval_y" on the input "xt".
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
STEPS = 3


def write(out, name, tensors):
    out.write("case %s\n" % name)
    for label, t in tensors:
        t = t.detach().contiguous()
        out.write("tensor %s %d %s\n" % (label, t.dim(), " ".join(str(d) for d in t.shape)))
        out.write(" ".join("%.17g" % v for v in t.reshape(-1).tolist()) + "\n")
    out.write("end\n")


def ctgrad_names(net, names):
    # (ctgrad name, tensor) for each named module entry; Linear weights transposed
    out = []
    for ct, (module, attr, transpose) in names.items():
        t = getattr(net[module], attr)
        out.append((ct, t.t() if transpose else t))
    return out


def randomise_bn(bn):
    with torch.no_grad():
        bn.weight.copy_(1 + 0.3 * torch.randn(bn.weight.shape))
        bn.bias.copy_(0.2 * torch.randn(bn.bias.shape))
        bn.running_mean.copy_(0.1 * torch.randn(bn.running_mean.shape))
        bn.running_var.copy_(1 + 0.5 * torch.rand(bn.running_var.shape))


def train_case(out, name, seed, net, names, x, y, xt, loss_fn):
    before = ctgrad_names(net, names)
    before = [(k, v.clone()) for k, v in before]
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
    net.train()
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        eval_y = net(xt)
    after = [("after." + k, v) for k, v in ctgrad_names(net, names)]
    write(out, name, before + [("x", x), ("y", y), ("xt", xt)] + after + [("eval_y", eval_y)])


def bn1d(out):
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 3))
    randomise_bn(net[1])
    names = {"W1": (0, "weight", True), "b1": (0, "bias", False),
             "bn2.weight": (1, "weight", False), "bn2.bias": (1, "bias", False),
             "bn2.running_mean": (1, "running_mean", False), "bn2.running_var": (1, "running_var", False),
             "W3": (3, "weight", True), "b3": (3, "bias", False)}
    x = torch.randn(6, 4)
    y = torch.randn(6, 3)
    xt = torch.randn(6, 4)
    train_case(out, "bn1d.dense4x5.bn.relu.dense3.mse", 1, net, names, x, y, xt, F.mse_loss)


def bn2d(out):
    torch.manual_seed(2)
    net = nn.Sequential(nn.Unflatten(1, (2, 5, 5)), nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3),
                        nn.ReLU(), nn.Flatten(), nn.Linear(75, 4))
    randomise_bn(net[2])
    names = {"W1": (1, "weight", False), "b1": (1, "bias", False),
             "bn2.weight": (2, "weight", False), "bn2.bias": (2, "bias", False),
             "bn2.running_mean": (2, "running_mean", False), "bn2.running_var": (2, "running_var", False),
             "W3": (5, "weight", True), "b3": (5, "bias", False)}
    x = torch.randn(4, 50)
    y = F.one_hot(torch.tensor([0, 3, 1, 2]), 4).double()
    xt = torch.randn(4, 50)
    # ctgrad's cross_entropy(softmax(z), Y): the mean over rows of -sum y log softmax(z)
    ce = lambda z, t: -(t * F.log_softmax(z, dim=1)).sum(dim=1).mean()
    train_case(out, "bn2d.conv2to3k3p1.bn.relu.flatten.dense4.ce", 2, net, names, x, y, xt, ce)


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bn_layer_refs.txt")
    with open(path, "w") as out:
        out.write("# written by test/reference/bn_layer_refs.py (torch %s, float64)\n" % torch.__version__)
        bn1d(out)
        bn2d(out)
    print("wrote", path, file=sys.stderr)


if __name__ == "__main__":
    main()
