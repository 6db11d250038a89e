// SPDX-License-Identifier: BSL-1.0
// The ctgrad side of a round trip with torch_roundtrip.py (which writes the files first),
// shared by torch_gru.cpp and torch_cnn.cpp. Given the net as a function of its input (so
// that the same net at batch 1 shares the parameter set, as rebatch does for nets without
// loops), the trained torch model, loaded from safetensors by the documented name rule,
// gives torch's outputs to 1e-6 in float, the first sample's output at batch 1, and torch's
// gradients of the mean cross-entropy to 1e-10 in double; then it is fine-tuned here (SGD)
// and saved under torch's names, with its outputs, for torch_roundtrip.py check.
#pragma once

#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/safetensors.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

namespace interop {

using namespace ctgrad;

inline std::string dir() {
  auto const& suite = boost::unit_test::framework::master_test_suite();
  BOOST_REQUIRE_MESSAGE(suite.argc == 2, "usage: test.interop.torch_* -- DIR");
  return suite.argv[1];
}

// Largest |a - b| / max(1, |b|) over two tensors of equal size.
template <class A, class B> double difference(A const& a, B const& b) {
  static_assert(A::size == B::size);
  double worst = 0;
  for (std::size_t i = 0; i < a.size; ++i)
    worst = std::max(worst, std::abs(double(a.data[i]) - double(b.data[i])) /
                                std::max(1.0, std::abs(double(b.data[i]))));
  return worst;
}

// XV, X1V: the input's variable at the test's batch and at batch 1; Y the one-hot labels;
// NetOf: the net as a function of its input; save_names: torch's names for the fine-tuned
// set (the loading needs none: the default rule).
template <class XV, class X1V, class YV, class NetOf, class Names>
void round_trip(NetOf, Names save_names, int steps, float lr) {
  constexpr XV X{};
  constexpr X1V X1{};
  constexpr YV Y{};
  constexpr auto Out = input<"out", shape_of_t<decltype(NetOf{}(X))>::dims[0],
                             shape_of_t<decltype(NetOf{}(X))>::dims[1]>;
  constexpr auto Out1 = input<"out1", 1, shape_of_t<decltype(NetOf{}(X))>::dims[1]>;
  constexpr auto logits = NetOf{}(X);
  constexpr auto loss = cross_entropy(softmax(logits), Y);
  constexpr auto one = NetOf{}(X1);
  static_assert(std::is_same_v<param_set<float, std::remove_cv_t<decltype(loss)>>,
                               param_set<float, std::remove_cv_t<decltype(one)>>>,
                "the net at batch 1 takes the same parameter set");
  using out_t = std::remove_cv_t<decltype(Out)>;
  using out1_t = std::remove_cv_t<decltype(Out1)>;
  std::string const d = dir();

  auto p = params<float>(loss);
  io::load_safetensors(p, d + "/model32.safetensors");
  var_set<float, XV, YV, out_t, out1_t> data{};
  io::load_safetensors(data, d + "/data.safetensors");
  double const out_err = difference(eval(logits, p, X = data[X]), data[Out]);
  BOOST_TEST_MESSAGE("outputs (float): largest difference from torch " << out_err
                                                                       << " (limit 1e-6)");
  BOOST_TEST(out_err <= 1e-6);

  // The first sample alone: [T, B, F] time-major, it is row 0 of every step; [B, ...], the
  // first entries.
  tensor<float, shape_of_t<X1V>> x1{};
  constexpr std::size_t per_sample = shape_of_t<X1V>::size;
  constexpr std::size_t batch = shape_of_t<XV>::size / per_sample;
  constexpr bool time_major = shape_of_t<XV>::dims[0] != batch;
  constexpr std::size_t features = shape_of_t<XV>::dims[shape_of_t<XV>::rank - 1];
  for (std::size_t i = 0; i < per_sample; ++i)
    x1.data[i] = time_major ? data[X].data[(i / features) * batch * features + i % features]
                            : data[X].data[i];
  double const one_err = difference(eval(one, p, X1 = x1), data[Out1]);
  BOOST_TEST_MESSAGE("first sample at batch 1 (float): largest difference from torch " << one_err);
  BOOST_TEST(one_err <= 1e-6);

  auto p64 = params<double>(loss);
  io::load_safetensors(p64, d + "/model64.safetensors");
  var_set<double, XV, YV, out_t, out1_t> data64{};
  io::load_safetensors(data64, d + "/data.safetensors");  // F32, exactly as torch's .double()
  auto const g = grad(loss, p64, X = data64[X], Y = data64[Y]);
  auto torch_g = params<double>(loss);
  io::load_safetensors(torch_g, d + "/grads64.safetensors");
  double gworst = 0, gmax = 0;
  g.for_each([&](auto var, auto const& t) {
    for (std::size_t i = 0; i < t.size; ++i) {
      gworst = std::max(gworst, std::abs(t.data[i] - torch_g[var].data[i]));
      gmax = std::max(gmax, std::abs(torch_g[var].data[i]));
    }
  });
  BOOST_TEST_MESSAGE("gradients (double): largest difference from torch "
                     << gworst << " (largest entry " << gmax << ", limit 1e-10)");
  BOOST_TEST(gmax > 1e-3);  // a gradient that is not trivially zero
  BOOST_TEST(gworst <= 1e-10);

  optim::sgd<decltype(p)> opt({.lr = lr});
  auto gf = p;
  float const first = grad_into(loss, gf, p, X = data[X], Y = data[Y]);
  float last = first;
  for (int step = 0; step < steps; ++step) {
    opt.step(p, gf);
    last = grad_into(loss, gf, p, X = data[X], Y = data[Y]);
  }
  BOOST_TEST_MESSAGE("fine-tuning: loss " << first << " -> " << last);
  BOOST_TEST(last < first);
  io::save_safetensors(p, d + "/finetuned.safetensors", save_names(p));
  var_set<float, out_t> out{};
  out[Out] = eval(logits, p, X = data[X]);
  io::save_safetensors(out, d + "/ctgrad_out.safetensors");
}

}  // namespace interop
