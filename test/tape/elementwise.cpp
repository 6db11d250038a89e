// SPDX-License-Identifier: BSL-1.0
// The tape's elementwise functions: each one's gradient against central differences
// (L = sum(f(z) * c) with random weights c, so every element gets its own upstream
// adjoint), at points spread over its domain; the conventions at kinks and poles, which
// must be ctgrad's; pow<1> and pow<0>.
#define BOOST_TEST_MODULE tape.elementwise
#include <boost/test/unit_test.hpp>

#include <ctgrad/tape/arithmetic.hpp>
#include <ctgrad/tape/elementwise.hpp>
#include <ctgrad/tape/reduce.hpp>

#include "tape/central.hpp"

#include <cmath>
#include <limits>

using namespace ctgrad::tape;
using tape_test::normal;
using tape_test::uniform;
using S = ctgrad::shape<3, 4>;

// The worst relative error of d/dz sum(f(z) * c) at z drawn uniformly in [lo, hi].
template <class F> double check(F f, double lo, double hi, unsigned seed) {
  auto z = uniform<S>(seed, lo, hi);
  auto const c = normal<S>(seed + 100);
  return tape_test::worst_error(
      [&](recorder<double>& t, auto zv) { return sum(f(zv) * t.input(c)); }, z);
}

BOOST_AUTO_TEST_CASE(unary_functions_against_central_differences) {
  for (unsigned seed : {1u, 2u, 3u}) {
    BOOST_TEST(check([](auto z) { return sigmoid(z); }, -6, 6, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return tanh(z); }, -3, 3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return exp(z); }, -3, 3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return log(z); }, 0.1, 5, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return sin(z); }, -4, 4, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return cos(z); }, -4, 4, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return sqrt(z); }, 0.1, 5, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return -z; }, -3, 3, seed) < 1e-7);
    // Kinked functions away from their kink (central differences straddle it otherwise).
    BOOST_TEST(check([](auto z) { return relu(z); }, 0.01, 3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return relu(z); }, -3, -0.01, seed) == 0.0);
    BOOST_TEST(check([](auto z) { return abs(z); }, 0.01, 3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return abs(z); }, -3, -0.01, seed) < 1e-7);
  }
}

BOOST_AUTO_TEST_CASE(integer_powers_against_central_differences) {
  for (unsigned seed : {4u, 5u}) {
    BOOST_TEST(check([](auto z) { return pow<2>(z); }, -3, 3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return pow<3>(z); }, -3, 3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return pow<7>(z); }, -1.5, 1.5, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return pow<-1>(z); }, 0.3, 3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return pow<-2>(z); }, -3, -0.3, seed) < 1e-7);
    BOOST_TEST(check([](auto z) { return square(z); }, -3, 3, seed) < 1e-7);
  }
}

// d/dz f(z) at one point, through the tape.
template <class F> double derivative(F f, double z0) {
  recorder<double> t;
  auto z = t.variable(z0);
  t.backward(f(z));
  return t.grad(z)[0];
}

BOOST_AUTO_TEST_CASE(conventions_at_kinks_and_poles) {
  double const inf = std::numeric_limits<double>::infinity();
  BOOST_TEST(derivative([](auto z) { return relu(z); }, 0.0) == 0.0);  // as ctgrad, PyTorch
  BOOST_TEST(derivative([](auto z) { return relu(z); }, 1e-300) == 1.0);
  BOOST_TEST(derivative([](auto z) { return abs(z); }, 0.0) == 0.0);
  BOOST_TEST(derivative([](auto z) { return abs(z); }, -1e-300) == -1.0);
  BOOST_TEST(derivative([](auto z) { return sqrt(z); }, 0.0) == inf);
  BOOST_TEST(derivative([](auto z) { return log(z); }, 0.0) == inf);
  BOOST_TEST(derivative([](auto z) { return log(z); }, -2.0) == -0.5);  // 1/z, as ctgrad
  recorder<double> t;
  BOOST_TEST(std::isnan(t.value(log(t.variable(-2.0)))[0]));
}

BOOST_AUTO_TEST_CASE(saturation_and_nan) {
  recorder<double> t;
  auto z = t.variable(ctgrad::tensor<double, ctgrad::shape<4>>{{-800.0, 800.0, -40.0, 40.0}});
  auto s = sigmoid(z);
  auto h = tanh(z);
  t.backward(sum(s) + sum(h));
  for (double g : t.grad(z)) BOOST_TEST((std::isfinite(g) && g >= 0.0 && g < 1e-16));
  for (double v : t.value(s)) BOOST_TEST((v >= 0.0 && v <= 1.0));

  recorder<double> u;
  auto n = u.variable(std::numeric_limits<double>::quiet_NaN());
  auto r = relu(n);
  BOOST_TEST(std::isnan(u.value(r)[0]));  // NaN is not clipped to 0
}

BOOST_AUTO_TEST_CASE(pow_one_is_the_operand_and_pow_zero_a_constant) {
  recorder<double> t;
  auto z = t.variable(ctgrad::tensor<double, ctgrad::shape<2>>{{3.0, -2.0}});
  auto same = pow<1>(z);
  BOOST_TEST(same.id() == z.id());
  BOOST_TEST(t.record_count() == 0u);
  auto one = pow<0>(z);
  BOOST_TEST(!t.requires_grad(one));
  BOOST_TEST(t.value(one)[0] == 1.0);
  BOOST_TEST(t.value(one)[1] == 1.0);
  t.backward(sum(one * z));
  BOOST_TEST(t.grad(z)[0] == 1.0);
}

BOOST_AUTO_TEST_CASE(float_tape) {
  recorder<float> t;
  auto z = t.variable(0.5f);
  auto L = exp(sin(z) * 2.0f);
  t.backward(L);
  float const expected = std::exp(std::sin(0.5f) * 2.0f) * 2.0f * std::cos(0.5f);
  BOOST_TEST(t.grad(z)[0] == expected, boost::test_tools::tolerance(1e-6f));
}
