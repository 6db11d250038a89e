// SPDX-License-Identifier: BSL-1.0
// A Hessian printed as a matrix (explain_hessian, to_matrix_string).
#define BOOST_TEST_MODULE engine.print_matrix
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <string>

using namespace ctgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto t = var<"t">;
}  // namespace

// f = x²y + e^y: by hand, f_xx = 2y, f_xy = f_yx = 2x, f_yy = e^y.
BOOST_AUTO_TEST_CASE(small_function) {
  constexpr auto f = x * x * y + exp(y);
  BOOST_TEST(explain_hessian(f, x, y) ==
             "    x     y\n"
             "x [ 2*y   2*x    ]\n"
             "y [ 2*x   exp(y) ]\n");
  BOOST_TEST(to_matrix_string(eval(hessian(f, x, y), x = 3.0, y = 0.0)) ==
             "[ 0   6 ]\n"
             "[ 6   1 ]\n");
}

// The lesson's neuron: the mixed entries show one form, the sum shared by three entries is
// written once, and the values match central differences of the gradient written by hand.
BOOST_AUTO_TEST_CASE(single_neuron) {
  constexpr auto z = named<"z">(w * x + b);
  constexpr auto a = named<"a">(sigmoid(z));
  constexpr auto L = pow<2>(a - t);
  std::string const text = explain_hessian(L, w, b);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text ==
             "    w                                                                   b\n"
             "w [ (2*x*a*(1 - a) - 2*x*(a - t)*a + 2*x*(a - t)*(1 - a))*a*(1 - a)*x   "
             "s1*a*(1 - a)*x ]\n"
             "b [ s1*a*(1 - a)*x                                                      "
             "s1*a*(1 - a)   ]\n"
             "where s1 = 2*a*(1 - a) - 2*(a - t)*a + 2*(a - t)*(1 - a)\n");

  // dL/dw and dL/db by hand, then their central differences.
  auto const gradient = [](double wv, double bv, double xv, double tv) {
    double const av = 1 / (1 + std::exp(-(wv * xv + bv)));
    double const dz = 2 * (av - tv) * av * (1 - av);
    return std::array<double, 2>{dz * xv, dz};
  };
  double const wv = 0.3, bv = -0.2, xv = 1.7, tv = 0.8, h = 1e-5;
  auto const H = eval(hessian(L, w, b), w = wv, b = bv, x = xv, t = tv);
  for (std::size_t j = 0; j < 2; ++j) {
    auto const plus = j == 0 ? gradient(wv + h, bv, xv, tv) : gradient(wv, bv + h, xv, tv);
    auto const minus = j == 0 ? gradient(wv - h, bv, xv, tv) : gradient(wv, bv - h, xv, tv);
    for (std::size_t i = 0; i < 2; ++i)
      BOOST_TEST(H[i][j] == (plus[i] - minus[i]) / (2 * h), boost::test_tools::tolerance(1e-8));
  }
}
