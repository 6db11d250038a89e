#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
# Reference values and gradients of torch.nn.RNN / GRU / LSTM in float64, for the tests in
# test/loop/torch_*.cpp. Regenerate (needs Debian's python3-torch):
#   /usr/bin/python3 test/reference/recurrent_refs.py > test/reference/recurrent.txt
# Each case: the inputs (X [T, B, in], R [T, B, H], the weights under PyTorch's names, and
# for one-layer cases the initial states), the loss sum(output * R), and its gradient with
# respect to every tensor, as "grad.<name>". Values are printed with 17 significant digits.
import torch

torch.manual_seed(1913)
IN, H = 3, 4
KINDS = {
    "rnn_tanh": lambda layers: torch.nn.RNN(IN, H, layers, nonlinearity="tanh"),
    "rnn_relu": lambda layers: torch.nn.RNN(IN, H, layers, nonlinearity="relu"),
    "gru": lambda layers: torch.nn.GRU(IN, H, layers),
    "lstm": lambda layers: torch.nn.LSTM(IN, H, layers),
}
# (layers, T, batch): one and two layers, T = 1, 7, 64, batch 1 and 5.
SHAPES = [(1, 1, 1), (1, 7, 5), (2, 7, 1), (2, 64, 5)]


def emit(name, t):
    values = t.detach().reshape(-1).tolist()
    print("tensor", name, len(values), " ".join(f"{v:.17g}" for v in values))


for kind, make in KINDS.items():
    for layers, T, B in SHAPES:
        net = make(layers).double()
        with torch.no_grad():
            for p in net.parameters():
                p.uniform_(-0.8, 0.8)
        X = torch.randn(T, B, IN, dtype=torch.float64, requires_grad=True)
        R = torch.randn(T, B, H, dtype=torch.float64)
        init = []
        if layers == 1:
            init = [torch.randn(1, B, H, dtype=torch.float64, requires_grad=True)
                    for _ in range(2 if kind == "lstm" else 1)]
        if kind == "lstm":
            out, _ = net(X, tuple(init) if init else None)
        else:
            out, _ = net(X, init[0] if init else None)
        loss = (out * R).sum()
        loss.backward()
        print("case", f"{kind}_l{layers}_t{T}_b{B}")
        emit("X", X)
        emit("R", R)
        for name, p in net.named_parameters():
            emit(name, p)
        for name, s in zip(["h0", "c0"], init):
            emit(name, s)
        emit("loss", loss.reshape(1))
        emit("grad.X", X.grad)
        for name, p in net.named_parameters():
            emit("grad." + name, p.grad)
        for name, s in zip(["h0", "c0"], init):
            emit("grad." + name, s.grad)
