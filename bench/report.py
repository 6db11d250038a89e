#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Summarises a benchmark run and compile-time measurements as markdown and JSON.

    report.py --benchmarks BENCH.json --compile COMPILE.tsv --md OUT.md --json OUT.json
              [--header LINE]...

BENCH.json is Google Benchmark's JSON output of ctgrad_bench_mlp (names "case/impl");
COMPILE.tsv has one tab-separated line per compile: depth, compiler, seconds, peak RSS KB,
object bytes ("-" if the compile failed), the first error line (empty unless it failed).
The markdown goes to stdout and to OUT.md; OUT.json is a list of records.
"""
import argparse
import json
import statistics
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
REFERENCE = "handwritten"


def runtimes(path):
    """[(case, impl, median ns, cv or None)] in registration order."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    medians, cvs, samples, index = {}, {}, {}, {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
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
    return rows


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benchmarks", required=True)
    ap.add_argument("--compile", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--header", action="append", default=[])
    args = ap.parse_args()

    run = runtimes(args.benchmarks)
    reference = {case: ns for case, impl, ns, _ in run if impl == REFERENCE}
    comp = compile_times(args.compile)

    records = []
    md = ["# ctgrad benchmarks", ""]
    md += [f"- {h}" for h in args.header]
    md += ["", "## Run time (float, one gradient evaluation)", "",
           "| case | impl | median ns | ratio to handwritten |",
           "| --- | --- | ---: | ---: |"]
    for case, impl, ns, cv in run:
        ratio = ns / reference[case] if case in reference else None
        md.append(f"| {case} | {impl} | {ns:.1f} | "
                  f"{'-' if ratio is None else f'{ratio:.3f}'} |")
        rec = {"case": case, "impl": impl, "ns": ns, "ratio_to_handwritten": ratio}
        if cv is not None:
            rec["cv"] = cv
        records.append(rec)

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
    text = "\n".join(md) + "\n"

    sys.stdout.write(text)
    with open(args.md, "w", encoding="utf-8") as f:
        f.write(text)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(records, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
