#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
# The PyTorch side of the round trip of issue 15 (see torch_mlp.cpp for the ctgrad side).
#   torch_mlp.py export DIR   trains nn.Sequential(Linear(4, 16), Tanh(), Linear(16, 3)) on a
#                             synthetic 3-class task and writes, with tools/ctgrad_safetensors.py:
#                             model32.safetensors, model64.safetensors (its state_dict in float
#                             and double), data.safetensors (X [32, 4], Y one-hot [32, 3], and
#                             torch's float outputs "out" [32, 3]), grads64.safetensors (the
#                             gradient of the mean cross-entropy at X, Y in double, torch's names),
#                             model_{f16,bf16}.safetensors and torch's float32 conversions of
#                             them, model_{f16,bf16}_as_f32.safetensors
#   torch_mlp.py check DIR    loads ctgrad's fine-tuned finetuned.safetensors with
#                             load_state_dict (strict) and checks that torch's outputs on X equal
#                             ctgrad's (ctgrad_out.safetensors) to 1e-6
import os
import subprocess
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import ctgrad_safetensors as st  # noqa: E402


def model():
    return torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))


def task(n, seed):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 3, (n,), generator=g)
    centres = torch.tensor([[1.0, 0.0, -1.0, 0.5], [-1.0, 1.0, 0.0, -0.5], [0.0, -1.0, 1.0, 0.0]])
    x = centres[labels] + 0.6 * torch.randn(n, 4, generator=g)
    return x, labels


def export(d):
    torch.set_num_threads(1)  # the same sums in the same order: the same model every run
    torch.manual_seed(0)
    m = model()
    x, labels = task(512, 1)
    opt = torch.optim.Adam(m.parameters(), lr=0.01)
    for _ in range(200):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(m(x), labels)
        loss.backward()
        opt.step()
    xe, le = task(32, 2)
    with torch.no_grad():
        out = m(xe)
    acc = (out.argmax(1) == le).float().mean().item()
    print(f"torch: trained, loss {loss.item():.4f}, accuracy on the 32 check samples {acc:.3f}")
    st.save(m.state_dict(), os.path.join(d, "model32.safetensors"))
    # The same weights in half precision, and torch's own conversion of those back to float.
    for kind, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16)):
        low = {k: v.to(dtype) for k, v in m.state_dict().items()}
        st.save(low, os.path.join(d, f"model_{kind}.safetensors"))
        st.save({k: v.float() for k, v in low.items()}, os.path.join(d, f"model_{kind}_as_f32.safetensors"))
    st.save({"X": xe, "Y": torch.nn.functional.one_hot(le, 3).float(), "out": out},
            os.path.join(d, "data.safetensors"))
    m64 = model().double()
    m64.load_state_dict({k: v.double() for k, v in m.state_dict().items()})
    st.save(m64.state_dict(), os.path.join(d, "model64.safetensors"))
    loss = torch.nn.functional.cross_entropy(m64(xe.double()), le)
    m64.zero_grad()
    loss.backward()
    st.save({k: p.grad for k, p in m64.named_parameters()}, os.path.join(d, "grads64.safetensors"))
    print(f"torch: double loss {loss.item():.17g}")


def check(d):
    m = model()
    m.load_state_dict(st.load(os.path.join(d, "finetuned.safetensors")))  # strict: every name
    data = st.load(os.path.join(d, "data.safetensors"))
    ours = st.load(os.path.join(d, "ctgrad_out.safetensors"))["out"]
    with torch.no_grad():
        out = m(data["X"])
    before = data["out"]
    err = ((out - ours).abs() / ours.abs().clamp(min=1)).max().item()
    moved = (out - before).abs().max().item()
    print(f"torch: fine-tuned model loaded; outputs moved by up to {moved:.4g} from torch's own; "
          f"largest difference from ctgrad's outputs {err:.3g} (limit 1e-6)")
    if not moved > 1e-3:
        print("torch: FAILED: the fine-tuned weights equal the exported ones")
        return 1
    if not err <= 1e-6:
        print("torch: FAILED: outputs differ")
        return 1
    # The command line: import to a torch.save'd state_dict, export it again, same tensors.
    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "ctgrad_safetensors.py")
    pt, again = os.path.join(d, "finetuned.pt"), os.path.join(d, "again.safetensors")
    subprocess.run([sys.executable, tool, "import", os.path.join(d, "finetuned.safetensors"), pt], check=True)
    subprocess.run([sys.executable, tool, "export", pt, again], check=True)
    a, b = st.load(os.path.join(d, "finetuned.safetensors")), st.load(again)
    if list(a) != list(b) or not all(torch.equal(a[k], b[k]) for k in a):
        print("torch: FAILED: ctgrad_safetensors.py import then export changed the tensors")
        return 1
    print("torch: round trip ok (and through ctgrad_safetensors.py import / export)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("export", "check"):
        print(__doc__ or "usage: torch_mlp.py export|check DIR", file=sys.stderr)
        sys.exit(2)
    os.makedirs(sys.argv[2], exist_ok=True)
    sys.exit(export(sys.argv[2]) or 0 if sys.argv[1] == "export" else check(sys.argv[2]))
