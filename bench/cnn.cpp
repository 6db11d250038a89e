// SPDX-License-Identifier: BSL-1.0
// CNN benchmarks (issue 14), side by side in one run, one thread:
//   cnn_fmnist_b32, cnn_fmnist_b1   the gradient of issue 14's Fashion-MNIST CNN (cnn_case.hpp):
//       ctgrad (a workspace passed) against libtorch (cnn_torch.cpp; built when CMake finds Torch)
//   conv2d_32x64_k3_b32             one convolution at the CNN's second layer (x [32, 32, 13, 13],
//       w [64, 32, 3, 3], bias): the forward pass, then dW, db and dx for the upstream g of
//       L = sum(conv(x) * g); ctgrad's grad_into against a hand-written direct convolution
// Before timing, each pair is checked to compute the same thing (gradients to 1e-3 relative
// in float), so a fast wrong answer cannot win, and ctgrad's gradients are counted for heap
// allocations (a counting operator new): the label says how many (0 expected).
#include "cnn_case.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <vector>

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

namespace {
using namespace ctgrad;
using namespace bench::cnn;

bench::cnn::spec make_spec(std::size_t batch) {
  std::mt19937 rng(14);
  auto fill = [&](std::vector<float>& v, std::size_t n, float bound) {
    std::uniform_real_distribution<float> u(-bound, bound);
    v.resize(n);
    for (auto& e : v) e = u(rng);
  };
  bench::cnn::spec s;
  s.batch = batch;
  // PyTorch's default bounds, 1 / sqrt(fan_in)
  fill(s.w1, c1 * 9, 1.0f / 3);
  fill(s.b1, c1, 1.0f / 3);
  fill(s.w2, c2 * c1 * 9, 1.0f / std::sqrt(float(c1 * 9)));
  fill(s.b2, c2, 1.0f / std::sqrt(float(c1 * 9)));
  fill(s.w3, flat * hidden, 1.0f / std::sqrt(float(flat)));
  fill(s.b3, hidden, 1.0f / std::sqrt(float(flat)));
  fill(s.w4, hidden * classes, 1.0f / std::sqrt(float(hidden)));
  fill(s.b4, classes, 1.0f / std::sqrt(float(hidden)));
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  s.x.resize(batch * 784);
  for (auto& e : s.x) e = pixel(rng);
  s.y.assign(batch * classes, 0.0f);
  for (std::size_t i = 0; i < batch; ++i) s.y[i * classes + (i * 7) % classes] = 1.0f;
  return s;
}

template <class T> void copy_into(T& t, std::vector<float> const& v) {
  for (std::size_t i = 0; i < t.size; ++i) t.data[i] = v[i];
}
template <class T> std::vector<float> flat_of(T const& t) { return {t.data.begin(), t.data.end()}; }

double worst_relative(std::vector<std::vector<float>> const& a,
                      std::vector<std::vector<float>> const& b) {
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    double d = 0, n = 0;
    for (std::size_t i = 0; i < a[k].size(); ++i) {
      d += double(a[k][i] - b[k][i]) * double(a[k][i] - b[k][i]);
      n += double(b[k][i]) * double(b[k][i]);
    }
    worst = std::max(worst, std::sqrt(d / n));
  }
  return worst;
}

template <std::size_t B> struct ctgrad_cnn {
  static constexpr auto X = input<"X", B, 1, 28, 28>;
  static constexpr auto Y = input<"Y", B, classes>;
  static constexpr auto logits =
      sequential(X, layer::conv2d<c1, 3>, layer::relu, layer::max_pool2d<2>, layer::conv2d<c2, 3>,
                 layer::relu, layer::max_pool2d<2>, layer::flatten, layer::dense<hidden>,
                 layer::relu, layer::dense<classes>);
  static constexpr auto loss = cross_entropy(softmax(logits), Y);
  using params_t = param_set<float, decltype(loss)>;
  std::unique_ptr<params_t> ps = std::make_unique<params_t>(), gs = std::make_unique<params_t>();
  std::unique_ptr<workspace_for<float, decltype(loss)>> ws =
      std::make_unique<workspace_for<float, decltype(loss)>>();
  std::unique_ptr<tensor<float, shape<B, 1, 28, 28>>> x =
      std::make_unique<tensor<float, shape<B, 1, 28, 28>>>();
  std::unique_ptr<tensor<float, shape<B, classes>>> y =
      std::make_unique<tensor<float, shape<B, classes>>>();

  explicit ctgrad_cnn(bench::cnn::spec const& s) {
    auto& p = *ps;
    copy_into(p.template get<0>(), s.w1);
    copy_into(p.template get<1>(), s.b1);
    copy_into(p.template get<2>(), s.w2);
    copy_into(p.template get<3>(), s.b2);
    copy_into(p.template get<4>(), s.w3);
    copy_into(p.template get<5>(), s.b3);
    copy_into(p.template get<6>(), s.w4);
    copy_into(p.template get<7>(), s.b4);
    copy_into(*x, s.x);
    copy_into(*y, s.y);
  }
  float gradient() { return grad_into(loss, *gs, *ws, *ps, X = *x, Y = *y); }
  std::vector<std::vector<float>> read() const {
    auto const& g = *gs;
    return {flat_of(g.template get<0>()), flat_of(g.template get<1>()),
            flat_of(g.template get<2>()), flat_of(g.template get<3>()),
            flat_of(g.template get<4>()), flat_of(g.template get<5>()),
            flat_of(g.template get<6>()), flat_of(g.template get<7>())};
  }
};
static_assert(ctgrad_cnn<1>::params_t::size == 8);

template <std::size_t B> void ctgrad_gradient(benchmark::State& state) {
  ctgrad_cnn<B> net(make_spec(B));
  net.gradient();
  std::size_t const before = allocations;
  net.gradient();
  std::size_t const heap = allocations - before;
  for (auto _ : state) benchmark::DoNotOptimize(net.gradient());
  state.SetLabel("ctgrad, heap allocations per gradient: " + std::to_string(heap));
  state.counters["allocations"] = double(heap);
}

#ifdef CTGRAD_BENCH_TORCH
template <std::size_t B> void torch_gradient(benchmark::State& state) {
  auto const spec = make_spec(B);
  auto impl = make_torch(spec);
  ctgrad_cnn<B> net(spec);
  impl->gradient();
  net.gradient();
  double const e = worst_relative(net.read(), impl->read());
  if (!(e < 1e-3)) {
    state.SkipWithError(
        ("libtorch and ctgrad disagree: relative error " + std::to_string(e)).c_str());
    return;
  }
  std::size_t const before = allocations;
  impl->gradient();
  std::size_t const heap = allocations - before;
  for (auto _ : state) benchmark::DoNotOptimize(impl->gradient());
  state.SetLabel(impl->describe() + ", gradients agree to " + std::to_string(e) +
                 ", heap allocations per gradient: " + std::to_string(heap));
  state.counters["allocations"] = double(heap);
}
#endif

// ---- one convolution layer, forward and backward
constexpr std::size_t LB = 32, LC = 32, LO = 64, LH = 13, LOH = LH - 2;

struct layer_data {
  std::vector<float> x, w, b, g;
  layer_data() {
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    auto fill = [&](std::vector<float>& v, std::size_t n) {
      v.resize(n);
      for (auto& e : v) e = u(rng);
    };
    fill(x, LB * LC * LH * LH);
    fill(w, LO * LC * 9);
    fill(b, LO);
    fill(g, LB * LO * LOH * LOH);
  }
};

// Written for speed as one would by hand, all sizes constants. Rows of 11 vectorise badly,
// so each output plane is computed at the input's row pitch (13): one unit-stride loop of
// 141 per tap, the two columns past the output width computed and dropped; four output (or
// input) channels share each load; dW as dot products with 16 partial sums over the planes.
struct hand_conv {
  static constexpr std::size_t P = LH, span = LOH * P, len = (LOH - 1) * P + LOH, plane = LH * LH;
  alignas(64) float x[LB][LC][plane], w[LO][LC][9], b[LO], g[LB][LO][LOH * LOH];
  alignas(64) float y[LB][LO][LOH * LOH], dx[LB][LC][plane], dw[LO][LC][9], db[LO];
  alignas(64) float gw[LO][span + 32];  // one sample's g at pitch 13, zeros past column 11
  static float dot(float const* a, float const* bp) {
    float part[16] = {};
    std::size_t t = 0;
    for (; t + 16 <= len; t += 16)
      for (std::size_t l = 0; l < 16; ++l) part[l] += a[t + l] * bp[t + l];
    float sum = 0;
    for (; t < len; ++t) sum += a[t] * bp[t];
    for (float v : part) sum += v;
    return sum;
  }
  float run() {
    for (std::size_t n = 0; n < LB; ++n)
      for (std::size_t o0 = 0; o0 < LO; o0 += 4) {
        alignas(64) float acc[4][span] = {};
        for (std::size_t c = 0; c < LC; ++c)
          for (std::size_t tap = 0; tap < 9; ++tap) {
            float const w0 = w[o0][c][tap], w1 = w[o0 + 1][c][tap], w2 = w[o0 + 2][c][tap],
                        w3 = w[o0 + 3][c][tap];
            float const* xs = x[n][c] + (tap / 3) * P + tap % 3;
            for (std::size_t t = 0; t < len; ++t) {
              float const xv = xs[t];
              acc[0][t] += w0 * xv;
              acc[1][t] += w1 * xv;
              acc[2][t] += w2 * xv;
              acc[3][t] += w3 * xv;
            }
          }
        for (std::size_t k = 0; k < 4; ++k)
          for (std::size_t r = 0; r < LOH; ++r)
            for (std::size_t q = 0; q < LOH; ++q)
              y[n][o0 + k][r * LOH + q] = b[o0 + k] + acc[k][r * P + q];
      }
    float loss = 0;
    for (std::size_t n = 0; n < LB; ++n)
      for (std::size_t o = 0; o < LO; ++o)
        for (std::size_t i = 0; i < LOH * LOH; ++i) loss += y[n][o][i] * g[n][o][i];
    // dL/dy = g
    for (std::size_t o = 0; o < LO; ++o) {
      float sum = 0;
      for (std::size_t n = 0; n < LB; ++n)
        for (std::size_t i = 0; i < LOH * LOH; ++i) sum += g[n][o][i];
      db[o] = sum;
    }
    for (std::size_t o = 0; o < LO; ++o)
      for (std::size_t c = 0; c < LC; ++c)
        for (std::size_t tap = 0; tap < 9; ++tap) dw[o][c][tap] = 0;
    for (std::size_t n = 0; n < LB; ++n) {
      for (std::size_t o = 0; o < LO; ++o)
        for (std::size_t r = 0; r < LOH; ++r)
          for (std::size_t q = 0; q < P; ++q)
            gw[o][r * P + q] = q < LOH ? g[n][o][r * LOH + q] : 0.0f;
      for (std::size_t o = 0; o < LO; ++o)
        for (std::size_t c = 0; c < LC; ++c)
          for (std::size_t tap = 0; tap < 9; ++tap)
            dw[o][c][tap] += dot(gw[o], x[n][c] + (tap / 3) * P + tap % 3);
      for (std::size_t c0 = 0; c0 < LC; c0 += 4) {
        alignas(64) float acc[4][plane] = {};
        for (std::size_t o = 0; o < LO; ++o)
          for (std::size_t tap = 0; tap < 9; ++tap) {
            float const w0 = w[o][c0][tap], w1 = w[o][c0 + 1][tap], w2 = w[o][c0 + 2][tap],
                        w3 = w[o][c0 + 3][tap];
            std::size_t const off = (tap / 3) * P + tap % 3;
            for (std::size_t t = 0; t < len; ++t) {
              float const gv = gw[o][t];
              acc[0][t + off] += w0 * gv;
              acc[1][t + off] += w1 * gv;
              acc[2][t + off] += w2 * gv;
              acc[3][t + off] += w3 * gv;
            }
          }
        for (std::size_t k = 0; k < 4; ++k)
          for (std::size_t i = 0; i < plane; ++i) dx[n][c0 + k][i] = acc[k][i];
      }
    }
    return loss;
  }
};

struct ctgrad_conv {
  static constexpr auto X = param<"X", LB, LC, LH, LH>;
  static constexpr auto W = param<"W", LO, LC, 3, 3>;
  static constexpr auto Bv = param<"b", LO>;
  static constexpr auto G = input<"G", LB, LO, LOH, LOH>;
  static constexpr auto loss = sum(conv2d(X, W, Bv) * G);
  using params_t = param_set<float, decltype(loss)>;
  std::unique_ptr<params_t> ps = std::make_unique<params_t>(), gs = std::make_unique<params_t>();
  std::unique_ptr<workspace_for<float, decltype(loss)>> ws =
      std::make_unique<workspace_for<float, decltype(loss)>>();
  std::unique_ptr<tensor<float, shape<LB, LO, LOH, LOH>>> g =
      std::make_unique<tensor<float, shape<LB, LO, LOH, LOH>>>();
  explicit ctgrad_conv(layer_data const& d) {
    copy_into((*ps)[X], d.x);
    copy_into((*ps)[W], d.w);
    copy_into((*ps)[Bv], d.b);
    copy_into(*g, d.g);
  }
  float gradient() { return grad_into(loss, *gs, *ws, *ps, G = *g); }
};

std::vector<std::vector<float>> hand_grads(hand_conv const& h) {
  auto span = [](auto const& a) {
    float const* p = &a[0][0][0];
    return std::vector<float>(p, p + sizeof(a) / sizeof(float));
  };
  return {span(h.dx), span(h.dw), std::vector<float>(h.db, h.db + LO)};
}

std::unique_ptr<hand_conv> make_hand(layer_data const& d) {
  auto h = std::make_unique<hand_conv>();
  std::copy(d.x.begin(), d.x.end(), &h->x[0][0][0]);
  std::copy(d.w.begin(), d.w.end(), &h->w[0][0][0]);
  std::copy(d.b.begin(), d.b.end(), h->b);
  std::copy(d.g.begin(), d.g.end(), &h->g[0][0][0]);
  return h;
}

void conv_hand(benchmark::State& state) {
  layer_data const d;
  auto h = make_hand(d);
  for (auto _ : state) benchmark::DoNotOptimize(h->run());
  state.SetLabel("hand-written direct convolution");
}

void conv_ctgrad(benchmark::State& state) {
  layer_data const d;
  auto h = make_hand(d);
  ctgrad_conv c(d);
  h->run();
  c.gradient();
  auto const& gs = *c.gs;
  double const e = worst_relative(
      {flat_of(gs[ctgrad_conv::X]), flat_of(gs[ctgrad_conv::W]), flat_of(gs[ctgrad_conv::Bv])},
      hand_grads(*h));
  if (!(e < 1e-3)) {
    state.SkipWithError(("the gradients disagree: " + std::to_string(e)).c_str());
    return;
  }
  std::size_t const before = allocations;
  c.gradient();
  std::size_t const heap = allocations - before;
  for (auto _ : state) benchmark::DoNotOptimize(c.gradient());
  state.SetLabel("ctgrad, agrees with hand-written to " + std::to_string(e) +
                 ", heap allocations per gradient: " + std::to_string(heap));
  state.counters["allocations"] = double(heap);
}

}  // namespace

BENCHMARK(ctgrad_gradient<32>)->Name("cnn_fmnist_b32/ctgrad")->Unit(benchmark::kMicrosecond);
#ifdef CTGRAD_BENCH_TORCH
BENCHMARK(torch_gradient<32>)->Name("cnn_fmnist_b32/libtorch")->Unit(benchmark::kMicrosecond);
#endif
BENCHMARK(ctgrad_gradient<1>)->Name("cnn_fmnist_b1/ctgrad")->Unit(benchmark::kMicrosecond);
#ifdef CTGRAD_BENCH_TORCH
BENCHMARK(torch_gradient<1>)->Name("cnn_fmnist_b1/libtorch")->Unit(benchmark::kMicrosecond);
#endif
BENCHMARK(conv_ctgrad)->Name("conv2d_32x64_k3_b32/ctgrad")->Unit(benchmark::kMicrosecond);
BENCHMARK(conv_hand)->Name("conv2d_32x64_k3_b32/hand-written")->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
