// SPDX-License-Identifier: BSL-1.0
// A dynamic graph: what is recorded depends on the values of each call (a data-dependent
// loop, a branch, a depth chosen at run time with shared weights), on one tape reused
// across calls. Each call's gradient is checked against central differences of that call's
// function, and against the closed form where there is one.
#define BOOST_TEST_MODULE tape.dynamic
#include <boost/test/unit_test.hpp>

#include <ctgrad/tape.hpp>

#include "tape/central.hpp"

#include <cmath>

using namespace ctgrad::tape;
using ctgrad::shape;
using ctgrad::tensor;

// Halve x until it is at most 1, then square: f = (x / 2^k)^2, f' = 2x / 4^k, with k
// depending on x. Also branches on the sign.
template <class V> V halve_then_square(recorder<double>& t, V x) {
  while (std::fabs(t.value(x)[0]) > 1.0) x = x * 0.5;
  return t.value(x)[0] >= 0 ? pow<2>(x) : -pow<2>(x);
}

BOOST_AUTO_TEST_CASE(data_dependent_loop_and_branch) {
  recorder<double> t;
  std::size_t previous = ~std::size_t{0};
  bool differed = false;
  for (double at : {0.5, 3.0, 40.0, -7.0, 1000.0}) {
    t.clear();
    auto x = t.variable(at);
    t.backward(halve_then_square(t, x));
    int k = 0;
    for (double v = at; std::fabs(v) > 1.0; v *= 0.5) ++k;
    double const expected = (at >= 0 ? 2 : -2) * at / std::pow(4.0, k);
    BOOST_TEST(t.grad(x)[0] == expected, boost::test_tools::tolerance(1e-15));
    differed = differed || (previous != ~std::size_t{0} && t.record_count() != previous);
    previous = t.record_count();
  }
  BOOST_TEST(differed);  // the graphs were not all the same
}

// h = tanh(h @ W + b) repeated `depth` times with the same W and b (their adjoints sum
// over the uses), then a mean-squared error: a recurrent net unrolled as far as asked.
template <std::size_t N>
auto unrolled(recorder<double>& t, var<double, shape<2, N>> x, var<double, shape<N, N>> w,
              var<double, shape<N>> b, int depth, tensor<double, shape<2, N>> const& y) {
  auto h = x;
  for (int i = 0; i < depth; ++i) h = tanh(dense(h, w, b));
  return mse(h, t.input(y));
}

BOOST_AUTO_TEST_CASE(depth_chosen_at_run_time_with_shared_weights) {
  auto x = tape_test::normal<shape<2, 3>>(1);
  auto w = tape_test::normal<shape<3, 3>>(2, 0.8);
  auto b = tape_test::normal<shape<3>>(3, 0.3);
  auto const y = tape_test::normal<shape<2, 3>>(4, 0.5);
  for (int depth : {1, 4, 2, 7, 3}) {
    BOOST_TEST_CONTEXT("depth " << depth) {
      double const err =
          tape_test::worst_error([&](recorder<double>& t, auto xv, auto wv,
                                     auto bv) { return unrolled(t, xv, wv, bv, depth, y); },
                                 x, w, b);
      BOOST_TEST(err < 1e-7);
    }
  }
}

// The same tape serves calls of different sizes in any order, and each result is the one
// a fresh tape gives.
BOOST_AUTO_TEST_CASE(reused_tape_matches_a_fresh_one) {
  auto x = tape_test::normal<shape<2, 3>>(5);
  auto w = tape_test::normal<shape<3, 3>>(6, 0.8);
  auto b = tape_test::normal<shape<3>>(7, 0.3);
  auto const y = tape_test::normal<shape<2, 3>>(8, 0.5);
  recorder<double> reused;
  for (int depth : {5, 1, 3, 8, 2}) {
    reused.clear();
    auto wr = reused.param(w);
    double const lr =
        reused.backward(unrolled(reused, reused.input(x), wr, reused.param(b), depth, y));
    recorder<double> fresh;
    auto wf = fresh.param(w);
    double const lf = fresh.backward(unrolled(fresh, fresh.input(x), wf, fresh.param(b), depth, y));
    BOOST_TEST(lr == lf);
    BOOST_TEST(reused.grad(wr).to_tensor() == fresh.grad(wf).to_tensor());
  }
}
