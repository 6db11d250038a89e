// SPDX-License-Identifier: BSL-1.0
// The tape's matrix products, sums, softmax and losses against central differences:
// matmul in shapes that take each kernel path (one row, several rows, a narrow dW), dense,
// sum / mean / sum_to, softmax on its own, cross-entropy fused with softmax and on other
// probabilities (gradients for the targets too), mse.
#define BOOST_TEST_MODULE tape.linear
#include <boost/test/unit_test.hpp>

#include <ctgrad/tape/arithmetic.hpp>
#include <ctgrad/tape/elementwise.hpp>
#include <ctgrad/tape/linear.hpp>
#include <ctgrad/tape/losses.hpp>
#include <ctgrad/tape/reduce.hpp>
#include <ctgrad/tape/softmax.hpp>

#include "tape/central.hpp"

#include <cmath>

using namespace ctgrad::tape;
using ctgrad::shape;
using ctgrad::tensor;
using tape_test::normal;
using tape_test::uniform;

template <std::size_t M, std::size_t K, std::size_t N> double check_matmul(unsigned seed) {
  auto a = normal<shape<M, K>>(seed);
  auto b = normal<shape<K, N>>(seed + 1);
  auto const c = normal<shape<M, N>>(seed + 2);
  return tape_test::worst_error(
      [&](recorder<double>& t, auto av, auto bv) { return sum(matmul(av, bv) * t.input(c)); }, a,
      b);
}

BOOST_AUTO_TEST_CASE(matmul_against_central_differences) {
  BOOST_TEST((check_matmul<1, 5, 3>(1) < 1e-7));   // one row: dot products for u @ b^T
  BOOST_TEST((check_matmul<6, 5, 3>(2) < 1e-7));   // several rows: b transposed once
  BOOST_TEST((check_matmul<4, 16, 3>(3) < 1e-7));  // a^T @ u narrow: accumulated transposed
  BOOST_TEST((check_matmul<3, 3, 3>(4) < 1e-7));
}

BOOST_AUTO_TEST_CASE(dense_against_central_differences) {
  auto x = normal<shape<5, 3>>(5);
  auto w = normal<shape<3, 4>>(6);
  auto b = normal<shape<4>>(7);
  auto const c = normal<shape<5, 4>>(8);
  BOOST_TEST(tape_test::worst_error([&](recorder<double>& t, auto xv, auto wv,
                                        auto bv) { return sum(dense(xv, wv, bv) * t.input(c)); },
                                    x, w, b) < 1e-7);
}

BOOST_AUTO_TEST_CASE(sums_against_central_differences) {
  auto a = normal<shape<3, 4>>(9);
  auto const c = normal<shape<4>>(10);
  auto error = [&](auto f) { return tape_test::worst_error(f, a); };
  BOOST_TEST(error([](recorder<double>&, auto av) { return sum(av * av); }) < 1e-7);
  BOOST_TEST(error([](recorder<double>&, auto av) { return mean(sin(av)); }) < 1e-7);
  BOOST_TEST(
      tape_test::worst_error(
          [&](recorder<double>& t, auto av) { return sum(sum_to<shape<4>>(av * av) * t.input(c)); },
          a) < 1e-7);
}

BOOST_AUTO_TEST_CASE(sum_and_mean_values) {
  recorder<double> t;
  auto a = t.variable(tensor<double, shape<2, 3>>{{1, 2, 3, 4, 5, 6}});
  BOOST_TEST(t.value(sum(a))[0] == 21.0);
  BOOST_TEST(t.value(mean(a))[0] == 3.5);
  auto rows = t.value(sum_to<shape<3>>(a));
  BOOST_TEST(rows[0] == 5.0);
  BOOST_TEST(rows[2] == 9.0);
  auto m = mean(a);
  t.backward(m);
  for (double g : t.grad(a)) BOOST_TEST(g == 1.0 / 6.0);
}

BOOST_AUTO_TEST_CASE(softmax_against_central_differences) {
  auto z = normal<shape<3, 5>>(11, 2.0);
  auto const c = normal<shape<3, 5>>(12);
  BOOST_TEST(tape_test::worst_error(
                 [&](recorder<double>& t, auto zv) { return sum(softmax(zv) * t.input(c)); }, z) <
             1e-7);
  recorder<double> t;
  auto p = t.value(softmax(t.constant(z)));
  for (std::size_t r = 0; r < 3; ++r) {
    double s = 0;
    for (std::size_t j = 0; j < 5; ++j) s += p(r, j);
    BOOST_TEST(s == 1.0, boost::test_tools::tolerance(1e-15));
  }
}

BOOST_AUTO_TEST_CASE(cross_entropy_fused_with_softmax) {
  auto z = normal<shape<4, 3>>(13, 2.0);
  // Soft targets, with gradients too; rows sum to 1, which the fused rule p - y assumes.
  auto y = uniform<shape<4, 3>>(14, 0.1, 1.0);
  for (std::size_t r = 0; r < 4; ++r) {
    double const s = y(r, 0) + y(r, 1) + y(r, 2);
    for (std::size_t j = 0; j < 3; ++j) y(r, j) /= s;
  }
  auto error = [&](auto f) { return tape_test::worst_error(f, z, y); };
  BOOST_TEST(error([](recorder<double>&, auto zv, auto yv) {
               return cross_entropy(softmax(zv), yv);
             }) < 1e-7);
  BOOST_TEST(error([](recorder<double>&, auto zv, auto yv) {
               return softmax_cross_entropy(zv, yv);
             }) < 1e-7);
  // One row [C]; softmax's output also used elsewhere, so its own backward runs as well.
  auto v = normal<shape<5>>(15);
  tensor<double, shape<5>> const onehot{{0, 0, 1, 0, 0}};
  BOOST_TEST(tape_test::worst_error(
                 [&](recorder<double>& t, auto zv) {
                   auto p = softmax(zv);
                   return cross_entropy(p, t.input(onehot)) + sum(p * p);
                 },
                 v) < 1e-7);
}

BOOST_AUTO_TEST_CASE(cross_entropy_fused_is_stable) {
  recorder<double> t;
  auto z = t.variable(tensor<double, shape<1, 3>>{{1000.0, 0.0, -1000.0}});
  auto y = t.constant(tensor<double, shape<1, 3>>{{0.0, 1.0, 0.0}});
  auto L = cross_entropy(softmax(z), y);
  BOOST_TEST(t.backward(L) == 1000.0);  // log(p_1) underflows, logsumexp does not
  auto g = t.grad(z);
  BOOST_TEST(g[0] == 1.0);
  BOOST_TEST(g[1] == -1.0);
  BOOST_TEST(g[2] == 0.0);
}

BOOST_AUTO_TEST_CASE(cross_entropy_on_other_probabilities) {
  auto z = normal<shape<2, 4>>(16);
  auto y = uniform<shape<2, 4>>(17, 0.0, 1.0);
  BOOST_TEST(tape_test::worst_error(
                 [](recorder<double>&, auto zv, auto yv) { return cross_entropy(sigmoid(zv), yv); },
                 z, y) < 1e-7);
}

BOOST_AUTO_TEST_CASE(mse_against_central_differences) {
  auto a = normal<shape<3, 2>>(18);
  auto y = normal<shape<3, 2>>(19);
  BOOST_TEST(tape_test::worst_error([](recorder<double>&, auto av, auto yv) { return mse(av, yv); },
                                    a, y) < 1e-7);
  recorder<double> t;
  auto p = t.variable(tensor<double, shape<2>>{{1.0, 3.0}});
  auto L = mse(p, t.constant(tensor<double, shape<2>>{{0.0, 1.0}}));
  BOOST_TEST(t.backward(L) == 2.5);  // (1 + 4) / 2
  BOOST_TEST(t.grad(p)[0] == 1.0);   // 2/n (a - y)
  BOOST_TEST(t.grad(p)[1] == 2.0);
}
