// SPDX-License-Identifier: BSL-1.0
// Workspaces: their sizes are known at compile time and match a count by hand; a workspace
// the caller places (heap, static storage, a local) gives exactly the results of the calls
// without one, on a net whose workspace fits the stack and on one that does not; the calls
// with a workspace allocate nothing, the others at most once per thread.
#define BOOST_TEST_MODULE engine.workspace
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/engine/memory.hpp>

#include "support/counting_new.hpp"
#include "support/random.hpp"

#include <memory>
#include <thread>

using namespace ctgrad;

namespace small {
constexpr auto X = input<"X", 1, 4>;
constexpr auto Y = input<"Y", 1, 2>;
constexpr auto z1 = dense(X, param<"W1", 4, 8>, param<"b1", 8>);
constexpr auto a1 = relu(z1);
constexpr auto z2 = dense(a1, param<"W2", 8, 2>, param<"b2", 2>);
constexpr auto loss = cross_entropy(softmax(z2), Y);
}  // namespace small

// 64-96-10 at batch 64: its forward values (2 * 64*96 + 2 * 64*10 + 1 floats) fit the
// default stack budget of 64 KiB, its gradient's workspace does not.
namespace large {
constexpr auto X = input<"X", 64, 64>;
constexpr auto Y = input<"Y", 64, 10>;
constexpr auto loss =
    cross_entropy(softmax(dense(relu(dense(X, param<"W1", 64, 96>, param<"b1", 96>)),
                                param<"W2", 96, 10>, param<"b2", 10>)),
                  Y);
}  // namespace large

BOOST_AUTO_TEST_CASE(sizes_match_a_count_by_hand) {
  // eval: z1 [1, 8], a1 [1, 8], z2 [1, 2], softmax [1, 2], the loss: variables take none,
  // and no slot reaches 16 entries, so none is aligned.
  static_assert(eval_workspace_v<decltype(small::loss)> == 8 + 8 + 2 + 2 + 1);
  // grad: the forward values (21, rounded up to 32 where the adjoints' region starts), then
  // the adjoints of the loss (1), of z2 (2: the fused rule p - y), of a1 (8) and of z1 (8);
  // the parameters' adjoints are the caller's gradient set; no rule needs scratch.
  static_assert(grad_workspace_v<decltype(small::loss)> == 32 + (1 + 2 + 8 + 8));
  // large: slots of 16 entries or more start on a multiple of 16.
  static_assert(eval_workspace_v<decltype(large::loss)> == 2 * 64 * 96 + 2 * 64 * 10 + 1);
  constexpr memory_info m = memory_report<float>(large::loss);
  static_assert(m.parameter_bytes == (64 * 96 + 96 + 96 * 10 + 10) * sizeof(float));
  static_assert(m.eval_bytes == (eval_workspace_v<decltype(large::loss)> + 1) * sizeof(float));
  static_assert(!m.grad_on_stack() && m.eval_on_stack());
  static_assert(workspace_for<float, decltype(large::loss)>::size ==
                grad_workspace_v<decltype(large::loss)>);
  // Gradients with respect to more variables need more: the input's adjoint too.
  using with_x = var_set<float, decltype(large::X)>;
  static_assert(grad_workspace_v<decltype(large::loss), with_x> >
                grad_workspace_v<decltype(large::loss), var_set<float>>);
}

BOOST_AUTO_TEST_CASE(report_prints) {
  std::string const s = to_string(memory_report<float>(large::loss));
  BOOST_TEST(s.find("grad workspace:") != std::string::npos);
  BOOST_TEST(s.find("the calling thread's buffer") != std::string::npos);
}

template <class Loss, class XVar, class YVar, std::size_t B, std::size_t In, std::size_t C>
void same_results(Loss loss, XVar X, YVar Y) {
  using set = param_set<double, Loss>;
  auto ps = std::make_unique<set>();
  test::fill_normal(*ps, 11, 0.3);
  auto const x =
      std::make_unique<tensor<double, shape<B, In>>>(test::normal_tensor<double, shape<B, In>>(12));
  auto const y = std::make_unique<tensor<double, shape<B, C>>>(test::one_hot<double, B, C>(13));

  auto implicit = std::make_unique<set>();
  double const L0 = grad_into(loss, *implicit, *ps, X = *x, Y = *y);
  double const E0 = eval(loss, *ps, X = *x, Y = *y);

  auto heap = std::make_unique<workspace_for<double, Loss>>();
  auto g1 = std::make_unique<set>();
  BOOST_TEST(grad_into(loss, *g1, *heap, *ps, X = *x, Y = *y) == L0);
  BOOST_TEST((*g1 == *implicit));
  BOOST_TEST(eval(loss, *heap, *ps, X = *x, Y = *y) == E0);
  auto const g2 = grad(loss, *ps, *heap, X = *x, Y = *y);
  BOOST_TEST((g2 == *implicit));

  static workspace_for<double, Loss> in_static_storage;
  auto g3 = std::make_unique<set>();
  BOOST_TEST(grad_into(loss, *g3, in_static_storage, *ps, X = *x, Y = *y) == L0);
  BOOST_TEST((*g3 == *implicit));

  // capture with a workspace.
  tensor<double, shape<B, C>> logits{};
  auto g4 = std::make_unique<set>();
  BOOST_TEST(grad_into(loss, *g4, capture(Y, logits), *heap, *ps, X = *x, Y = *y) == L0);
  BOOST_TEST((logits == *y));
  BOOST_TEST((*g4 == *implicit));
}

BOOST_AUTO_TEST_CASE(explicit_workspace_same_results_small) {
  same_results<decltype(small::loss), decltype(small::X), decltype(small::Y), 1, 4, 2>(
      small::loss, small::X, small::Y);
}

BOOST_AUTO_TEST_CASE(explicit_workspace_same_results_large) {
  same_results<decltype(large::loss), decltype(large::X), decltype(large::Y), 64, 64, 10>(
      large::loss, large::X, large::Y);
}

BOOST_AUTO_TEST_CASE(allocations) {
  using set = param_set<float, decltype(large::loss)>;
  auto ps = std::make_unique<set>();
  test::fill_normal(*ps, 21, 0.3);
  auto const x =
      std::make_unique<tensor<float, shape<64, 64>>>(test::normal_tensor<float, shape<64, 64>>(22));
  auto const y = std::make_unique<tensor<float, shape<64, 10>>>(test::one_hot<float, 64, 10>(23));
  auto g = std::make_unique<set>();
  auto ws = std::make_unique<workspace_for<float, decltype(large::loss)>>();

  std::size_t before = test::allocations();
  grad_into(large::loss, *g, *ws, *ps, large::X = *x, large::Y = *y);
  eval(large::loss, *ws, *ps, large::X = *x, large::Y = *y);
  BOOST_TEST(test::allocations() == before);  // a workspace given: nothing allocated

  // Without one, this gradient's workspace is beyond the stack budget: the thread's buffer
  // is allocated on a thread's first call, never again.
  std::thread worker([&] {
    std::size_t const start = test::allocations();
    grad_into(large::loss, *g, *ps, large::X = *x, large::Y = *y);
    std::size_t const first = test::allocations() - start;
    grad_into(large::loss, *g, *ps, large::X = *x, large::Y = *y);
    grad_into(large::loss, *g, *ps, large::X = *x, large::Y = *y);
    BOOST_TEST(first == 1u);
    BOOST_TEST(test::allocations() - start == first);
  });
  worker.join();
}
