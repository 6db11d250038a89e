// SPDX-License-Identifier: BSL-1.0
// The machine's FP32 fused multiply-add peak on one thread, measured in the same run as the
// gradients, so that bench/report.py can give each gradient's rate as a fraction of it.
//
// Twelve independent accumulator chains of the widest vector the target has (AVX-512: zmm,
// AVX2+FMA: ymm, otherwise GCC vector extensions of 16 bytes): an FMA has a latency of about
// 4 cycles and a core issues up to two per cycle, so fewer chains would measure the latency,
// not the throughput. The FMAs are written with intrinsics: `a * m + c` is only fused when the
// compiler contracts it (-ffp-contract), which depends on the language mode and the compiler.
// The multiplier is a value the compiler cannot see (it comes through DoNotOptimize) and the
// chains' sums escape, so no chain is removed or folded. Counted: 2 flops per lane per FMA.
#include <benchmark/benchmark.h>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace {

constexpr int chains = 12;
constexpr int steps = 1000;  // FMAs per chain per benchmark iteration

#if defined(__AVX512F__)
using vec = __m512;
constexpr int lanes = 16;
constexpr char const* isa = "avx512";
inline vec splat(float x) { return _mm512_set1_ps(x); }
inline vec fma(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
#elif defined(__AVX2__) && defined(__FMA__)
using vec = __m256;
constexpr int lanes = 8;
constexpr char const* isa = "avx2";
inline vec splat(float x) { return _mm256_set1_ps(x); }
inline vec fma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
#else
typedef float vec __attribute__((vector_size(16)));
constexpr int lanes = 4;
constexpr char const* isa = "portable";
inline vec splat(float x) { return vec{} + x; }
inline vec fma(vec a, vec b, vec c) { return a * b + c; }
#endif

void peak_fp32_fma(benchmark::State& state) {
  float m = 0.999999f, c = 1e-7f;
  benchmark::DoNotOptimize(m);
  benchmark::DoNotOptimize(c);
  vec const vm = splat(m), vc = splat(c);
  vec acc[chains];
  for (int i = 0; i < chains; ++i) acc[i] = splat(static_cast<float>(i));
  for (auto _ : state) {
    for (int s = 0; s < steps; ++s) {
      // One statement per chain, so the twelve stay in registers and independent.
      acc[0] = fma(acc[0], vm, vc);
      acc[1] = fma(acc[1], vm, vc);
      acc[2] = fma(acc[2], vm, vc);
      acc[3] = fma(acc[3], vm, vc);
      acc[4] = fma(acc[4], vm, vc);
      acc[5] = fma(acc[5], vm, vc);
      acc[6] = fma(acc[6], vm, vc);
      acc[7] = fma(acc[7], vm, vc);
      acc[8] = fma(acc[8], vm, vc);
      acc[9] = fma(acc[9], vm, vc);
      acc[10] = fma(acc[10], vm, vc);
      acc[11] = fma(acc[11], vm, vc);
    }
    for (int i = 0; i < chains; ++i) benchmark::DoNotOptimize(acc[i]);
  }
  double const flops = 2.0 * lanes * chains * steps;
  state.counters["flops_per_iteration"] = flops;
  // GFLOP/s of wall time: the gradients' fractions of peak are computed from wall time too.
  state.counters["gflops"] = benchmark::Counter(
      flops * 1e-9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(isa);
}

}  // namespace

BENCHMARK(peak_fp32_fma)->Name("peak_fp32_fma/peak")->UseRealTime();

BENCHMARK_MAIN();
