// SPDX-License-Identifier: BSL-1.0
// GRU benchmarks (issue 13), side by side in one run, one thread:
//   gru_h64_t28_b32, gru_h64_t28_b1   the gradient of the row-sequential Fashion-MNIST network
//       (gru_case.hpp): ctgrad (a loop node, a workspace passed) against libtorch's nn.GRU
//       (gru_torch.cpp; built when CMake finds Torch)
//   gru_step_h8 ... gru_step_h64       one streaming step (1 input, batch 1): ctgrad's
//       make_stream against a hand-written fixed-size GRU step (plain loops, the same libm)
// Before timing, each pair is checked to compute the same thing (gradients to 1e-3 relative
// in float, steps to 1e-5), so a fast wrong answer cannot win.
#include "gru_case.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

namespace {
using namespace ctgrad;
using namespace bench::gru;

bench::gru::spec make_spec(std::size_t batch) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-0.125f, 0.125f);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  auto fill = [&](std::vector<float>& v, std::size_t n, auto& dist) {
    v.resize(n);
    for (auto& e : v) e = dist(rng);
  };
  bench::gru::spec s;
  s.batch = batch;
  fill(s.w_ih, 3 * hidden * inputs, u);
  fill(s.w_hh, 3 * hidden * hidden, u);
  fill(s.b_ih, 3 * hidden, u);
  fill(s.b_hh, 3 * hidden, u);
  fill(s.w_out, hidden * classes, u);
  fill(s.b_out, classes, u);
  fill(s.x, steps * batch * inputs, pixel);
  s.y.assign(batch * classes, 0.0f);
  for (std::size_t i = 0; i < batch; ++i) s.y[i * classes + (i * 7) % classes] = 1.0f;
  return s;
}

template <std::size_t B> struct ctgrad_gru {
  static constexpr auto X = input<"X", steps, B, inputs>;
  static constexpr auto Y = input<"Y", B, classes>;
  static constexpr auto logits =
      dense(last_step(gru<hidden, "gru.">(X)), param<"W", hidden, classes>, param<"b", classes>);
  static constexpr auto loss = cross_entropy(softmax(logits), Y);
  using params_t = param_set<float, decltype(loss)>;
  std::unique_ptr<params_t> ps = std::make_unique<params_t>(), gs = std::make_unique<params_t>();
  std::unique_ptr<workspace_for<float, decltype(loss)>> ws =
      std::make_unique<workspace_for<float, decltype(loss)>>();
  std::unique_ptr<tensor<float, shape<steps, B, inputs>>> x =
      std::make_unique<tensor<float, shape<steps, B, inputs>>>();
  std::unique_ptr<tensor<float, shape<B, classes>>> y =
      std::make_unique<tensor<float, shape<B, classes>>>();

  explicit ctgrad_gru(bench::gru::spec const& s) {
    auto copy = [](auto& t, std::vector<float> const& v) {
      for (std::size_t i = 0; i < t.size; ++i) t.data[i] = v[i];
    };
    copy((*ps)[param<"gru.weight_ih_l0", 3 * hidden, inputs>], s.w_ih);
    copy((*ps)[param<"gru.weight_hh_l0", 3 * hidden, hidden>], s.w_hh);
    copy((*ps)[param<"gru.bias_ih_l0", 3 * hidden>], s.b_ih);
    copy((*ps)[param<"gru.bias_hh_l0", 3 * hidden>], s.b_hh);
    copy((*ps)[param<"W", hidden, classes>], s.w_out);
    copy((*ps)[param<"b", classes>], s.b_out);
    copy(*x, s.x);
    copy(*y, s.y);
  }
  float gradient() { return grad_into(loss, *gs, *ws, *ps, X = *x, Y = *y); }
  std::vector<std::vector<float>> read() const {
    auto flat = [](auto const& t) { return std::vector<float>(t.data.begin(), t.data.end()); };
    return {flat((*gs)[param<"gru.weight_ih_l0", 3 * hidden, inputs>]),
            flat((*gs)[param<"gru.weight_hh_l0", 3 * hidden, hidden>]),
            flat((*gs)[param<"gru.bias_ih_l0", 3 * hidden>]),
            flat((*gs)[param<"gru.bias_hh_l0", 3 * hidden>]),
            flat((*gs)[param<"W", hidden, classes>]),
            flat((*gs)[param<"b", classes>])};
  }
};

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

template <std::size_t B> void ctgrad_gradient(benchmark::State& state) {
  ctgrad_gru<B> net(make_spec(B));
  for (auto _ : state) benchmark::DoNotOptimize(net.gradient());
  state.SetLabel("ctgrad");
}

#ifdef CTGRAD_BENCH_TORCH
template <std::size_t B> void torch_gradient(benchmark::State& state) {
  auto const spec = make_spec(B);
  auto impl = make_torch(spec);
  ctgrad_gru<B> net(spec);
  impl->gradient();
  net.gradient();
  double const e = worst_relative(net.read(), impl->read());
  if (!(e < 1e-3)) {
    state.SkipWithError(
        ("libtorch and ctgrad disagree: relative error " + std::to_string(e)).c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(impl->gradient());
  state.SetLabel(impl->describe() + ", gradients agree to " + std::to_string(e));
}
#endif

// ---- the streaming step
// Written for speed as one would by hand: W_hh kept transposed ([H][3H]) so the product
// runs along contiguous rows the compiler vectorises (an axpy per state entry); the gates
// in one pass. (Row-by-row dot products, PyTorch's layout read as is, measured 1.3-3x slower.)
template <std::size_t H> struct hand_step {
  std::array<float, 3 * H> w_ih{}, b_ih{}, b_hh{};
  std::array<float, 3 * H * H> w_hh{};    // PyTorch's layout [3H][H], as loaded
  std::array<float, 3 * H * H> w_hh_t{};  // [H][3H], made once by prepare()
  std::array<float, H> h{};
  static float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }
  void prepare() {
    for (std::size_t r = 0; r < 3 * H; ++r)
      for (std::size_t k = 0; k < H; ++k) w_hh_t[k * 3 * H + r] = w_hh[r * H + k];
  }
  float const* step(float x) {
    std::array<float, 3 * H> gh = b_hh;
    for (std::size_t k = 0; k < H; ++k) {
      float const hk = h[k];
      for (std::size_t r = 0; r < 3 * H; ++r) gh[r] += w_hh_t[k * 3 * H + r] * hk;
    }
    std::array<float, H> next;
    for (std::size_t j = 0; j < H; ++j) {
      float const r = sigmoid(w_ih[j] * x + b_ih[j] + gh[j]);
      float const z = sigmoid(w_ih[H + j] * x + b_ih[H + j] + gh[H + j]);
      float const n = std::tanh(w_ih[2 * H + j] * x + b_ih[2 * H + j] + r * gh[2 * H + j]);
      next[j] = n + z * (h[j] - n);
    }
    h = next;
    return h.data();
  }
};

template <std::size_t H> struct ctgrad_step {
  static constexpr auto cell = gru_cell_of<H, "gru.", 1>();
  using params_t = param_set<float, decltype(gru<H, "gru.">(input<"X", 1, 1, 1>))>;
  params_t ps{};
  decltype(make_stream<float>(cell)) s = make_stream<float>(cell);
  tensor<float, shape<1, 1>> x{};
  float const* step(float v) {
    x.data[0] = v;
    return s.step(ps, x).data.data();
  }
};

template <std::size_t H> void fill_step(hand_step<H>& hand, ctgrad_step<H>& ct) {
  std::mt19937 rng(H);
  std::uniform_real_distribution<float> u(-0.4f, 0.4f);
  for (auto& v : hand.w_ih) v = u(rng);
  for (auto& v : hand.w_hh) v = u(rng);
  for (auto& v : hand.b_ih) v = u(rng);
  for (auto& v : hand.b_hh) v = u(rng);
  hand.prepare();
  auto copy = [](auto& t, auto const& a) {
    for (std::size_t i = 0; i < t.size; ++i) t.data[i] = a[i];
  };
  copy(ct.ps[param<"gru.weight_ih_l0", 3 * H, 1>], hand.w_ih);
  copy(ct.ps[param<"gru.weight_hh_l0", 3 * H, H>], hand.w_hh);
  copy(ct.ps[param<"gru.bias_ih_l0", 3 * H>], hand.b_ih);
  copy(ct.ps[param<"gru.bias_hh_l0", 3 * H>], hand.b_hh);
}

float input_at(std::size_t t) { return std::sin(0.05f * static_cast<float>(t)); }

template <std::size_t H> void step_hand(benchmark::State& state) {
  auto hand = std::make_unique<hand_step<H>>();
  auto ct = std::make_unique<ctgrad_step<H>>();
  fill_step(*hand, *ct);
  std::size_t t = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hand->step(input_at(t++ & 1023)));
  state.SetLabel("hand-written");
}
template <std::size_t H> void step_ctgrad(benchmark::State& state) {
  auto hand = std::make_unique<hand_step<H>>();
  auto ct = std::make_unique<ctgrad_step<H>>();
  fill_step(*hand, *ct);
  double worst = 0;
  for (std::size_t t = 0; t < 200; ++t) {
    float const* a = hand->step(input_at(t));
    float const* b = ct->step(input_at(t));
    for (std::size_t j = 0; j < H; ++j) worst = std::max(worst, double(std::abs(a[j] - b[j])));
  }
  if (!(worst < 1e-5)) {
    state.SkipWithError(("the steps disagree: " + std::to_string(worst)).c_str());
    return;
  }
  std::size_t t = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ct->step(input_at(t++ & 1023)));
  state.SetLabel("ctgrad, agrees with hand-written to " + std::to_string(worst));
}

}  // namespace

BENCHMARK(ctgrad_gradient<32>)->Name("gru_h64_t28_b32/ctgrad")->Unit(benchmark::kMicrosecond);
#ifdef CTGRAD_BENCH_TORCH
BENCHMARK(torch_gradient<32>)->Name("gru_h64_t28_b32/libtorch")->Unit(benchmark::kMicrosecond);
#endif
BENCHMARK(ctgrad_gradient<1>)->Name("gru_h64_t28_b1/ctgrad")->Unit(benchmark::kMicrosecond);
#ifdef CTGRAD_BENCH_TORCH
BENCHMARK(torch_gradient<1>)->Name("gru_h64_t28_b1/libtorch")->Unit(benchmark::kMicrosecond);
#endif
BENCHMARK(step_ctgrad<8>)->Name("gru_step_h8/ctgrad");
BENCHMARK(step_hand<8>)->Name("gru_step_h8/hand-written");
BENCHMARK(step_ctgrad<16>)->Name("gru_step_h16/ctgrad");
BENCHMARK(step_hand<16>)->Name("gru_step_h16/hand-written");
BENCHMARK(step_ctgrad<32>)->Name("gru_step_h32/ctgrad");
BENCHMARK(step_hand<32>)->Name("gru_step_h32/hand-written");
BENCHMARK(step_ctgrad<64>)->Name("gru_step_h64/ctgrad");
BENCHMARK(step_hand<64>)->Name("gru_step_h64/hand-written");

BENCHMARK_MAIN();
