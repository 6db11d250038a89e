// SPDX-License-Identifier: BSL-1.0
// ctgrad's gradients against a hand-written MLP backward pass (bench/handwritten.hpp).
// Every case is checked first: ctgrad's gradient must match the hand-written one, or
// nothing is timed and the program exits with status 1.
#include "mlp_case.hpp"

#include <benchmark/benchmark.h>

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
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

std::string bench::demangled(char const* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(mangled);
}

int main(int argc, char** argv) {
  // --symbols_out=FILE: the functions that compute each case's gradients, for
  // bench/code_size.py (case, impl, demangled symbol; tab-separated).
  std::string symbols_out;
  for (int i = 1; i < argc; ++i) {
    std::string const a = argv[i];
    if (a.rfind("--symbols_out=", 0) == 0) {
      symbols_out = a.substr(std::strlen("--symbols_out="));
      for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
      --argc;
      --i;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::vector<bench::case_entry> cases;
  bench::add_small_cases(cases);
  bench::add_64_cases(cases);
  bench::add_784_cases(cases);
  bench::add_deep_cases(cases);
  bench::add_residual_cases(cases);
  bench::add_scalar_cases(cases);

  if (!symbols_out.empty()) {
    std::FILE* f = std::fopen(symbols_out.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "ctgrad_bench_mlp: cannot write %s\n", symbols_out.c_str());
      return 1;
    }
    for (auto const& c : cases)
      for (auto const& s : c.symbols())
        std::fprintf(f, "%s\t%s\t%s\n", c.name.c_str(), s.impl.c_str(), s.symbol.c_str());
    std::fclose(f);
  }

  // Every implementation's gradient against ctgrad's before anything is timed.
  bool ok = true;
  std::vector<std::vector<bench::check_result>> results;
  std::printf("%-22s %-13s %14s %14s %12s\n", "check", "impl", "grad rel diff", "loss rel diff",
              "allocations");
  for (auto const& c : cases) {
    results.push_back(c.check());
    for (auto const& r : results.back()) {
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

  for (std::size_t i = 0; i < cases.size(); ++i) cases[i].register_benchmarks(results[i]);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
