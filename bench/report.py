#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Summarises a benchmark run and compile-time measurements as markdown and JSON.

    report.py --benchmarks BENCH.json --compile COMPILE.tsv --md OUT.md --json OUT.json
              [--train TRAIN.json] [--peak PEAK.json] [--code-size CODE.tsv] [--plot OUT.png] [--header LINE]...
              [--gru GRU.json] [--loop-compile LOOPS.json] [--demo MODEL=ACCURACY]...
              [--cnn CNN.json]

BENCH.json is Google Benchmark's JSON output of ctgrad_bench_mlp (names "case/impl");
TRAIN.json that of ctgrad_bench_train (names "case/impl/...", one iteration = one SGD step of
a batch, facts about the run in its context: data, steps per run, the check, libtorch);
COMPILE.tsv has one tab-separated line per compile: depth, compiler, seconds, peak RSS KB,
object bytes ("-" if the compile failed), the first error line (empty unless it failed).
CODE.tsv is bench/code_size.py's output (case, impl, bytes, functions, shared-library
functions, libraries). OUT.png (gnuplot, when installed) plots ns per gradient against the
number of parameters, one series per implementation, float cases, batch 1 and batch 32 side
by side.
The markdown goes to stdout and to OUT.md; OUT.json is a list of records.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
REFERENCE = "handwritten"
TRAIN_THREADS_GOAL = 1.7  # issue 16: two threads against ctgrad's own one-thread samples/s
TRAIN_GOAL = 2.0  # issue 4: ctgrad at least twice libtorch's samples/s


IMPLS = ["ctgrad", "handwritten", "forward_only", "tape", "libtorch", "adolc_retape",
         "adolc_reuse", "dlib", "fann", "numerical"]
COUNTERS = ("params", "allocations", "check_rel_diff", "flops")
COLORS = ["#d62728", "#1f77b4", "#7f7f7f", "#ff7f0e", "#9467bd", "#2ca02c", "#17becf",
          "#000000"]


def value_type(case):
    return "double" if case.endswith("_f64") else "float"


def runtimes(path):
    """([(case, impl, median ns, cv or None)] in registration order, {name: counters})."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    medians, cvs, samples, index, counters = {}, {}, {}, {}, {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        if b.get("run_type") != "aggregate" or b.get("aggregate_name") == "median":
            counters.setdefault(name, {k: b[k] for k in COUNTERS if k in b})
        # Random interleaving shuffles the output; the family index is the registration order.
        index.setdefault(name, (b.get("family_index", len(index)),
                                b.get("per_family_instance_index", 0)))
        if b.get("error_occurred"):
            raise SystemExit(f"report.py: benchmark {name} failed: {b.get('error_message')}")
        if b.get("run_type") == "aggregate":
            if b["aggregate_name"] == "median":
                medians[name] = b["real_time"] * UNIT_NS[b["time_unit"]]
            elif b["aggregate_name"] == "cv":
                cvs[name] = b["real_time"]  # a fraction, whatever time_unit says
        else:  # one repetition: no aggregates, so the median of the runs themselves
            samples.setdefault(name, []).append(b["real_time"] * UNIT_NS[b["time_unit"]])
    rows = []
    for name in sorted(index, key=index.get):
        case, _, impl = name.rpartition("/")
        ns = medians.get(name)
        if ns is None:
            ns = statistics.median(samples[name])
        rows.append((case, impl, ns, cvs.get(name)))
    return rows, counters


def cpu_medians(path):
    """{name: median CPU ns} of a Google Benchmark JSON: on a loaded machine the wall-clock
    median also counts the time the process waited for a core; CPU time does not."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out, samples = {}, {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                out[name] = b["cpu_time"] * UNIT_NS[b["time_unit"]]
        else:
            samples.setdefault(name, []).append(b["cpu_time"] * UNIT_NS[b["time_unit"]])
    for name, v in samples.items():
        out.setdefault(name, statistics.median(v))
    return out


def pivot(title, intro, cases, cell, impls):
    """A markdown table: one row per case, one column per implementation."""
    md = ["", title, ""] + intro + ["", "| case | " + " | ".join(impls) + " |",
                                    "| --- |" + " ---: |" * len(impls)]
    for case in cases:
        md.append(f"| {case} | " + " | ".join(cell(case, impl) for impl in impls) + " |")
    return md


def code_sizes(path):
    """{(case, impl): (bytes, functions, shared-library functions, libraries)}."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                case, impl, size, funcs, plt, libs = line.rstrip("\n").split("\t")
                out[(case, impl)] = (int(size), int(funcs), int(plt), libs)
    return out


def plot(run, counters, path):
    """ns per gradient against parameters, float cases; gnuplot, if installed."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return "plot: not drawn (gnuplot is not installed; Debian: gnuplot-nox)"
    series = {}
    for case, impl, ns, _ in run:
        params = counters.get(f"{case}/{impl}", {}).get("params")
        if value_type(case) != "float" or not params:
            continue
        panel = 32 if case.endswith("_b32") else 1
        series.setdefault((panel, impl), []).append((params, ns, case))
    impls = [i for i in IMPLS if any(k[1] == i for k in series)]
    with tempfile.TemporaryDirectory() as tmp:
        cmds = [f"set terminal pngcairo size 1400,600 font ',10'",
                f"set output '{path}'", "set multiplot layout 1,2",
                "set logscale xy", "set format x '10^{%L}'", "set format y '10^{%L}'",
                "set xlabel 'parameters'", "set ylabel 'ns per gradient (median)'",
                "set grid", "set key top left font ',9'"]
        for panel, title in ((1, "batch 1 (chain rule: 1 parameter)"), (32, "batch 32")):
            plots = []
            for k, impl in enumerate(impls):
                pts = sorted(series.get((panel, impl), []))
                if not pts:
                    continue
                data = os.path.join(tmp, f"{panel}_{impl}.dat")
                with open(data, "w", encoding="utf-8") as f:
                    f.writelines(f"{p} {ns} {case}\n" for p, ns, case in pts)
                plots.append(f"'{data}' using 1:2 with linespoints lw 2 pt {k + 4} ps 1.3 "
                             f"lc rgb '{COLORS[k % len(COLORS)]}' title '{impl}' noenhanced")
            cmds += [f"set title '{title}, float'", "plot " + ", ".join(plots)]
        cmds.append("unset multiplot")
        script = os.path.join(tmp, "plot.gp")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n".join(cmds) + "\n")
        result = subprocess.run([gnuplot, script], capture_output=True, text=True)
        if result.returncode != 0:
            return f"plot: gnuplot failed: {result.stderr.strip()[:300]}"
    return None


def peak_gflops(path):
    """The best GFLOP/s over ctgrad_bench_peak's repetitions (bench/peak.cpp): a peak, so the
    fastest run, the one least disturbed by other work on the machine."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rates = [b["gflops"] for b in data["benchmarks"]
             if b.get("run_type") != "aggregate" and "gflops" in b]
    if not rates:
        raise SystemExit(f"report.py: no gflops in {path}")
    return max(rates)


def peak_section(path, records):
    """The peak's record, fraction_of_peak on every record with a FLOP count (the MLP cases:
    the products' multiply-adds, 2 flops each), and the markdown table of them."""
    peak = peak_gflops(path)
    records.append({"case": "peak_fp32_fma", "impl": "peak", "gflops": peak})
    md = ["", "## Fraction of the FP32 FMA peak", "",
          f"One core's FP32 FMA peak, measured in this run (bench/peak.cpp, best of 10): "
          f"{peak:.1f} GFLOP/s. A gradient's FLOP count is that of its matrix products, forward "
          "and backward (bench/mlp_case.hpp says how it is counted); its rate is that count "
          "over the median time.", "",
          "| case | impl | MFLOP | GFLOP/s | fraction of peak |", "| --- | --- | ---: | ---: | ---: |"]
    for rec in records:
        if "flops" in rec and "gflops" in rec and "case" in rec:
            rec["fraction_of_peak"] = rec["gflops"] / peak
            md.append(f"| {rec['case']} | {rec['impl']} | {rec['flops'] / 1e6:.4g} | "
                      f"{rec['gflops']:.1f} | {rec['fraction_of_peak']:.3f} |")
    return md


def training(path):
    """([(case, impl, median real ns per step, median cpu ns per step)], context) in
    registration order. CPU time is the whole process's (MeasureProcessCPUTime)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    real, cpu, samples, index = {}, {}, {}, {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        if b.get("error_occurred"):
            raise SystemExit(f"report.py: benchmark {name} failed: {b.get('error_message')}")
        # "train_784_128_10_b32/ctgrad/iterations:1875/process_time/real_time": the case is
        # the first part, the impl the second; the data-parallel runs add "threads:N/shards:K".
        parts = name.split("/")
        key = (parts[0].removeprefix("train_"),
               "/".join([parts[1]] + [p for p in parts[2:]
                                      if p.startswith(("threads:", "shards:", "ranks:"))]))
        index.setdefault(key, (b.get("family_index", len(index)),
                               b.get("per_family_instance_index", 0)))
        unit = UNIT_NS[b["time_unit"]]
        if b.get("run_type") == "aggregate":
            if b["aggregate_name"] == "median":
                real[key], cpu[key] = b["real_time"] * unit, b["cpu_time"] * unit
        else:
            samples.setdefault(key, []).append((b["real_time"] * unit, b["cpu_time"] * unit))
    rows = []
    for key in sorted(index, key=index.get):
        if key not in real:
            real[key] = statistics.median(r for r, _ in samples[key])
            cpu[key] = statistics.median(c for _, c in samples[key])
        rows.append((key[0], key[1], real[key], cpu[key]))
    return rows, data.get("context", {})


def case_batch(case):
    """The batch size of a training case name such as 784_128_10_b512."""
    return int(case.rsplit("_b", 1)[1])


def training_section(path, records):
    """The markdown lines of the training table; appends its records."""
    rows, ctx = training(path)
    md = ["", "## Training (784-128-10, SGD, float; 1 thread unless the impl says)", "",
          "One step: copy the batch out of the dataset, loss and gradient, SGD update "
          "(lr 0.01). samples/s from the median wall-clock time per step. The ratio column "
          "compares ctgrad on one thread with each row of the same case.", "",
          "| case | impl | samples/s | µs per step | s per epoch (60000) | process CPU / wall "
          "| ctgrad's samples/s ÷ impl's |",
          "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    rate = {(case, impl): case_batch(case) * 1e9 / ns for case, impl, ns, _ in rows}
    steps = ctx.get("train_steps_per_run")
    notes_by_impl = {"fann": ctx.get("fann_net"), "dlib": ctx.get("dlib_net")}
    for case, impl, ns, cpu_ns in rows:
        base = (case, "ctgrad")
        ratio = rate[base] / rate[(case, impl)] if base in rate else None
        md.append(f"| {case} | {impl} | {rate[(case, impl)]:,.0f} | {ns / 1e3:.1f} | "
                  f"{60000 / rate[(case, impl)]:.2f} | {cpu_ns / ns:.2f} | "
                  f"{'-' if ratio is None else f'{ratio:.2f}'} |")
        fields = dict(p.split(":") for p in impl.split("/")[1:])
        rec = {"train": case, "impl": impl.split("/")[0],
               "batch": case_batch(case),
               "threads": int(fields.get("threads", 1)),
               "shards": int(fields["shards"]) if "shards" in fields else None,
               "ranks": int(fields.get("ranks", 1)),
               "samples_per_second": rate[(case, impl)], "ns_per_step": ns,
               "cpu_per_wall": cpu_ns / ns, "ctgrad_speedup": ratio,
               "steps_per_run": None if steps is None else int(steps)}
        if notes_by_impl.get(rec["impl"]):
            rec["net"] = notes_by_impl[rec["impl"]]
        records.append(rec)
    torch = ctx.get("libtorch", "no information (an older ctgrad_bench_train?)")
    if ("784_128_10_b32", "libtorch") not in rate:
        md.append(f"| 784_128_10_b32 | libtorch | {torch} | | | | |")
        records.append({"train": "784_128_10_b32", "impl": "libtorch",
                        "samples_per_second": None, "error": torch})
    for peer in ("dlib", "fann"):
        why = ctx.get(f"{peer}_missing")
        if why:
            md.append(f"| 784_128_10_b32 | {peer} | {why} | | | | |")
            records.append({"train": "784_128_10_b32", "impl": peer,
                            "samples_per_second": None, "error": why})
    md.append("")
    one = ("784_128_10_b32", "ctgrad")
    if ("784_128_10_b32", "libtorch") in rate and one in rate:
        speedup = rate[one] / rate[("784_128_10_b32", "libtorch")]
        verdict = "met" if speedup >= TRAIN_GOAL else "not met"
        md.append(f"**ctgrad / libtorch: {speedup:.2f}x the samples/s** "
                  f"(goal: at least {TRAIN_GOAL:g}x: {verdict}).")
    else:
        md.append(f"ctgrad / libtorch: n/a (libtorch {torch}).")
    for case in dict.fromkeys(c for c, _, _, _ in rows):
        two = (case, "ctgrad/threads:2/shards:2")
        if two in rate and (case, "ctgrad") in rate:
            gain = rate[two] / rate[(case, "ctgrad")]
            verdict = "met" if gain >= TRAIN_THREADS_GOAL else "not met"
            md.append("")
            md.append(f"**{case}: ctgrad on 2 threads: {gain:.2f}x its one-thread samples/s** "
                      f"(goal: at least {TRAIN_THREADS_GOAL:g}x: {verdict}; load averages (1, 5, 15 min) "
                      f"before the timing: {ctx.get('load_avg', '?')}).")
    md.append("")
    notes = [f"data: {ctx.get('train_data', '?')}; {steps or '?'} steps of 32 per run (batch "
             "512: as many samples), each run from the same initial parameters and the first "
             "batch"]
    if ("784_128_10_b32", "libtorch") in rate:
        notes.append(f"libtorch {torch}; {ctx.get('libtorch_threads', '?')}; "
                     f"BLAS: {ctx.get('libtorch_blas', '?')}")
    for peer in ("dlib", "fann"):
        if ctx.get(f"{peer}_net"):
            notes.append(f"{peer}: {ctx[f'{peer}_net']}")
    checks = [ctx[k] for k in ("train_check_libtorch", "train_check_handwritten",
                               "train_check_threads", "train_check_threads_b512",
                               "train_check_dlib", "train_check_fann") if k in ctx]
    if checks:
        notes.append("checked before timing, 5 SGD steps from the same parameters on the same "
                     "batches, largest relative difference (tolerance 1e-4): " + "; ".join(checks))
    md += [f"- {n}" for n in notes]
    records.append({"train_info": ctx})
    return md


def compile_times(path):
    """[(depth, compiler, seconds, peak MB, object KB or None, error or "")]."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                depth, compiler, secs, rss_kb, obj_bytes, error = line.rstrip("\n").split("\t")
                rows.append((int(depth), compiler, float(secs), int(rss_kb) / 1024,
                             None if obj_bytes == "-" else int(obj_bytes) / 1024, error))
    return rows


def scaling(comp):
    """time(largest depth) / time(the depth before it), per compiler. A row measured with
    extra flags (clang++ -fbracket-depth=...) stands in for a failed plain one."""
    depths = sorted({d for d, *_ in comp})
    if len(depths) < 2:
        return []
    d0, d1 = depths[-2], depths[-1]
    out = []
    for base in dict.fromkeys(c.split()[0] for _, c, *_ in comp):
        ok = {}
        for d, c, secs, _, kb, _ in sorted(comp, key=lambda r: r[1] != base):
            if c.split()[0] == base and kb is not None and d not in ok:
                ok[d] = (secs, c)
        if d0 in ok and d1 in ok:
            note = f" (depth {d1} with {ok[d1][1]})" if ok[d1][1] != base else ""
            out.append(f"{base} time({d1})/time({d0}) = {ok[d1][0] / ok[d0][0]:.2f}{note}")
        else:
            out.append(f"{base} time({d1})/time({d0}) = n/a (a compile failed)")
    return out


def write_outputs(md, records, args):
    """The markdown to stdout and args.md, the records to args.json."""
    text = "\n".join(md) + "\n"
    sys.stdout.write(text)
    with open(args.md, "w", encoding="utf-8") as f:
        f.write(text)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(records, f, indent=2)
        f.write("\n")


def scalar_compile_section(path, records):
    """Issue 19's wide and deep scalar formulas: compile records and t(300)/t(100)."""
    with open(path, encoding="utf-8") as f:
        rows = json.load(f)
    md = ["", "## Compile time of wide and deep formulas (`-std=c++20 -O1`, CPU seconds)", "",
          "bench/compile_time/scalar_cases.py: `eval(d(f, x), x = 0.1)` for f a sum of 100 or 300 "
          "sines, or 64 or 128 nested layers of sin(1.5 h + 0.25) and tanh (each value checked "
          "against Python). Goals (issue 19): 300 terms under 10 s and 1 GiB, t(300)/t(100) <= "
          "3.5, depth 128 under 10 s, with each compiler.", "",
          "| case | compiler | seconds | peak MB |", "| --- | --- | ---: | ---: |"]
    for r in rows:
        md.append(f"| {r['compile_case']} | {r['compiler']} | {r['seconds']:.2f} | "
                  f"{r['peak_rss_mb']:.0f} |")
        records.append(dict(r))
    by = {(r["compiler"], r["compile_case"]): r["seconds"] for r in rows}
    ratios = []
    for compiler in dict.fromkeys(r["compiler"] for r in rows):
        if (compiler, "scalar_sum_300") in by and (compiler, "scalar_sum_100") in by:
            ratios.append(f"{compiler}: t(300)/t(100) = "
                          f"{by[(compiler, 'scalar_sum_300')] / by[(compiler, 'scalar_sum_100')]:.2f}")
    md += ["", "Ratios: " + "; ".join(ratios) + "."] if ratios else []
    return md


def recurrent_section(gru_path, loop_path, demos, records):
    """Issue 13's GRU rows (ctgrad_bench_gru), loop compile times and the demo's accuracy."""
    md = []
    if gru_path:
        run, _ = runtimes(gru_path)
        ct = {case: ns for case, impl, ns, _ in run if impl == "ctgrad"}
        md += ["", "## Recurrent nets (GRU, one thread)", "",
               "`gru_h64_t28_b*`: the gradient of a GRU (input 28, hidden 64) over 28 steps, "
               "its last state through dense 10, cross-entropy (the row-sequential "
               "Fashion-MNIST network), against libtorch's `nn.GRU`. `gru_step_h*`: one "
               "streaming step (1 input, batch 1) against a hand-written fixed-size step. "
               "Each pair was checked to agree before timing.", "",
               "| case | impl | median ns | impl ÷ ctgrad |", "| --- | --- | ---: | ---: |"]
        for case, impl, ns, cv in run:
            ratio = ns / ct[case] if case in ct else None
            md.append(f"| {case} | {impl} | {ns:,.1f} | "
                      f"{'-' if ratio is None else f'{ratio:.2f}'} |")
            rec = {"case": case, "impl": impl, "type": "float", "ns": ns, "ratio_to_ctgrad": ratio}
            if cv is not None:
                rec["cv"] = cv
            records.append(rec)
    if loop_path:
        with open(loop_path, encoding="utf-8") as f:
            loops = json.load(f)
        md += ["", "## Compile time of loops (`-std=c++20 -O2 -c`, CPU seconds)", "",
               "bench/compile_time/loop_cases.py: a GRU-16 over 8 and 1024 steps, a residual MLP "
               "of 10 and 100 blocks as one loop.", "",
               "| case | compiler | seconds | peak MB |", "| --- | --- | ---: | ---: |"]
        by = {}
        for r in loops:
            md.append(f"| {r['compile_case']} | {r['compiler']} | {r['seconds']:.2f} | "
                      f"{r['peak_rss_mb']:.0f} |")
            by[(r["compiler"], r["compile_case"])] = r["seconds"]
            records.append(r)
        ratios = []
        for compiler in dict.fromkeys(r["compiler"] for r in loops):
            g = by.get((compiler, "gru_T1024")), by.get((compiler, "gru_T8"))
            b = by.get((compiler, "repeat_100")), by.get((compiler, "repeat_10"))
            if all(g) and all(b):
                ratios.append(f"{compiler}: T1024/T8 {g[0] / g[1]:.2f}, 100/10 blocks "
                              f"{b[0] / b[1]:.2f}")
        md += ["", "Ratios (goals 1.2 and 1.5): " + "; ".join(ratios) + "."]
    for demo in demos:
        model, _, accuracy = demo.partition("=")
        md += ["", f"Demo `./scripts/demo --model {model}`: final test accuracy {accuracy}%."]
        records.append({"demo": model, "test_accuracy_percent": float(accuracy)})
    return md


def cnn_section(path, records):
    """The CNN benchmark (bench/cnn.cpp through cnn_report.py): its records, as they are, and a
    table of CPU times with the ratios issue 14 asks for."""
    with open(path) as f:
        data = json.load(f)
    runs = [r for r in data["records"] if "case" in r]
    compiles = [r for r in data["records"] if "compile_case" in r]
    records.extend(runs + compiles)

    def fmt_ns(ns):
        return "-" if ns is None else (f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} us")
    md = ["", "## CNN (issue 14: bench/cnn.cpp, one thread)", "",
          "| case | impl | wall | CPU | heap allocations | CPU ÷ ctgrad |",
          "| --- | --- | ---: | ---: | ---: | ---: |"]
    base = {r["case"]: r["cpu_ns"] for r in runs if r["impl"] == "ctgrad" and "cpu_ns" in r}
    for r in sorted(runs, key=lambda r: (r["case"], r["impl"] != "ctgrad", r["impl"])):
        if "error" in r:
            md.append(f"| {r['case']} | {r['impl']} | error: {r['error']} | | | |")
            continue
        ratio = f"{r['cpu_ns'] / base[r['case']]:.2f}x" if r["case"] in base else "-"
        alloc = "-" if r.get("allocations") is None else f"{r['allocations']:.0f}"
        md.append(f"| {r['case']} | {r['impl']} | {fmt_ns(r['ns'])} | {fmt_ns(r['cpu_ns'])} | "
                  f"{alloc} | {ratio} |")
    if compiles:
        md += ["", "| compile case | compiler | seconds (CPU) | peak MB |", "| --- | --- | ---: | ---: |"]
        for c in compiles:
            if "error" in c:
                md.append(f"| {c['compile_case']} | {c['compiler']} | failed | |")
            else:
                md.append(f"| {c['compile_case']} | {c['compiler']} | {c['seconds']:.2f} | "
                          f"{c['peak_rss_mb']:.0f} |")
    return md


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benchmarks")
    ap.add_argument("--compile")
    ap.add_argument("--md", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--train")
    ap.add_argument("--code-size")
    ap.add_argument("--peak", help="ctgrad_bench_peak's Google Benchmark JSON")
    ap.add_argument("--plot")
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--gru", help="ctgrad_bench_gru's Google Benchmark JSON")
    ap.add_argument("--loop-compile", help="bench/compile_time/loop_cases.py's JSON records")
    ap.add_argument("--scalar-compile",
                    help="bench/compile_time/scalar_cases.py's JSON records (wide formulas)")
    ap.add_argument("--demo", action="append", default=[], help="MODEL=ACCURACY of a demo run")
    ap.add_argument("--cnn", help="bench/cnn_report.py's JSON (the CNN benchmark, issue 14)")
    args = ap.parse_args()

    if not args.benchmarks and args.train:  # the training benchmark alone (--train)
        records = []
        md = ["# ctgrad benchmarks: training step", ""] + [f"- {h}" for h in args.header]
        md += training_section(args.train, records)
        write_outputs(md, records, args)
        return
    if not args.benchmarks:  # the recurrent benchmarks alone (scripts/bench --recurrent)
        records = []
        md = ["# ctgrad benchmarks: recurrent nets", ""] + [f"- {h}" for h in args.header]
        md += recurrent_section(args.gru, args.loop_compile, args.demo, records)
        write_outputs(md, records, args)
        return
    run, counters = runtimes(args.benchmarks)
    reference = {case: ns for case, impl, ns, _ in run if impl == REFERENCE}
    ctgrad_ns = {case: ns for case, impl, ns, _ in run if impl == "ctgrad"}
    cpu = cpu_medians(args.benchmarks)
    comp = compile_times(args.compile) if args.compile else None

    def fmt(x):
        return "-" if x is None else (f"{x:.3f}" if x < 100 else f"{x:,.0f}")

    records = []
    md = ["# ctgrad benchmarks", ""]
    md += [f"- {h}" for h in args.header]
    md += ["", "## Run time (one gradient evaluation)", "",
           "Loss and gradient of every parameter, float unless the case ends in `_f64`. Every "
           "implementation's gradient was checked against ctgrad's before timing.", "",
           "| case | impl | median ns | ratio to handwritten | impl ÷ ctgrad | ratio to handwritten, CPU time |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    sizes = code_sizes(args.code_size) if args.code_size else {}
    for case, impl, ns, cv in run:
        ratio = ns / reference[case] if case in reference else None
        vs_ctgrad = ns / ctgrad_ns[case] if case in ctgrad_ns else None
        own_cpu, ref_cpu = cpu.get(f"{case}/{impl}"), cpu.get(f"{case}/{REFERENCE}")
        cpu_ratio = own_cpu / ref_cpu if own_cpu is not None and ref_cpu else None
        md.append(f"| {case} | {impl} | {ns:,.1f} | {fmt(ratio)} | {fmt(vs_ctgrad)} | "
                  f"{fmt(cpu_ratio)} |")
        rec = {"case": case, "impl": impl, "type": value_type(case), "ns": ns,
               "ratio_to_handwritten": ratio, "ratio_to_ctgrad": vs_ctgrad}
        # The same from CPU time (median of the repetitions), which a loaded machine disturbs
        # less than wall-clock time.
        own_cpu, ref_cpu = cpu.get(f"{case}/{impl}"), cpu.get(f"{case}/{REFERENCE}")
        if own_cpu is not None:
            rec["cpu_ns"] = own_cpu
            if ref_cpu:
                rec["cpu_ratio_to_handwritten"] = own_cpu / ref_cpu
        c = counters.get(f"{case}/{impl}", {})
        for k in COUNTERS:
            if k in c:
                rec[k] = int(c[k]) if k != "check_rel_diff" else c[k]
        if "flops" in rec:
            rec["gflops"] = rec["flops"] / ns
        if (case, impl) in sizes:
            rec["code_bytes"] = sizes[(case, impl)][0]
        if cv is not None:
            rec["cv"] = cv
        records.append(rec)

    cases = list(dict.fromkeys(case for case, *_ in run))
    timed = {(case, impl) for case, impl, *_ in run}
    impls = [i for i in IMPLS if any(i == impl for _, impl in timed)]

    def allocs(case, impl):
        n = counters.get(f"{case}/{impl}", {}).get("allocations")
        return "" if n is None else f"{n:.0f}"
    md += pivot("## Heap allocations per gradient",
                ["`operator new` calls in one gradient, after a first one (buffers kept "
                 "between calls are not counted again); ADOL-C allocates with `malloc`, "
                 "which this count does not see."], cases, allocs, impls)
    if sizes:
        def code(case, impl):
            if (case, impl) not in timed or (case, impl) not in sizes:
                return ""
            return f"{sizes[(case, impl)][0] / 1024:.1f}"
        libs = {}
        for (case, impl), (_, _, _, used) in sizes.items():
            for lib in filter(None, used.split(",")):
                name, size = lib.split(":")
                libs.setdefault(name, int(size))
        lib_note = "; ".join(f"{n} {b / 2**20:.1f} MB" for n, b in sorted(libs.items()))
        md += pivot("## Code size (KB of machine code per implementation and case)",
                    ["The function that computes one gradient and every function of the "
                     "benchmark binary it reaches (calls, jumps, addresses taken), from "
                     "`objdump -d` and `nm -S` (bench/code_size.py). Code in shared libraries "
                     f"is not counted: libtorch and ADOL-C run in theirs ({lib_note})."],
                    cases, code, impls)
    if args.plot:
        problem = plot(run, counters, args.plot)
        md += ["", "## ns per gradient against parameters", ""]
        md.append(problem or f"![ns per gradient against parameters]"
                             f"({os.path.basename(args.plot)})")

    if args.peak:
        md += peak_section(args.peak, records)

    if args.train:
        md += training_section(args.train, records)

    md += recurrent_section(args.gru, args.loop_compile, args.demo, records)
    if args.cnn:
        md += cnn_section(args.cnn, records)
    if args.scalar_compile:
        md += scalar_compile_section(args.scalar_compile, records)

    if comp is None:  # the gradient table alone (scripts/bench --mlp)
        write_outputs(md, records, args)
        return
    md += ["", "## Compile time (ReLU MLP of the given depth, `-std=c++20 -O2 -c`)", "",
           "| depth | compiler | seconds | peak MB | object KB |",
           "| ---: | --- | ---: | ---: | ---: |"]
    errors = []
    for depth, compiler, secs, mb, kb, error in comp:
        if kb is None:
            errors.append(f"depth {depth}, {compiler}: failed after {secs:.2f} s: `{error}`")
            md.append(f"| {depth} | {compiler} | failed | {mb:.0f} | - |")
        else:
            md.append(f"| {depth} | {compiler} | {secs:.2f} | {mb:.0f} | {kb:.1f} |")
        rec = {"compile_depth": depth, "compiler": compiler,
               "seconds": None if kb is None else secs, "peak_rss_mb": mb, "object_kb": kb}
        if kb is None:
            rec["error"] = error
        records.append(rec)
    md += [""] + [f"Error: {e}" for e in errors] + ([""] if errors else [])
    # Doubling the depth should at most double the time; more means superlinear growth.
    md += ["Scaling: " + "; ".join(scaling(comp)) + "."]
    write_outputs(md, records, args)


if __name__ == "__main__":
    main()
