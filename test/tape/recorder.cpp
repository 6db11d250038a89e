// SPDX-License-Identifier: BSL-1.0
// The recorder itself: the lesson's computation graph, what gets recorded (only what needs
// a gradient), adjoints of intermediates, gradients of unreachable variables, backward
// twice, and the errors for misused handles and gradients.
#define BOOST_TEST_MODULE tape.recorder
#include <boost/test/unit_test.hpp>

#include <ctgrad/tape.hpp>

#include <cmath>
#include <stdexcept>

using namespace ctgrad::tape;
using ctgrad::shape;
using ctgrad::tensor;

// x = 2, y = x², z = 3y  ->  dz/dx = 12 (the lesson's loss.backward() example).
BOOST_AUTO_TEST_CASE(lesson_computation_graph) {
  recorder<double> t;
  auto x = t.variable(2.0);
  auto y = x * x;
  auto z = 3.0 * y;
  BOOST_TEST(t.backward(z) == 12.0);
  BOOST_TEST(t.grad(x)[0] == 12.0);
  BOOST_TEST(t.grad(y)[0] == 3.0);  // intermediates keep their adjoints
  BOOST_TEST(t.grad(z)[0] == 1.0);
}

// z = x², y = sin z, L = y²: dL/dz = 2y cos z, dL/dx = 2y cos z 2x.
BOOST_AUTO_TEST_CASE(adjoints_of_intermediates) {
  recorder<double> t;
  double const at = 1.3;
  auto x = t.variable(at);
  auto z = pow<2>(x);
  auto y = sin(z);
  t.backward(pow<2>(y));
  double const yv = std::sin(at * at);
  BOOST_TEST(t.grad(y)[0] == 2 * yv);
  BOOST_TEST(t.grad(z)[0] == 2 * yv * std::cos(at * at), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(t.grad(x)[0] == -0.614003833811933, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(only_what_needs_a_gradient_is_recorded) {
  recorder<double> t;
  tensor<double, shape<2, 3>> const data{{1, 2, 3, 4, 5, 6}};
  tensor<double, shape<3>> const w{{0.5, -1, 2}};
  auto x = t.input(data);
  auto c = t.constant(2.0);
  auto a = sum(exp(x) * c);  // inputs and constants only
  BOOST_TEST(t.record_count() == 0u);
  BOOST_TEST(!t.requires_grad(a));
  auto p = t.param(w);
  auto L = sum(x * p) + a;  // x * p, sum, + : three records
  BOOST_TEST(t.record_count() == 3u);
  BOOST_TEST(t.requires_grad(L));
  t.backward(L);
  BOOST_TEST(t.grad(p)[0] == 5.0);  // column sums of data
  BOOST_TEST(t.grad(p)[2] == 9.0);
  BOOST_CHECK_THROW(t.grad(x), std::logic_error);  // an input has no gradient
}

BOOST_AUTO_TEST_CASE(parameters_are_read_in_place) {
  recorder<double> t;
  tensor<double, shape<2>> w{{1.0, 2.0}};
  auto p = t.param(w);
  BOOST_TEST(t.value(p).data() == w.data.data());  // no copy
  auto v = t.variable(w);
  BOOST_TEST(t.value(v).data() != w.data.data());  // a copy
  double raw[3] = {1, 2, 3};
  auto r = t.param<shape<3>>(raw);
  t.backward(sum(r * r) + sum(p) + sum(v));
  BOOST_TEST(t.grad(r)[2] == 6.0);
}

BOOST_AUTO_TEST_CASE(unreachable_variables_have_zero_gradients) {
  recorder<double> t;
  auto x = t.variable(1.5);
  auto unused = t.variable(tensor<double, shape<4>>{{1, 2, 3, 4}});
  auto dead = sin(unused);  // recorded, but not part of the loss
  t.backward(x * x);
  for (double g : t.grad(unused)) BOOST_TEST(g == 0.0);
  for (double g : t.grad(dead)) BOOST_TEST(g == 0.0);
  BOOST_TEST(t.grad(x)[0] == 3.0);
}

BOOST_AUTO_TEST_CASE(backward_again_overwrites) {
  recorder<double> t;
  auto x = t.variable(tensor<double, shape<2>>{{1.0, -2.0}});
  auto L = sum(x * x * x);
  t.backward(L);
  auto const first = t.grad(x).to_tensor();
  t.backward(L);
  BOOST_TEST(t.grad(x).to_tensor() == first);  // not doubled
  BOOST_TEST(first(1) == 12.0);
}

BOOST_AUTO_TEST_CASE(misuse_is_reported) {
  recorder<double> t;
  auto x = t.variable(1.0);
  BOOST_CHECK_THROW(t.grad(x), std::logic_error);  // no backward yet
  t.backward(x * 2.0);
  auto later = t.variable(2.0);
  BOOST_CHECK_THROW(t.grad(later), std::logic_error);  // made after backward
  t.clear();
  BOOST_CHECK_THROW(sin(x), std::logic_error);  // stale handle after clear()
  BOOST_CHECK_THROW(t.value(x), std::logic_error);
  recorder<double> other;
  auto y = other.variable(1.0);
  auto z = t.variable(1.0);
  BOOST_CHECK_THROW(y + z, std::logic_error);                  // two tapes
  BOOST_CHECK_THROW(sin(scalar<double>{}), std::logic_error);  // empty handle
}

BOOST_AUTO_TEST_CASE(views) {
  recorder<float> t;
  auto a = t.variable(tensor<float, shape<2, 3>>{{1, 2, 3, 4, 5, 6}});
  auto v = t.value(a * 2.0f);
  BOOST_TEST(v(1, 2) == 12.0f);
  BOOST_TEST(v[4] == 10.0f);
  BOOST_TEST(v.size == 6u);
  auto copy = v.to_tensor();
  BOOST_TEST(copy(0, 1) == 4.0f);
}

BOOST_AUTO_TEST_CASE(release_memory_and_reuse) {
  recorder<double> t;
  for (int round = 0; round < 2; ++round) {
    auto x = t.variable(tensor<double, shape<100>>{});
    t.backward(sum(exp(x)));
    BOOST_TEST(t.grad(x)[99] == 1.0);
    BOOST_TEST(t.node_count() == 3u);
    t.release_memory();
    BOOST_TEST(t.node_count() == 0u);
  }
}
