#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Machine code per implementation and case in ctgrad_bench_mlp.

    code_size.py BINARY SYMBOLS.tsv OUT.tsv

SYMBOLS.tsv (ctgrad_bench_mlp --symbols_out) names, per case and implementation, the function
that computes one gradient (case, impl, demangled symbol): mlp_case<Net>::run_ctgrad() and its
siblings, which are not inlined into the benchmark loop, and, for libtorch and ADOL-C, the
gradient() of their class in impl_torch.cpp / impl_adolc.cpp. The size of an implementation is
the bytes of that function plus every function of the binary it reaches: calls, jumps and
addresses taken (the tape keeps its backward steps as function pointers), found in
`objdump -d` and sized by `nm -S`. What it calls in shared libraries (libtorch, ADOL-C, libm)
is not code of this binary; OUT.tsv gives the number of such functions and the size of the
libraries (ldd) beside the count. Writes case, impl, bytes, functions, shared-library
functions, libraries (name:bytes, comma-separated), one line each.
"""
import bisect
import os
import re
import subprocess
import sys

REF = re.compile(r"\b([0-9a-f]+) <([^\n]*)>")


def functions(binary):
    """Sorted [(start, size, name)] of the binary's code symbols (nm -S, demangled)."""
    out = subprocess.run(["nm", "-C", "-S", "--defined-only", binary], check=True,
                         capture_output=True, text=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[2] in "tTwW" and len(parts[2]) == 1:
            start, size = int(parts[0], 16), int(parts[1], 16)
            if size:
                funcs.setdefault(start, (start, size, parts[3]))
    return sorted(funcs.values())


def references(binary, funcs):
    """{function start: (set of function starts it refers to, set of @plt names)}."""
    starts = [f[0] for f in funcs]

    def owner(addr):
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0 and addr < funcs[i][0] + funcs[i][1]:
            return funcs[i][0]
        return None

    refs = {}
    proc = subprocess.Popen(["objdump", "-d", "--no-show-raw-insn", "-C", binary],
                            stdout=subprocess.PIPE, text=True)
    current = None
    for line in proc.stdout:
        if not line.startswith(" "):
            m = re.match(r"^([0-9a-f]+) <", line)
            current = owner(int(m.group(1), 16)) if m else None
            continue
        if current is None:
            continue
        code = line.split(":", 1)[1] if ":" in line else line
        for m in REF.finditer(code):
            target, name = int(m.group(1), 16), m.group(2)
            calls, plt = refs.setdefault(current, (set(), set()))
            if "@plt" in name:
                plt.add(name.split("@plt")[0])
                continue
            t = owner(target)
            if t is not None and t != current:
                calls.add(t)
    proc.wait()
    return refs


def shared_libraries(binary):
    """{library name: bytes} of what the binary links dynamically (ldd)."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    libs = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+) => (\S+) ", line)
        if m and os.path.exists(m.group(2)):
            libs[m.group(1)] = os.path.getsize(os.path.realpath(m.group(2)))
    return libs


# The shared libraries whose code an implementation runs, besides libc/libm/libstdc++.
LIBRARIES = {"libtorch": ("libtorch", "libc10"), "adolc_retape": ("libadolc",),
             "adolc_reuse": ("libadolc",)}


def main():
    binary, symbols, out_path = sys.argv[1:4]
    funcs = functions(binary)
    by_name = {}
    for start, size, name in funcs:
        # a compiler's specialised copies ("f() [clone .isra.0]") count as f
        by_name.setdefault(name.split(" [clone ")[0], []).append(start)
    sizes = {start: size for start, size, _ in funcs}
    refs = references(binary, funcs)
    libs = shared_libraries(binary)
    rows = []
    with open(symbols, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            case, impl, symbol = line.rstrip("\n").split("\t")
            roots = by_name.get(symbol)
            if roots is None:  # e.g. numerical for a case without it, or no libtorch
                continue
            seen, todo, plt = set(roots), list(roots), set()
            while todo:
                calls, p = refs.get(todo.pop(), (set(), set()))
                plt |= p
                for t in calls - seen:
                    seen.add(t)
                    todo.append(t)
            used = ",".join(f"{n}:{b}" for n, b in sorted(libs.items())
                            if n.startswith(LIBRARIES.get(impl, ("-",))))
            rows.append((case, impl, sum(sizes[s] for s in seen), len(seen), len(plt), used))
    with open(out_path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    main()
