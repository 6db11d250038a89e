// SPDX-License-Identifier: BSL-1.0
// The code of docs/guides/benchmarking.md, compiled and run by CTest (docs.snippet.bench_case):
// one benchmark case as ./scripts/bench builds it (bench/cases_small.cpp), its gradient taken
// by ctgrad and by the in-project runtime tape, checked against each other first (the rule of
// the benchmark: no timing before the gradients agree), then timed with std::chrono. The
// timings are printed, not judged: a test on a shared machine cannot promise speed.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/tape.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

//! [case]
// A case is a struct of the network's pieces (bench/cases_small.cpp's mlp_4_8_2): its
// inputs, its parameters by name, the loss, and which parameters are weights and biases.
struct mlp_4_8_2 {
  static constexpr auto X = ctgrad::input<"X", 1, 4>;
  static constexpr auto Y = ctgrad::input<"Y", 1, 2>;
  static constexpr auto W1 = ctgrad::param<"W1", 4, 8>;
  static constexpr auto b1 = ctgrad::param<"b1", 8>;
  static constexpr auto W2 = ctgrad::param<"W2", 8, 2>;
  static constexpr auto b2 = ctgrad::param<"b2", 2>;
  static constexpr auto loss = ctgrad::cross_entropy(
      ctgrad::softmax(ctgrad::dense(ctgrad::relu(ctgrad::dense(X, W1, b1)), W2, b2)), Y);
};
//! [case]

using C = mlp_4_8_2;
using params_t = ctgrad::param_set<float, std::remove_cv_t<decltype(C::loss)>>;

//! [implementations]
// ctgrad: the gradient derived at compile time, into a set the caller owns.
float run_ctgrad(params_t const& p, params_t& g, ctgrad::tensor<float, ctgrad::shape<1, 4>> const& x,
                 ctgrad::tensor<float, ctgrad::shape<1, 2>> const& y) {
  return ctgrad::grad_into(C::loss, g, p, C::X = x, C::Y = y);
}

// The runtime tape: the same network recorded while it runs, then replayed backwards.
// The gradients stay in the tape (views until the next clear); `out` copies them when given.
float run_tape(ctgrad::tape::recorder<float>& t, params_t const& p,
               ctgrad::tensor<float, ctgrad::shape<1, 4>> const& x,
               ctgrad::tensor<float, ctgrad::shape<1, 2>> const& y, params_t* out = nullptr) {
  namespace tp = ctgrad::tape;
  t.clear();  // forgets the graph, keeps the buffers: no heap after the first call
  auto const W1 = t.param(p[C::W1]);
  auto const b1 = t.param(p[C::b1]);
  auto const W2 = t.param(p[C::W2]);
  auto const b2 = t.param(p[C::b2]);
  auto h = tp::relu(tp::dense(t.input(x), W1, b1));
  float const L = t.backward(tp::softmax_cross_entropy(tp::dense(h, W2, b2), t.input(y)));
  if (out) {
    (*out)[C::W1] = t.grad(W1).to_tensor();
    (*out)[C::b1] = t.grad(b1).to_tensor();
    (*out)[C::W2] = t.grad(W2).to_tensor();
    (*out)[C::b2] = t.grad(b2).to_tensor();
  }
  return L;
}
//! [implementations]

// Median-free, minimal timing: the best of 5 runs of n calls, in ns per call.
template <class F> double ns_per_call(F f, int n) {
  double best = 1e300;
  for (int rep = 0; rep < 5; ++rep) {
    auto const start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) f();
    std::chrono::duration<double, std::nano> const took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / n);
  }
  return best;
}

int main() {
  params_t p{}, g{}, gt{};
  ctgrad::init::apply(p, 1, ctgrad::init::he_normal_rule{});
  ctgrad::tensor<float, ctgrad::shape<1, 4>> x{};
  ctgrad::tensor<float, ctgrad::shape<1, 2>> y{};
  x.data = {0.5f, -1.0f, 0.25f, 2.0f};
  y.data = {0.0f, 1.0f};

  //! [check]
  // First the check, as the benchmark does before timing anything: the loss and every
  // parameter's gradient, as ||a - b|| / (||a|| + ||b||), within 1e-4 in float.
  ctgrad::tape::recorder<float> t;
  double worst = ctgrad::check::relative_error(
      ctgrad::tensor<float, ctgrad::shape<>>{{run_ctgrad(p, g, x, y)}},
      ctgrad::tensor<float, ctgrad::shape<>>{{run_tape(t, p, x, y, &gt)}});
  g.for_each([&](auto v, auto const& gv) {
    worst = std::max(worst, ctgrad::check::relative_error(gv, gt[v]));
  });
  std::printf("largest relative difference ctgrad / tape: %.2g\n", worst);
  if (!(worst <= 1e-4)) return 1;
  //! [check]

  //! [time]
  volatile float sink = 0;  // keeps the calls from being optimised away
  double const ct = ns_per_call([&] { sink = run_ctgrad(p, g, x, y); }, 20000);
  double const tp = ns_per_call([&] { sink = run_tape(t, p, x, y); }, 20000);
  std::printf("ns per gradient: ctgrad %.1f, tape %.1f (%.2fx ctgrad)\n", ct, tp, tp / ct);
  //! [time]
  return 0;
}
