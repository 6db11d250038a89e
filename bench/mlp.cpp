// SPDX-License-Identifier: BSL-1.0
// ctgrad's gradients against a hand-written MLP backward pass (bench/handwritten.hpp).
// Every case is checked first: ctgrad's gradient must match the hand-written one, or
// nothing is timed and the program exits with status 1.
#include "mlp_case.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

namespace {
// float: both sides sum in different orders, so agreement is to a few ulp per element.
constexpr double tolerance = 1e-4;
}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::vector<bench::case_entry> cases;
  bench::add_small_cases(cases);
  bench::add_64_cases(cases);
  bench::add_784_cases(cases);

  bool ok = true;
  for (auto const& c : cases) {
    auto const r = c.check();
    bool const pass = r.grad_rel <= tolerance && r.loss_rel <= tolerance;
    std::printf("check %-22s max grad rel diff %.3g, loss rel diff %.3g: %s\n", c.name.c_str(),
                r.grad_rel, r.loss_rel, pass ? "ok" : "FAILED");
    ok = ok && pass;
  }
  std::fflush(stdout);
  if (!ok) {
    std::fprintf(stderr,
                 "ctgrad_bench_mlp: ctgrad's gradient differs from the hand-written one "
                 "(tolerance %g); not timing\n",
                 tolerance);
    return 1;
  }

  for (auto const& c : cases) c.register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
