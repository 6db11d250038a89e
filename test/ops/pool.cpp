// SPDX-License-Identifier: BSL-1.0
// max_pool1d/2d, avg_pool1d/2d and global average pooling against PyTorch (float64,
// test/reference/torch_refs.txt): values and the gradients of sum(y * g), including
// padding, uneven strides and windows with tied maxima (the first tap wins, as PyTorch);
// central differences (gradcheck).
#define BOOST_TEST_MODULE ops.pool
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"
#include "support/torch_check.hpp"

#include <algorithm>
#include <cmath>
#include <array>
#include <limits>
#include <memory>
#include <string>

using namespace ctgrad;

using test::check_unary_against_torch;

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  check_unary_against_torch<shape<2, 3, 6, 6>>("max_pool2d.b2c3h6w6.k2s2p0",
                                               [](auto x) { return max_pool2d<2>(x); });
  check_unary_against_torch<shape<1, 2, 7, 5>>("max_pool2d.b1c2h7w5.k3x2s2x1p1x0", [](auto x) {
    return max_pool2d<3, 2>(x, stride<2, 1>, padding<1, 0>);
  });
  check_unary_against_torch<shape<2, 1, 5, 5>>("max_pool2d.b2c1h5w5.k3s1p1.ties", [](auto x) {
    return max_pool2d<3>(x, stride<1>, padding<1>);
  });
  check_unary_against_torch<shape<2, 3, 6, 6>>("avg_pool2d.b2c3h6w6.k2s2p0",
                                               [](auto x) { return avg_pool2d<2>(x); });
  check_unary_against_torch<shape<1, 2, 7, 5>>("avg_pool2d.b1c2h7w5.k3x2s2x1p1x0", [](auto x) {
    return avg_pool2d<3, 2>(x, stride<2, 1>, padding<1, 0>);
  });
  check_unary_against_torch<shape<2, 3, 9>>(
      "max_pool1d.b2c3l9.k3s2p1", [](auto x) { return max_pool1d<3>(x, stride<2>, padding<1>); });
  check_unary_against_torch<shape<2, 2, 8>>("max_pool1d.b2c2l8.k2s1p0.ties",
                                            [](auto x) { return max_pool1d<2>(x, stride<1>); });
  check_unary_against_torch<shape<2, 3, 9>>(
      "avg_pool1d.b2c3l9.k3s2p1", [](auto x) { return avg_pool1d<3>(x, stride<2>, padding<1>); });
  check_unary_against_torch<shape<2, 3, 5, 4>>("global_avg_pool2d.b2c3h5w4",
                                               [](auto x) { return global_avg_pool2d(x); });
  check_unary_against_torch<shape<2, 3, 7>>("global_avg_pool1d.b2c3l7",
                                            [](auto x) { return global_avg_pool1d(x); });
}

BOOST_AUTO_TEST_CASE(ties_go_to_the_first_tap) {
  constexpr auto x = param<"x", 1, 1, 2, 2>;
  auto ps = params<double>(sum(max_pool2d<2>(x)));
  ps[x].data = {3.0, 3.0, 3.0, 1.0};
  auto const gr = grad(sum(max_pool2d<2>(x)), ps);
  BOOST_TEST(gr[x].data[0] == 1.0);
  BOOST_TEST(gr[x].data[1] == 0.0);
  BOOST_TEST(gr[x].data[2] == 0.0);
  // A NaN in a window wins it (PyTorch's CPU rule), so the NaN propagates.
  ps[x].data = {1.0, std::numeric_limits<double>::quiet_NaN(), 5.0, 2.0};
  BOOST_TEST(std::isnan(eval(max_pool2d<2>(x), ps).data[0]));
  // The gradient goes to the last NaN; a NaN first is not displaced by a larger number.
  double const nan = std::numeric_limits<double>::quiet_NaN();
  ps[x].data = {nan, 1.0, nan, 2.0};
  auto const g2 = grad(sum(max_pool2d<2>(x)), ps);
  BOOST_TEST((g2[x].data == std::array<double, 4>{0.0, 0.0, 1.0, 0.0}));
  ps[x].data = {nan, 5.0, 1.0, 2.0};
  auto const g3 = grad(sum(max_pool2d<2>(x)), ps);
  BOOST_TEST((g3[x].data == std::array<double, 4>{1.0, 0.0, 0.0, 0.0}));
}

BOOST_AUTO_TEST_CASE(shape_rule) {
  constexpr auto x = input<"x", 2, 3, 7, 6>;
  static_assert(__is_same(shape_of_t<decltype(max_pool2d<2>(x))>, shape<2, 3, 3, 3>));
  static_assert(
      __is_same(shape_of_t<decltype(max_pool2d<3>(x, stride<1>, padding<1>, dilation<2>))>,
                shape<2, 3, 5, 4>));
  static_assert(
      __is_same(shape_of_t<decltype(avg_pool2d<3, 2>(x, stride<2, 1>))>, shape<2, 3, 3, 5>));
  static_assert(__is_same(shape_of_t<decltype(global_avg_pool2d(x))>, shape<2, 3>));
  BOOST_TEST(to_string(max_pool2d<2>(x)) == "max_pool2d(x)");
}

BOOST_AUTO_TEST_CASE(gradcheck_through_pools) {
  constexpr auto x = param<"x", 2, 2, 7, 6>;
  constexpr auto loss =
      sum(tanh(max_pool2d<3, 2>(x, stride<2, 1>, padding<1, 1>, dilation<1, 2>))) +
      sum(sin(avg_pool2d<2>(x, padding<1>))) + sum(pow<2>(global_avg_pool2d(x))) +
      sum(exp(max_pool1d<2>(param<"v", 2, 3, 9>, stride<1>)));
  auto ps = params<double>(loss);
  test::fill_normal(ps, 13);
  auto const r = check::gradcheck(loss, ps);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
}

BOOST_AUTO_TEST_CASE(second_derivatives_of_average_pooling) {
  constexpr auto x = param<"x", 1, 2, 5, 4>;
  constexpr auto loss = sum(pow<3>(avg_pool2d<2>(x, stride<1>)));
  constexpr auto inner = sum(pow<2>(d(loss, x)));
  auto ps = params<double>(inner);
  test::fill_normal(ps, 14);
  auto const r = check::gradcheck(inner, ps);
  BOOST_TEST_MESSAGE("second order: worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
}

// max_pool2d(relu(x)) is built as relu(max_pool2d(x)) (ops/pool.hpp). Checked against a hand
// derivation on odd sizes (7 x 5: the last row and column belong to no 2 x 2 window, so their
// adjoint must be written as 0) with windows all negative, all zero and mixed: the value is
// the window's largest tap clipped at 0, and dx is dy at the first largest tap of x when that
// tap is positive, 0 everywhere else. A workspace is reused over two inputs, so a stale
// adjoint left in the uncovered row or column would show.
BOOST_AUTO_TEST_CASE(relu_then_max_pool_is_pooled_first) {
  constexpr std::size_t H = 7, W = 5, OH = 3, OW = 2;
  constexpr auto x = param<"x", 2, 3, H, W>;
  constexpr auto u = input<"u", 2, 3, OH, OW>;
  constexpr auto pooled = max_pool2d<2>(relu(x));
  BOOST_TEST(to_string(pooled) == "relu(max_pool2d(x))");
  constexpr auto loss = sum(pooled * u);
  using set_t = param_set<double, std::remove_cv_t<decltype(loss)>>;
  auto ps = std::make_unique<set_t>();
  auto gs = std::make_unique<set_t>();
  auto ws = std::make_unique<workspace_for<double, std::remove_cv_t<decltype(loss)>>>();
  tensor<double, shape<2, 3, OH, OW>> up{};
  for (std::size_t k = 0; k < up.size; ++k) up.data[k] = 0.5 + static_cast<double>(k);
  for (int round = 0; round < 2; ++round) {
    test::fill_normal(*ps, 31 + static_cast<unsigned>(round));
    auto& xs = (*ps)[x].data;
    // Plane 0: one window all negative, one all zero, one tied at its maximum.
    for (std::size_t k : {0u, 1u, 5u, 6u}) xs[k] = -1.0 - static_cast<double>(k);
    for (std::size_t k : {2u, 3u, 7u, 8u}) xs[k] = 0.0;
    for (std::size_t k : {10u, 11u, 15u, 16u}) xs[k] = 2.5;
    std::array<double, 2 * 3 * H * W> want_dx{};
    double want_loss = 0;
    for (std::size_t bc = 0; bc < 6; ++bc)
      for (std::size_t i = 0; i < OH; ++i)
        for (std::size_t j = 0; j < OW; ++j) {
          std::size_t best = bc * H * W + 2 * i * W + 2 * j;
          for (std::size_t p = 0; p < 2; ++p)
            for (std::size_t q = 0; q < 2; ++q) {
              std::size_t const at = bc * H * W + (2 * i + p) * W + 2 * j + q;
              if (xs[at] > xs[best]) best = at;
            }
          double const g = up.data[(bc * OH + i) * OW + j];
          want_loss += std::max(xs[best], 0.0) * g;
          if (xs[best] > 0) want_dx[best] = g;
        }
    double const L = grad_into(loss, *gs, *ws, *ps, u = up);
    BOOST_TEST(L == want_loss, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(((*gs)[x].data == want_dx));
  }
}
