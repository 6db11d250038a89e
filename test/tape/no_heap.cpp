// SPDX-License-Identifier: BSL-1.0
// Buffer reuse across calls: with a counting global operator new (all forms the tape can
// use, the aligned one included), the first call on a tape allocates and a second call
// recording the same structure (or a smaller one) after clear() allocates nothing,
// gradient reads included. Networks 4-8-2 (batch 1) and 784-128-10 (batch 32), and the
// lesson's scalar chain rule.
#define BOOST_TEST_MODULE tape.no_heap
#include <boost/test/unit_test.hpp>

#include <ctgrad/tape.hpp>

#include "support/counting_new.hpp"
#include "tape/central.hpp"

#include <cstdlib>
#include <memory>
#include <new>

using namespace ctgrad::tape;
using ctgrad::shape;
using ctgrad::tensor;

template <std::size_t B, std::size_t In, std::size_t H, std::size_t Out> struct mlp_data {
  tensor<float, shape<In, H>> w1 = tape_test::normal<shape<In, H>, float>(1, 0.1);
  tensor<float, shape<H>> b1 = tape_test::normal<shape<H>, float>(2, 0.1);
  tensor<float, shape<H, Out>> w2 = tape_test::normal<shape<H, Out>, float>(3, 0.1);
  tensor<float, shape<Out>> b2 = tape_test::normal<shape<Out>, float>(4, 0.1);
  tensor<float, shape<B, In>> x = tape_test::normal<shape<B, In>, float>(5);
  tensor<float, shape<B, Out>> y{};
};

// One training-style call: record, backward, read every gradient. Returns the allocations.
template <class D> std::size_t one_call(recorder<float>& t, D const& d) {
  std::size_t const before = test::allocations();
  t.clear();
  auto w1 = t.param(d.w1);
  auto b1 = t.param(d.b1);
  auto w2 = t.param(d.w2);
  auto b2 = t.param(d.b2);
  auto const h = relu(dense(t.input(d.x), w1, b1));
  auto loss = cross_entropy(softmax(dense(h, w2, b2)), t.input(d.y));
  float const L = t.backward(loss);
  float sum = L + t.grad(w1)[0] + t.grad(b1)[0] + t.grad(w2)[0] + t.grad(b2)[0];
  BOOST_TEST(std::isfinite(sum));
  return test::allocations() - before;
}

// Direct calls of the allocation functions (a new-expression may be elided by clang -O3).
BOOST_AUTO_TEST_CASE(counting_allocator_counts) {
  std::size_t const before = test::allocations();
  void* p = ::operator new(24);
  void* q = ::operator new (256, std::align_val_t{64});
  BOOST_TEST(test::allocations() == before + 2);  // both forms count, so zero below means zero
  ::operator delete (q, std::align_val_t{64});
  ::operator delete(p);
}

BOOST_AUTO_TEST_CASE(mlp_4_8_2_batch_1) {
  auto d = std::make_unique<mlp_data<1, 4, 8, 2>>();
  d->y(0, 1) = 1;
  recorder<float> t;
  BOOST_TEST(one_call(t, *d) > 0u);  // the first call builds the buffers
  BOOST_TEST(one_call(t, *d) == 0u);
  BOOST_TEST(one_call(t, *d) == 0u);
}

BOOST_AUTO_TEST_CASE(mlp_784_128_10_batch_32) {
  auto d = std::make_unique<mlp_data<32, 784, 128, 10>>();
  for (std::size_t r = 0; r < 32; ++r) d->y(r, r % 10) = 1;
  recorder<float> t;
  BOOST_TEST(one_call(t, *d) > 0u);
  BOOST_TEST(one_call(t, *d) == 0u);
  // A smaller graph after a larger one fits in the same buffers.
  auto small = std::make_unique<mlp_data<1, 4, 8, 2>>();
  small->y(0, 0) = 1;
  BOOST_TEST(one_call(t, *small) == 0u);
}

BOOST_AUTO_TEST_CASE(scalar_chain_rule) {
  recorder<double> t;
  auto call = [&](double at) {
    std::size_t const before = test::allocations();
    t.clear();
    auto x = t.variable(at);
    t.backward(pow<2>(sin(pow<2>(x))));
    double const g = t.grad(x)[0];
    BOOST_TEST(std::isfinite(g));
    return test::allocations() - before;
  };
  BOOST_TEST(call(1.3) > 0u);
  BOOST_TEST(call(0.7) == 0u);
  BOOST_TEST(call(-2.0) == 0u);
}
