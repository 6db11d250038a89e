// SPDX-License-Identifier: BSL-1.0
// The tape on scalar expressions against ctgrad: every primitive, with a non-trivial
// upstream adjoint (f(x) * y), at points over its domain, to the bit against ctgrad's
// reverse sweep (grad_into) and within rounding of the symbolic d(f, x); the lesson's
// worked examples with their known values.
#define BOOST_TEST_MODULE tape.same_scalar
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/tape.hpp>

#include "tape/same_as_ctgrad.hpp"

#include <cmath>
#include <initializer_list>

using namespace ctgrad;
using namespace ctgrad::literals;
namespace tp = ctgrad::tape;

constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

// Loss and both gradients of e (ctgrad) and f (the tape) at x = at, y = yv. (The context
// names the case by its line: ctgrad's to_string of x^(-1) trips a false -Wrestrict of
// g++ 12 at -O3.)
template <class E, class F>
void agree(int line, E e, F f, std::initializer_list<double> points, double yv = 0.7) {
  for (double at : points) {
    BOOST_TEST_CONTEXT("case of line " << line << " at x = " << at << ", y = " << yv) {
      var_set<double, decltype(x), decltype(y)> g{};
      double const expected[3] = {grad_into(e, g, x = at, y = yv), g[x].data[0], g[y].data[0]};
      tp::recorder<double> t;
      auto tx = t.variable(at);
      auto ty = t.variable(yv);
      double const L = t.backward(f(tx, ty));
      double const got[3] = {L, t.grad(tx)[0], t.grad(ty)[0]};
      tape_test::expect_same(got, expected, 3, 1e-14);
      // The symbolic derivative is another expression: equal up to rounding.
      BOOST_TEST(got[1] == eval(d(e, x), x = at, y = yv), boost::test_tools::tolerance(1e-13));
    }
  }
}

BOOST_AUTO_TEST_CASE(unary_primitives) {
  auto const any = {-2.5, -1.0, -0.3, 0.4, 1.0, 3.2};
  auto const positive = {0.05, 0.4, 1.0, 2.5, 7.0};
  agree(
      __LINE__, sin(x) * y, [](auto a, auto b) { return sin(a) * b; }, any);
  agree(
      __LINE__, cos(x) * y, [](auto a, auto b) { return cos(a) * b; }, any);
  agree(
      __LINE__, exp(x) * y, [](auto a, auto b) { return exp(a) * b; }, any);
  agree(
      __LINE__, tanh(x) * y, [](auto a, auto b) { return tanh(a) * b; }, any);
  agree(
      __LINE__, sigmoid(x) * y, [](auto a, auto b) { return sigmoid(a) * b; }, any);
  agree(
      __LINE__, relu(x) * y, [](auto a, auto b) { return relu(a) * b; }, any);
  agree(
      __LINE__, abs(x) * y, [](auto a, auto b) { return abs(a) * b; }, any);
  agree(
      __LINE__, log(x) * y, [](auto a, auto b) { return log(a) * b; }, positive);
  agree(
      __LINE__, sqrt(x) * y, [](auto a, auto b) { return sqrt(a) * b; }, positive);
  agree(
      __LINE__, -x * y, [](auto a, auto b) { return -a * b; }, any);
  agree(
      __LINE__, pow<2>(x) * y, [](auto a, auto b) { return pow<2>(a) * b; }, any);
  agree(
      __LINE__, pow<3>(x) * y, [](auto a, auto b) { return pow<3>(a) * b; }, any);
  agree(
      __LINE__, pow<-1>(x) * y, [](auto a, auto b) { return pow<-1>(a) * b; }, any);
  agree(
      __LINE__, pow<-2>(x) * y, [](auto a, auto b) { return pow<-2>(a) * b; }, any);
  agree(
      __LINE__, pow<5>(x) * y, [](auto a, auto b) { return pow<5>(a) * b; }, any);
}

BOOST_AUTO_TEST_CASE(binary_primitives_and_constants) {
  auto const points = {-2.5, -0.3, 0.4, 1.0, 3.2};
  agree(
      __LINE__, x + y, [](auto a, auto b) { return a + b; }, points);
  agree(
      __LINE__, x - y, [](auto a, auto b) { return a - b; }, points);
  agree(
      __LINE__, x * y, [](auto a, auto b) { return a * b; }, points);
  agree(
      __LINE__, x / y, [](auto a, auto b) { return a / b; }, points);
  agree(
      __LINE__, y / x, [](auto a, auto b) { return b / a; }, points);
  agree(
      __LINE__, (x + 3_c) * y, [](auto a, auto b) { return (a + 3.0) * b; }, points);
  agree(
      __LINE__, (3_c - x) * y, [](auto a, auto b) { return (3.0 - a) * b; }, points);
  agree(
      __LINE__, (x - 3_c) * y, [](auto a, auto b) { return (a - 3.0) * b; }, points);
  // Inside sin: ctgrad moves constant factors and divisions out of a product, (3x)y = 3(xy).
  agree(
      __LINE__, sin(x * 3_c) * y, [](auto a, auto b) { return sin(a * 3.0) * b; }, points);
  agree(
      __LINE__, sin(x / 3_c) * y, [](auto a, auto b) { return sin(a / 3.0) * b; }, points);
  agree(
      __LINE__, sin(3_c / x) * y, [](auto a, auto b) { return sin(3.0 / a) * b; }, points);
  agree(
      __LINE__, sin(0.25_c * x) * y, [](auto a, auto b) { return sin(0.25 * a) * b; }, points);
}

// Compound expressions whose nodes ctgrad keeps as written (no simplification applies).
// The operands of an overloaded operator are evaluated in an unspecified order (g++ often
// takes the right one first), and adjoints add up in the reverse of the recording order:
// the left operand is recorded first, by a statement of its own, as ctgrad's children are
// visited left to right. (Either order is a correct gradient; this one is ctgrad's bits.)
BOOST_AUTO_TEST_CASE(compound_expressions) {
  auto const points = {-1.7, -0.2, 0.6, 2.1};
  agree(
      __LINE__, sin(x * y) + exp(tanh(x)) * y,
      [](auto a, auto b) {
        auto const left = sin(a * b);
        return left + exp(tanh(a)) * b;
      },
      points);
  agree(
      __LINE__, sigmoid(x + y) / (x * x + 1_c),
      [](auto a, auto b) {
        auto const left = sigmoid(a + b);
        return left / (a * a + 1.0);
      },
      points);
  agree(
      __LINE__, log(abs(x) + y) * cos(x),
      [](auto a, auto b) {
        auto const left = log(abs(a) + b);
        return left * cos(a);
      },
      points, 2.0);
}

// The lesson: z = x², y = sin z, L = y²: dL/dx = 2y cos z 2x.
BOOST_AUTO_TEST_CASE(lesson_chain_rule) {
  agree(
      __LINE__, pow<2>(sin(pow<2>(x))) * y,
      [](auto a, auto b) { return pow<2>(sin(pow<2>(a))) * b; }, {-2.0, -0.5, 0.7, 1.3, 3.0}, 1.0);
  tp::recorder<double> t;
  auto tx = t.variable(1.3);
  t.backward(pow<2>(sin(pow<2>(tx))));
  BOOST_TEST(t.grad(tx)[0] == -0.614003833811933, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(t.grad(tx)[0] == 2 * std::sin(1.69) * std::cos(1.69) * 2 * 1.3,
             boost::test_tools::tolerance(1e-14));
}

// Exercise 1: x -> 3x + 1 -> relu -> a²; dL/dx = 42 at x = 2.
BOOST_AUTO_TEST_CASE(lesson_exercise_1) {
  tp::recorder<double> t;
  auto tx = t.variable(2.0);
  BOOST_TEST(t.backward(pow<2>(relu(3.0 * tx + 1.0))) == 49.0);
  BOOST_TEST(t.grad(tx)[0] == 42.0);
  t.clear();
  auto neg = t.variable(-1.0);
  t.backward(pow<2>(relu(3.0 * neg + 1.0)));
  BOOST_TEST(t.grad(neg)[0] == 0.0);
}

// Exercise 2: a single neuron, w = 0.5, b = 0.1, x = 1, y = 0.8: a = σ(wx + b), L = (a - y)².
BOOST_AUTO_TEST_CASE(lesson_single_neuron) {
  constexpr auto w = var<"w">;
  constexpr auto b = var<"b">;
  constexpr auto target = var<"t">;
  constexpr auto loss = pow<2>(sigmoid(w * x + b) - target);
  var_set<double, decltype(w), decltype(b)> g{};
  double const expected = grad_into(loss, g, w = 0.5, b = 0.1, x = 1.0, target = 0.8);

  tp::recorder<double> t;
  auto tw = t.variable(0.5);
  auto tb = t.variable(0.1);
  double const L = t.backward(pow<2>(sigmoid(tw * t.constant(1.0) + tb) - t.constant(0.8)));
  double const got[3] = {L, t.grad(tw)[0], t.grad(tb)[0]};
  double const want[3] = {expected, g[w].data[0], g[b].data[0]};
  tape_test::expect_same(got, want, 3, 1e-14);
  double const a = 1 / (1 + std::exp(-0.6));
  BOOST_TEST(got[1] == 2 * (a - 0.8) * a * (1 - a), boost::test_tools::tolerance(1e-14));
  BOOST_TEST(got[1] == -0.0706, boost::test_tools::tolerance(1e-2));  // the lesson's -0.0706...
}
