// SPDX-License-Identifier: BSL-1.0
// ctgrad's gradients against a hand-written MLP backward pass (bench/handwritten.hpp).
// Every case is checked first: ctgrad's gradient must match the hand-written one, or
// nothing is timed and the program exits with status 1.
#include "mlp_case.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

// Allocations per gradient, counted for every implementation during the checks. (ADOL-C's
// own buffers come from malloc, which this does not see.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // malloc-based replacement
#endif
namespace {
std::size_t allocations = 0;
}
void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
std::size_t bench::allocation_count() { return allocations; }

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::vector<bench::case_entry> cases;
  bench::add_small_cases(cases);
  bench::add_64_cases(cases);
  bench::add_784_cases(cases);

  // Every implementation's gradient against ctgrad's before anything is timed.
  bool ok = true;
  std::printf("%-22s %-13s %14s %14s %12s\n", "check", "impl", "grad rel diff", "loss rel diff",
              "allocations");
  for (auto const& c : cases) {
    for (auto const& r : c.check()) {
      bool const pass = r.grad_rel <= r.tolerance && r.loss_rel <= r.tolerance;
      std::printf("%-22s %-13s %14.3g %14.3g %12zu %s\n", c.name.c_str(), r.impl.c_str(),
                  r.grad_rel, r.loss_rel, r.allocations, pass ? "ok" : "FAILED");
      ok = ok && pass;
    }
  }
  std::fflush(stdout);
  if (!ok) {
    std::fprintf(stderr,
                 "ctgrad_bench_mlp: an implementation's gradient differs from ctgrad's beyond "
                 "its tolerance; not timing\n");
    return 1;
  }

  for (auto const& c : cases) c.register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
