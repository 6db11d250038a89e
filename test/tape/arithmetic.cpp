// SPDX-License-Identifier: BSL-1.0
// The tape's + - * /: gradients of both operands against central differences for equal
// shapes and for each broadcast ctgrad allows (a scalar, trailing dimensions, on either
// side); the forms with a number k; an operand used twice (fan-out adds adjoints).
#define BOOST_TEST_MODULE tape.arithmetic
#include <boost/test/unit_test.hpp>

#include <ctgrad/tape/arithmetic.hpp>
#include <ctgrad/tape/elementwise.hpp>
#include <ctgrad/tape/reduce.hpp>

#include "tape/central.hpp"

using namespace ctgrad::tape;
using ctgrad::shape;
using tape_test::normal;
using tape_test::uniform;

// d/da and d/db of sum(op(a, b) * c); b away from 0 (it may divide).
template <class SA, class SB, class Op> double check(Op op, unsigned seed) {
  using SC = ctgrad::broadcast_shape_t<SA, SB>;
  auto a = normal<SA>(seed);
  auto b = uniform<SB>(seed + 1, 0.5, 2.0);
  auto const c = normal<SC>(seed + 2);
  return tape_test::worst_error(
      [&](recorder<double>& t, auto av, auto bv) { return sum(op(av, bv) * t.input(c)); }, a, b);
}

template <class SA, class SB> void check_all_four(unsigned seed) {
  auto const error = [seed](auto op) { return check<SA, SB>(op, seed); };
  BOOST_TEST(error([](auto a, auto b) { return a + b; }) < 1e-7);
  BOOST_TEST(error([](auto a, auto b) { return a - b; }) < 1e-7);
  BOOST_TEST(error([](auto a, auto b) { return a * b; }) < 1e-7);
  BOOST_TEST(error([](auto a, auto b) { return a / b; }) < 1e-7);
}

BOOST_AUTO_TEST_CASE(equal_shapes) {
  check_all_four<shape<3, 4>, shape<3, 4>>(1);
  check_all_four<shape<>, shape<>>(2);
}
BOOST_AUTO_TEST_CASE(trailing_dimensions_broadcast) {
  check_all_four<shape<3, 4>, shape<4>>(3);  // a bias row on the right
  check_all_four<shape<4>, shape<3, 4>>(4);  // and on the left
}
BOOST_AUTO_TEST_CASE(scalar_broadcast) {
  check_all_four<shape<3, 4>, shape<>>(5);
  check_all_four<shape<>, shape<3, 4>>(6);
}

// A broadcast operand (a bias row, a scalar) that receives several contributions.
BOOST_AUTO_TEST_CASE(broadcast_operand_used_more_than_once) {
  auto a = normal<shape<3, 4>>(9);
  auto b = normal<shape<4>>(10);
  auto s = normal<shape<>>(11);
  auto const c = normal<shape<3, 4>>(12);
  BOOST_TEST(tape_test::worst_error(
                 [&](recorder<double>& t, auto av, auto bv, auto sv) {
                   auto const h = (av + bv) * sv;
                   return sum((h * bv - sv) * t.input(c)) + sum(bv * sv);
                 },
                 a, b, s) < 1e-7);
}

BOOST_AUTO_TEST_CASE(with_a_number) {
  auto one = [](auto f) {
    auto a = uniform<shape<5>>(7, 0.5, 2.0);
    auto const c = normal<shape<5>>(8);
    return tape_test::worst_error(
        [&](recorder<double>& t, auto av) { return sum(f(av) * t.input(c)); }, a);
  };
  BOOST_TEST(one([](auto a) { return a + 3.0; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return 3.0 + a; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return a - 3.0; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return 3.0 - a; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return a * -2.5; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return -2.5 * a; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return a / 3.0; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return 3.0 / a; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return -3.0 / a; }) < 1e-7);
  BOOST_TEST(one([](auto a) { return -a; }) < 1e-7);
}

BOOST_AUTO_TEST_CASE(values) {
  recorder<double> t;
  auto a = t.variable(ctgrad::tensor<double, shape<2, 2>>{{1, 2, 3, 4}});
  auto b = t.constant(ctgrad::tensor<double, shape<2>>{{10, 20}});
  auto s = t.constant(2.0);
  auto v = t.value((a + b) * s - a / s);
  BOOST_TEST(v(0, 0) == 21.5);
  BOOST_TEST(v(0, 1) == 43.0);
  BOOST_TEST(v(1, 0) == 24.5);
  BOOST_TEST(v(1, 1) == 46.0);
  BOOST_TEST(t.value(a / 4.0)[2] == 0.75);  // (1/4) * a
  BOOST_TEST(t.value(8.0 / a)[3] == 2.0);
}

// x*x + x: the adjoint of x collects three contributions: 2x + 1.
BOOST_AUTO_TEST_CASE(an_operand_used_more_than_once) {
  recorder<double> t;
  auto x = t.variable(3.0);
  t.backward(x * x + x);
  BOOST_TEST(t.grad(x)[0] == 7.0);
  t.clear();
  auto y = t.variable(ctgrad::tensor<double, shape<3>>{{1, 2, 3}});
  t.backward(sum(y / y + y * 2.0 + y));  // d/dy = 0 + 2 + 1
  for (double g : t.grad(y)) BOOST_TEST(g == 3.0);
}
