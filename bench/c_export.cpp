// SPDX-License-Identifier: BSL-1.0
// Inference of the Fashion-MNIST MLP (784-128-10, batch 32): ctgrad's eval against the C99
// that codegen::c_export generates for the same net (compiled by the C compiler as C99,
// -O3 -march=native, and linked in), with the same parameters and the same batch. The
// outputs are compared first (1e-6 relative, float); if they differ nothing is timed and
// the program exits with status 1. scripts/bench --c-export runs it.
#include "c_export_net.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>

extern "C" {
#include "fmnist.h"
}

namespace {

using namespace bench_c;

struct fixture {
  params_t params{};
  fmnist_params c_params{};
  ctgrad::tensor<float, ctgrad::shape<batch, pixels>> x{};
  ctgrad::workspace_for<float, std::remove_cv_t<decltype(logits)>> ws{};
  fmnist_workspace c_ws{};
  fixture() {
    ctgrad::init::apply(params, 1, ctgrad::init::he_normal_rule{});
    constexpr auto W1 = ctgrad::param<"W1", pixels, hidden>;
    constexpr auto b1 = ctgrad::param<"b1", hidden>;
    constexpr auto W2 = ctgrad::param<"W2", hidden, classes>;
    constexpr auto b2 = ctgrad::param<"b2", classes>;
    static_assert(sizeof c_params.W1 == sizeof params[W1].data &&
                  sizeof c_params.b2 == sizeof params[b2].data);
    std::memcpy(c_params.W1, params[W1].data.data(), sizeof c_params.W1);
    std::memcpy(c_params.b1, params[b1].data.data(), sizeof c_params.b1);
    std::memcpy(c_params.W2, params[W2].data.data(), sizeof c_params.W2);
    std::memcpy(c_params.b2, params[b2].data.data(), sizeof c_params.b2);
    std::mt19937 rng(2);
    std::uniform_real_distribution<float> pixel(0.0f, 1.0f);  // as Fashion-MNIST's scaled bytes
    for (auto& v : x.data) v = pixel(rng);
  }
};
fixture& data() {
  static auto f = std::make_unique<fixture>();
  return *f;
}

void ctgrad_inference(benchmark::State& state) {
  auto& f = data();
  for (auto _ : state) {
    auto const out = ctgrad::eval(logits, f.ws, f.params, X = f.x);
    benchmark::DoNotOptimize(out.data.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
}
void c_export_inference(benchmark::State& state) {
  auto& f = data();
  float out[batch * classes];
  for (auto _ : state) {
    fmnist_forward(&f.c_params, &f.c_ws, f.x.data.data(), out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
}
BENCHMARK(ctgrad_inference)->Name("inference/784-128-10/batch32/ctgrad");
BENCHMARK(c_export_inference)->Name("inference/784-128-10/batch32/c_export");

}  // namespace

int main(int argc, char** argv) {
  auto& f = data();
  auto const ours = ctgrad::eval(logits, f.ws, f.params, X = f.x);
  float c_out[batch * classes];
  fmnist_forward(&f.c_params, &f.c_ws, f.x.data.data(), c_out);
  double worst = 0;
  for (std::size_t i = 0; i < batch * classes; ++i)
    worst = std::max(worst, std::abs(double(c_out[i]) - ours.data[i]) /
                                std::max(1.0, std::abs(double(ours.data[i]))));
  std::fprintf(
      stderr,
      "c_export: C output against ctgrad's: largest relative difference %.3g (limit 1e-6)\n",
      worst);
  if (!(worst <= 1e-6)) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
