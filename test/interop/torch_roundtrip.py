#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""The PyTorch side of issue 15's round trips for the GRU and the CNN (torch_gru.cpp and
torch_cnn.cpp are the ctgrad side; torch_mlp.py does the MLP).
  torch_roundtrip.py export gru|cnn DIR   trains the model below on a synthetic 3-class task
      (float32, Adam, one thread) and writes with tools/ctgrad_safetensors.py:
      model32.safetensors, model64.safetensors (its state_dict in float and double),
      data.safetensors (X, one-hot Y, torch's float outputs "out" on X, and "out1", torch's
      float output for X's first sample alone), grads64.safetensors (the gradient of the
      mean cross-entropy at X, Y in double, torch's names)
  torch_roundtrip.py check gru|cnn DIR    loads ctgrad's fine-tuned finetuned.safetensors
      with load_state_dict (strict: every name, every shape) and checks that torch's outputs
      on X equal ctgrad's (ctgrad_out.safetensors) to 1e-6
Models (ctgrad's twin in the .cpp):
  gru: x [T=6, B=16, 3] -> nn.GRU(3, 8) -> last step -> nn.Linear(8, 3)   ("gru.*", "head.*")
  cnn: x [B=16, 1, 8, 8] -> Conv2d(1, 4, 3, padding=1) -> ReLU -> MaxPool2d(2)
       -> Conv2d(4, 6, 3) -> Tanh -> Flatten -> Linear(24, 3)        ("0.*", "3.*", "6.*")
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import ctgrad_safetensors as st  # noqa: E402

T, B = 6, 16


class Gru(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(3, 8)   # time-major [T, B, in], as ctgrad's gru
        self.head = torch.nn.Linear(8, 3)

    def forward(self, x):
        hs, _ = self.gru(x)
        return self.head(hs[-1])


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 6, 3), torch.nn.Tanh(), torch.nn.Flatten(), torch.nn.Linear(24, 3))


def model(kind):
    return Gru() if kind == "gru" else cnn()


def task(kind, n, seed):
    """Three classes, told apart by a pattern a little noise hides."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 3, (n,), generator=g)
    if kind == "gru":
        # A rising, falling or oscillating signal in three channels.
        t = torch.linspace(-1, 1, T)
        shapes = torch.stack([t, -t, torch.cos(3.0 * t)])                # [3 classes, T]
        x = shapes[labels].T.unsqueeze(-1) * torch.tensor([1.0, 0.5, -0.7])  # [T, n, 3]
        return x + 0.4 * torch.randn(T, n, 3, generator=g), labels
    # A bright row, column or diagonal in an 8x8 image.
    images = torch.zeros(3, 8, 8)
    images[0, 3, :] = 1
    images[1, :, 4] = 1
    images[2] = torch.eye(8)
    x = images[labels].unsqueeze(1) + 0.5 * torch.randn(n, 1, 8, 8, generator=g)
    return x, labels


def export(kind, d):
    torch.set_num_threads(1)  # the same sums in the same order: the same model every run
    torch.manual_seed(0)
    m = model(kind)
    x, labels = task(kind, 256, 1)
    opt = torch.optim.Adam(m.parameters(), lr=0.01)
    for _ in range(25):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(m(x), labels)
        loss.backward()
        opt.step()
    xe, le = task(kind, B, 2)
    with torch.no_grad():
        out = m(xe)
        out1 = m(xe[:, :1] if kind == "gru" else xe[:1])  # one sample, at batch 1
    acc = (out.argmax(1) == le).float().mean().item()
    print(f"torch {kind}: trained, loss {loss.item():.4f}, accuracy on the {B} check samples {acc:.3f}")
    st.save(m.state_dict(), os.path.join(d, "model32.safetensors"))
    st.save({"X": xe, "Y": torch.nn.functional.one_hot(le, 3).float(), "out": out, "out1": out1},
            os.path.join(d, "data.safetensors"))
    m64 = model(kind).double()
    m64.load_state_dict({k: v.double() for k, v in m.state_dict().items()})
    st.save(m64.state_dict(), os.path.join(d, "model64.safetensors"))
    loss = torch.nn.functional.cross_entropy(m64(xe.double()), le)
    m64.zero_grad()
    loss.backward()
    st.save({k: p.grad for k, p in m64.named_parameters()}, os.path.join(d, "grads64.safetensors"))
    print(f"torch {kind}: double loss {loss.item():.17g}; tensors: " +
          ", ".join(f"{k} {list(v.shape)}" for k, v in m.state_dict().items()))


def check(kind, d):
    m = model(kind)
    m.load_state_dict(st.load(os.path.join(d, "finetuned.safetensors")))  # strict: every name
    data = st.load(os.path.join(d, "data.safetensors"))
    ours = st.load(os.path.join(d, "ctgrad_out.safetensors"))["out"]
    with torch.no_grad():
        out = m(data["X"])
    err = ((out - ours).abs() / ours.abs().clamp(min=1)).max().item()
    moved = (out - data["out"]).abs().max().item()
    print(f"torch {kind}: fine-tuned model loaded; outputs moved by up to {moved:.4g} from torch's "
          f"own; largest difference from ctgrad's outputs {err:.3g} (limit 1e-6)")
    if not moved > 1e-3:
        print(f"torch {kind}: FAILED: the fine-tuned weights equal the exported ones")
        return 1
    if not err <= 1e-6:
        print(f"torch {kind}: FAILED: outputs differ")
        return 1
    print(f"torch {kind}: round trip ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("export", "check") or sys.argv[2] not in ("gru", "cnn"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    os.makedirs(sys.argv[3], exist_ok=True)
    sys.exit((export(sys.argv[2], sys.argv[3]) or 0) if sys.argv[1] == "export" else check(sys.argv[2], sys.argv[3]))
