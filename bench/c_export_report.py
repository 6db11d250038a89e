#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Summarises ctgrad_bench_c_export's Google Benchmark JSON (and examples/c_export's output,
when given) as bench/results/c_export.{md,json}: the median time of one batch-32 inference of
the Fashion-MNIST MLP in ctgrad and in the exported C, their ratio against the issue's bar
(C within 1.10x of ctgrad), and both test accuracies.
  c_export_report.py BENCH.json [--accuracy c_export.txt] --md OUT.md --json OUT.json [--header TEXT]...
"""
import argparse
import json
import re
import statistics


def medians(path, key):
    """Median of key ("cpu_time" or "real_time") per benchmark, in ns."""
    runs = json.load(open(path))["benchmarks"]
    times = {}
    for r in runs:
        if r.get("run_type") == "aggregate" and r.get("aggregate_name") != "median":
            continue
        name = r.get("run_name", r["name"])
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[r.get("time_unit", "ns")]
        times.setdefault(name, []).append(r[key] * scale)
    return {name: statistics.median(v) for name, v in times.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--accuracy")
    ap.add_argument("--md", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--header", action="append", default=[])
    a = ap.parse_args()
    # Processor time decides: on a shared machine, wall time also counts the time the
    # benchmark waited for a core. Both run on one thread.
    cpu, wall = medians(a.bench, "cpu_time"), medians(a.bench, "real_time")
    pick = lambda m, tail: next(v for k, v in m.items() if k.endswith(tail))  # noqa: E731
    ours, c = pick(cpu, "/ctgrad"), pick(cpu, "/c_export")
    ours_wall, c_wall = pick(wall, "/ctgrad"), pick(wall, "/c_export")
    ratio = c / ours
    out = {"ctgrad_cpu_ns": ours, "c_export_cpu_ns": c, "c_over_ctgrad": ratio, "within_1_10": ratio <= 1.10,
           "ctgrad_wall_ns": ours_wall, "c_export_wall_ns": c_wall, "header": a.header}
    lines = ["# C export against ctgrad: Fashion-MNIST MLP inference", ""]
    lines += [f"- {h}" for h in a.header]
    lines += ["", "| 784-128-10, batch 32, one forward pass | CPU time (median) | wall time (median) | C / ctgrad (CPU) |",
              "| --- | ---: | ---: | ---: |",
              f"| ctgrad `eval` | {ours / 1e3:.1f} µs | {ours_wall / 1e3:.1f} µs | |",
              f"| exported C99 (`codegen::c_export`) | {c / 1e3:.1f} µs | {c_wall / 1e3:.1f} µs | {ratio:.2f} |", "",
              f"The issue's bar, C within 1.10x of ctgrad: {'met' if ratio <= 1.10 else 'NOT met'} ({ratio:.2f}x)."]
    if a.accuracy:
        text = open(a.accuracy).read()
        acc = re.search(r"test accuracy: ctgrad ([0-9.]+)% \((\d+) of (\d+)\), C ([0-9.]+)% \((\d+) of (\d+)\): (\w+)", text)
        tim = re.search(r"ctgrad ([0-9.]+) ms, C ([0-9.]+) ms, C / ctgrad = ([0-9.]+)", text)
        if acc:
            out["accuracy"] = {"ctgrad_percent": float(acc[1]), "ctgrad_correct": int(acc[2]), "c_percent": float(acc[4]),
                               "c_correct": int(acc[5]), "test_samples": int(acc[3]), "equal": acc[7] == "equal"}
            lines += ["", f"Test accuracy after 2 epochs (examples/c_export, Fashion-MNIST's {acc[3]} test images): "
                          f"ctgrad {acc[1]}% ({acc[2]}), C {acc[4]}% ({acc[5]}): {acc[7]}."]
        if tim:
            out["test_set_pass_ms"] = {"ctgrad": float(tim[1]), "c": float(tim[2]), "ratio": float(tim[3])}
            lines += [f"The whole test set in batches of 32 (processor time, best of 5): ctgrad {tim[1]} ms, "
                      f"C {tim[2]} ms (C / ctgrad {tim[3]})."]
    open(a.md, "w").write("\n".join(lines) + "\n")
    json.dump(out, open(a.json, "w"), indent=2)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
