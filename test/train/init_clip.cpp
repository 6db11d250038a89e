// SPDX-License-Identifier: BSL-1.0
// Initialiser statistics over many draws, reproducibility from a seed, gradient clipping
// against a hand computation, and micro-batch accumulation against one big batch.
#define BOOST_TEST_MODULE train.init_clip
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <cmath>

using namespace ctgrad;
namespace tt = boost::test_tools;

template <class T, class S> std::pair<double, double> mean_std(tensor<T, S> const& t) {
  double m = 0, q = 0;
  for (auto v : t) m += v;
  m /= static_cast<double>(t.size);
  for (auto v : t) q += (v - m) * (v - m);
  return {m, std::sqrt(q / static_cast<double>(t.size))};
}

BOOST_AUTO_TEST_CASE(statistics_of_each_initialiser) {
  static tensor<double, shape<400, 300>> w;  // 120000 draws
  init::rng r{7};
  init::normal(w, r, 1.5, 0.25);
  auto [m, s] = mean_std(w);
  BOOST_TEST(m == 1.5, tt::tolerance(0.002));
  BOOST_TEST(s == 0.25, tt::tolerance(0.01));

  init::uniform(w, r, -1.0, 3.0);
  std::tie(m, s) = mean_std(w);
  BOOST_TEST(m == 1.0, tt::tolerance(0.01));
  BOOST_TEST(s == 4.0 / std::sqrt(12.0), tt::tolerance(0.01));
  for (auto v : w) BOOST_REQUIRE(v >= -1.0 && v < 3.0);

  double const xavier = std::sqrt(2.0 / (400 + 300)), he = std::sqrt(2.0 / 400);
  for (auto fill : {0, 1, 2, 3}) {
    if (fill == 0) init::xavier_normal(w, r);
    if (fill == 1) init::xavier_uniform(w, r);
    if (fill == 2) init::he_normal(w, r);
    if (fill == 3) init::he_uniform(w, r);
    std::tie(m, s) = mean_std(w);
    BOOST_TEST(std::abs(m) < 0.01 * (fill < 2 ? xavier : he) * 10);
    BOOST_TEST(s == (fill < 2 ? xavier : he), tt::tolerance(0.01));
  }
  double const bound = std::sqrt(6.0 / 400);
  for (auto v : w) BOOST_REQUIRE(std::abs(v) <= bound);  // he_uniform's bound
}

constexpr auto X = input<"X", 4, 3>;
constexpr auto Y = input<"Y", 4, 2>;
constexpr auto net = sequential(X, layer::dense<5>, layer::tanh, layer::dense<2>);
constexpr auto loss = mse(net, Y);

constexpr auto W1 = param<"W1", 3, 5>;
constexpr auto b1 = param<"b1", 5>;
constexpr auto pa = param<"a", 2>;
constexpr auto pb = param<"b", 1>;

BOOST_AUTO_TEST_CASE(apply_is_reproducible_and_zeroes_biases) {
  auto a = params<float>(loss), b = params<float>(loss), c = params<float>(loss);
  init::apply(a, 42, init::he_normal_rule{});
  init::apply(b, 42, init::he_normal_rule{});
  init::apply(c, 43, init::he_normal_rule{});
  BOOST_TEST((a == b));
  BOOST_TEST(!(a == c));
  BOOST_TEST(a[b1](0) == 0.0f);
  BOOST_TEST(a[W1](0, 0) != 0.0f);
}

BOOST_AUTO_TEST_CASE(clipping_by_norm_and_by_value) {
  using set_t = var_set<double, decltype(pa), decltype(pb)>;
  set_t g{};
  g[pa].data = {3.0, 0.0};
  g[pb].data = {4.0};
  auto const norms = train::grad_norms(g);
  BOOST_TEST(norms[0] == 3.0);
  BOOST_TEST(norms[1] == 4.0);
  set_t h = g;
  BOOST_TEST(train::clip_grad_norm(h, 10.0) == 5.0);  // below the limit: untouched
  BOOST_TEST((h == g));
  BOOST_TEST(train::clip_grad_norm(h, 1.0) == 5.0);  // returns the norm before clipping
  BOOST_TEST(h[pa](0) == 3.0 / (5.0 + 1e-6), tt::tolerance(1e-14));
  BOOST_TEST(h[pb](0) == 4.0 / (5.0 + 1e-6), tt::tolerance(1e-14));
  train::clip_grad_value(g, 3.5);
  BOOST_TEST(g[pa](0) == 3.0);
  BOOST_TEST(g[pb](0) == 3.5);
}

// The lesson's exercise 5: gradients of two half batches, accumulated (zeroed first) and
// averaged, equal the gradient of the whole batch; without zeroing, the old ones leak in.
BOOST_AUTO_TEST_CASE(accumulating_micro_batches) {
  constexpr auto Xh = input<"X", 2, 3>;
  constexpr auto Yh = input<"Y", 2, 2>;
  constexpr auto half = mse(sequential(Xh, layer::dense<5>, layer::tanh, layer::dense<2>), Yh);
  auto ps = params<double>(loss);
  test::fill_normal(ps, 3);
  auto const x = test::normal_tensor<double, shape<4, 3>>(4);
  auto const y = test::normal_tensor<double, shape<4, 2>>(5);
  tensor<double, shape<2, 3>> x1{}, x2{};
  tensor<double, shape<2, 2>> y1{}, y2{};
  for (std::size_t i = 0; i < 6; ++i) x1.data[i] = x.data[i], x2.data[i] = x.data[6 + i];
  for (std::size_t i = 0; i < 4; ++i) y1.data[i] = y.data[i], y2.data[i] = y.data[4 + i];

  auto const whole = grad(loss, ps, X = x, Y = y);
  decltype(ps) acc{}, micro{};
  acc.zero();
  grad_into(half, micro, ps, Xh = x1, Yh = y1);
  train::add_into(acc, micro);
  grad_into(half, micro, ps, Xh = x2, Yh = y2);  // overwrites micro: nothing carried over
  train::add_into(acc, micro);
  train::scale(acc, 0.5);  // mean over the two halves, as mse means over the batch
  BOOST_TEST(check::relative_error(acc, whole) < 1e-14);

  train::add_into(acc, micro);  // forgetting to zero: the result is wrong
  BOOST_TEST(check::relative_error(acc, whole) > 0.01);
}
