// SPDX-License-Identifier: BSL-1.0
// Issue 18's net: 784-1024-10, ReLU, softmax cross-entropy, batch 1024, written as README's
// Networks section shows, with parameters, gradients and data on the heap. Its gradient's
// workspace is about 16 MB, twice the default stack. It must compute the same gradient
// - with its workspace on a thread's own stack of 64 MiB (the reference: what every call
//   did before workspaces could leave the stack),
// - with no workspace, on the main thread's stack (8 MiB by default; CTest runs this test
//   a second time under `ulimit -s 1024`), and in a pthread whose stack is 256 KiB,
// - with a workspace on the heap and in static storage;
// and a training step (grad_into + SGD) allocates nothing after the first.
// Compiled with -O2 (test/CMakeLists.txt): at -O0 one gradient takes seconds.
#define BOOST_TEST_MODULE nets.large_workspace
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/engine/memory.hpp>

#include "support/counting_new.hpp"

#include <pthread.h>

#include <cstdint>
#include <memory>

using namespace ctgrad;

namespace {
constexpr auto X = input<"X", 1024, 784>;
constexpr auto Y = input<"Y", 1024, 10>;
constexpr auto W1 = param<"W1", 784, 1024>;
constexpr auto b1 = param<"b1", 1024>;
constexpr auto W2 = param<"W2", 1024, 10>;
constexpr auto b2 = param<"b2", 10>;
constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);

using set = param_set<float, decltype(loss)>;
using ws_t = workspace_for<float, decltype(loss)>;

// Filled in place: a tensor of this size returned by value would itself sit on the stack.
template <class T> void fill(T& t, std::uint64_t seed, float scale) {
  for (auto& v : t) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    v = scale * (static_cast<float>(seed >> 40) / 16777216.0f - 0.5f);
  }
}

struct problem {
  std::unique_ptr<set> params = std::make_unique<set>();
  std::unique_ptr<tensor<float, shape<1024, 784>>> x =
      std::make_unique<tensor<float, shape<1024, 784>>>();
  std::unique_ptr<tensor<float, shape<1024, 10>>> y =
      std::make_unique<tensor<float, shape<1024, 10>>>();
  problem() {
    fill((*params)[W1], 1, 0.1f);
    fill((*params)[W2], 2, 0.1f);
    fill((*params)[b1], 3, 0.1f);
    fill(*x, 4, 2.0f);
    for (std::size_t r = 0; r < 1024; ++r) (*y)(r, r % 10) = 1.0f;
  }
};

problem const& data() {
  static problem const p;
  return p;
}

struct result {
  float loss = 0;
  std::unique_ptr<set> grads = std::make_unique<set>();
};

// The reference: a workspace object on this thread's (64 MiB) stack.
void* on_big_stack(void* out) {
  auto& r = *static_cast<result*>(out);
  ws_t ws;
  r.loss = grad_into(loss, *r.grads, ws, *data().params, X = *data().x, Y = *data().y);
  return nullptr;
}

// No workspace: the call decides where it goes.
void* implicit(void* out) {
  auto& r = *static_cast<result*>(out);
  r.loss = grad_into(loss, *r.grads, *data().params, X = *data().x, Y = *data().y);
  return nullptr;
}

void run_in_thread(void* (*f)(void*), result& r, std::size_t stack_bytes) {
  pthread_attr_t attr;
  BOOST_REQUIRE(pthread_attr_init(&attr) == 0);
  BOOST_REQUIRE(pthread_attr_setstacksize(&attr, stack_bytes) == 0);
  pthread_t thread;
  BOOST_REQUIRE(pthread_create(&thread, &attr, f, &r) == 0);
  BOOST_REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attr);
}

result const& reference() {
  static result const r = [] {
    result out;
    run_in_thread(on_big_stack, out, std::size_t{64} << 20);
    return out;
  }();
  return r;
}

void same_as_reference(result const& r) {
  BOOST_TEST(std::isfinite(reference().loss));
  BOOST_TEST(r.loss == reference().loss);
  BOOST_TEST((*r.grads == *reference().grads));
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_workspace_is_larger_than_the_default_stack) {
  static_assert(grad_workspace_v<decltype(loss)> * sizeof(float) > (std::size_t{8} << 20) * 3 / 2);
  BOOST_TEST_MESSAGE(to_string(memory_report<float>(loss)));
}

BOOST_AUTO_TEST_CASE(main_thread_without_a_workspace) {
  result r;
  implicit(&r);
  same_as_reference(r);
}

BOOST_AUTO_TEST_CASE(thread_with_a_256_kib_stack) {
  result r;
  run_in_thread(implicit, r, std::size_t{256} << 10);
  same_as_reference(r);
}

BOOST_AUTO_TEST_CASE(workspace_on_the_heap_and_in_static_storage) {
  result heap, in_static;
  auto ws = std::make_unique<ws_t>();
  heap.loss = grad_into(loss, *heap.grads, *ws, *data().params, X = *data().x, Y = *data().y);
  same_as_reference(heap);
  static ws_t static_ws;
  in_static.loss =
      grad_into(loss, *in_static.grads, static_ws, *data().params, X = *data().x, Y = *data().y);
  same_as_reference(in_static);
  // eval too: the loss of the same forward pass.
  BOOST_TEST(eval(loss, *ws, *data().params, X = *data().x, Y = *data().y) == reference().loss);
  BOOST_TEST(eval(loss, *data().params, X = *data().x, Y = *data().y) == reference().loss);
}

BOOST_AUTO_TEST_CASE(training_steps_allocate_nothing_after_the_first) {
  auto params = std::make_unique<set>(*data().params);
  auto grads = std::make_unique<set>();
  // An optimiser holds its state (here the momentum, a parameter-sized set) by value: on the
  // heap too.
  auto opt =
      std::make_unique<optim::sgd<set>>(optim::sgd_options<float>{.lr = 0.01f, .momentum = 0.9f});
  auto step = [&] {
    grad_into(loss, *grads, *params, X = *data().x, Y = *data().y);
    opt->step(*params, *grads);
  };
  step();
  std::size_t const before = test::allocations();
  step();
  step();
  BOOST_TEST(test::allocations() == before);
}
