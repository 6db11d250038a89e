// SPDX-License-Identifier: BSL-1.0
// Repeated blocks as one loop: N residual blocks with their own parameters, stacked
// (W [N, in, out], b [N, out]) and read one slice per step.
#define BOOST_TEST_MODULE loop.repeat
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

namespace {
using namespace ctgrad;
constexpr auto X = input<"X", 3, 4>;
constexpr auto W = param<"W", 5, 4, 4>;
constexpr auto B = param<"b", 5, 4>;
constexpr auto h = carry<"h", 3, 4>;
constexpr auto w = step_input<"w", 4, 4>;
constexpr auto b = step_input<"b", 4>;
constexpr auto blocks = scan(h + tanh(dense(h, w, b)), h = X, w = W, b = B);
constexpr auto loss = sum(last(blocks) * last(blocks));
}  // namespace

BOOST_AUTO_TEST_CASE(residual_blocks_against_central_differences) {
  var_set<double, decltype(X), decltype(W), decltype(B)> wrt;
  test::fill_normal(wrt, 17, 0.5);
  auto const r = check::gradcheck(loss, wrt);
  BOOST_TEST_INFO(r);
  BOOST_TEST(r.ok(1e-8));
}

// The loop's value and gradient against the same blocks computed by hand, block by block.
BOOST_AUTO_TEST_CASE(residual_blocks_against_hand_loop) {
  var_set<double, decltype(X), decltype(W), decltype(B)> wrt;
  test::fill_normal(wrt, 5, 0.5);
  // Forward by hand: h_{k+1} = h_k + tanh(h_k W_k + b_k).
  double hs[6][3][4];
  double pre[5][3][4];
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 4; ++j) hs[0][i][j] = wrt[X](i, j);
  for (std::size_t k = 0; k < 5; ++k)
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 4; ++j) {
        double z = wrt[B](k, j);
        for (std::size_t m = 0; m < 4; ++m) z += hs[k][i][m] * wrt[W](k, m, j);
        pre[k][i][j] = std::tanh(z);
        hs[k + 1][i][j] = hs[k][i][j] + pre[k][i][j];
      }
  // Backward by hand.
  double dh[3][4];
  double loss_ref = 0;
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 4; ++j) {
      dh[i][j] = 2 * hs[5][i][j];
      loss_ref += hs[5][i][j] * hs[5][i][j];
    }
  var_set<double, decltype(X), decltype(W), decltype(B)> ref;
  for (std::size_t s = 0; s < 5; ++s) {
    std::size_t const k = 4 - s;
    double dz[3][4];
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 4; ++j) dz[i][j] = dh[i][j] * (1 - pre[k][i][j] * pre[k][i][j]);
    double dprev[3][4];
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t m = 0; m < 4; ++m) {
        dprev[i][m] = dh[i][m];
        for (std::size_t j = 0; j < 4; ++j) dprev[i][m] += dz[i][j] * wrt[W](k, m, j);
      }
    for (std::size_t m = 0; m < 4; ++m)
      for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t i = 0; i < 3; ++i) ref[W](k, m, j) += hs[k][i][m] * dz[i][j];
    for (std::size_t j = 0; j < 4; ++j)
      for (std::size_t i = 0; i < 3; ++i) ref[B](k, j) += dz[i][j];
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t m = 0; m < 4; ++m) dh[i][m] = dprev[i][m];
  }
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t m = 0; m < 4; ++m) ref[X](i, m) = dh[i][m];

  auto const g = grad(loss, wrt);
  BOOST_TEST(eval(loss, wrt) == loss_ref, boost::test_tools::tolerance(1e-13));
  BOOST_TEST(check::relative_error(g[X], ref[X]) < 1e-14);
  BOOST_TEST(check::relative_error(g[W], ref[W]) < 1e-14);
  BOOST_TEST(check::relative_error(g[B], ref[B]) < 1e-14);
}
