// SPDX-License-Identifier: BSL-1.0
// grad allocates nothing: a counting global operator new sees zero allocations during
// grad_into, grad and eval on networks small and large (784-128-10, batch 32), with a
// workspace passed or, for a net whose workspace leaves the stack, after the calling
// thread's first call (engine/workspace.hpp).
#define BOOST_TEST_MODULE nets.no_heap
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/counting_new.hpp"
#include "support/random.hpp"

#include <cstdlib>
#include <memory>
#include <new>

using namespace ctgrad;

template <class Loss, class Set, class... B>
std::size_t allocations_in_grad(Loss loss, Set const& ps, B const&... b) {
  auto grads = std::make_unique<Set>();  // the caller's storage, allocated before counting
  // A workspace passed: nothing allocated, from the first call on.
  auto ws = std::make_unique<workspace_for<float, Loss>>();
  std::size_t const first = test::allocations();
  grad_into(loss, *grads, *ws, ps, b...);
  eval(loss, *ws, ps, b...);
  BOOST_TEST(test::allocations() == first);
  // Without one: a workspace beyond the stack budget is allocated once per thread.
  grad_into(loss, *grads, ps, b...);
  eval(loss, ps, b...);
  std::size_t const before = test::allocations();
  float const L = grad_into(loss, *grads, ps, b...);
  float const L2 = eval(loss, ps, b...);
  std::size_t const after = test::allocations();
  BOOST_TEST(L == L2);
  return after - before;
}

BOOST_AUTO_TEST_CASE(counting_allocator_counts) {
  std::size_t const before = test::allocations();
  void* p = ::operator new(16);  // not make_unique: an optimiser may elide that allocation
  BOOST_TEST(test::allocations() == before + 1);  // the counter works, so zero below means zero
  ::operator delete(p);
}

BOOST_AUTO_TEST_CASE(mlp_4_8_2) {
  constexpr auto X = input<"X", 1, 4>;
  constexpr auto Y = input<"Y", 1, 2>;
  constexpr auto loss =
      cross_entropy(softmax(dense(relu(dense(X, param<"W1", 4, 8>, param<"b1", 8>)),
                                  param<"W2", 8, 2>, param<"b2", 2>)),
                    Y);
  auto ps = params<float>(loss);
  test::fill_normal(ps, 1);
  auto const x = test::normal_tensor<float, shape<1, 4>>(2);
  auto const y = test::one_hot<float, 1, 2>(0);
  BOOST_TEST(allocations_in_grad(loss, ps, X = x, Y = y) == 0u);
}

BOOST_AUTO_TEST_CASE(mlp_784_128_10_batch_32) {
  constexpr auto X = input<"X", 32, 784>;
  constexpr auto Y = input<"Y", 32, 10>;
  constexpr auto loss =
      cross_entropy(softmax(dense(relu(dense(X, param<"W1", 784, 128>, param<"b1", 128>)),
                                  param<"W2", 128, 10>, param<"b2", 10>)),
                    Y);
  using set = param_set<float, decltype(loss)>;
  auto ps = std::make_unique<set>();
  test::fill_normal(*ps, 3, 0.05);
  auto x = std::make_unique<tensor<float, shape<32, 784>>>(
      test::normal_tensor<float, shape<32, 784>>(4));
  auto const y = test::one_hot<float, 32, 10>(1);
  BOOST_TEST(allocations_in_grad(loss, *ps, X = *x, Y = y) == 0u);
}

// A whole training step (gradient, clipping by global norm, optimiser update) allocates
// nothing either: optimiser state is sized at compile time.
template <class Opt, class Loss, class Set, class... B>
std::size_t allocations_in_training(Loss loss, Set& ps, B const&... b) {
  auto grads = std::make_unique<Set>();
  auto opt = std::make_unique<Opt>(typename Opt::options{.lr = 0.01f});
  std::size_t const before = test::allocations();
  for (int step = 0; step < 3; ++step) {
    grad_into(loss, *grads, ps, b...);
    train::clip_grad_norm(*grads, 1.0f);
    opt->step(ps, *grads);
  }
  return test::allocations() - before;
}

BOOST_AUTO_TEST_CASE(training_step_784_128_10_batch_32) {
  constexpr auto X = input<"X", 32, 784>;
  constexpr auto Y = input<"Y", 32, 10>;
  constexpr auto loss =
      cross_entropy(softmax(sequential(X, layer::dense<128>, layer::relu, layer::dense<10>)), Y);
  using set = param_set<float, decltype(loss)>;
  auto ps = std::make_unique<set>();
  init::apply(*ps, 5, init::he_normal_rule{});
  auto x = std::make_unique<tensor<float, shape<32, 784>>>(
      test::normal_tensor<float, shape<32, 784>>(6));
  auto const y = test::one_hot<float, 32, 10>(2);
  BOOST_TEST(allocations_in_training<optim::sgd<set>>(loss, *ps, X = *x, Y = y) == 0u);
  BOOST_TEST(allocations_in_training<optim::adam<set>>(loss, *ps, X = *x, Y = y) == 0u);
}
