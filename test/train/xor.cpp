// SPDX-License-Identifier: BSL-1.0
// Training XOR from a fixed seed reaches 100% accuracy: the building blocks together
// (initialiser, grad_into, optimiser, schedule) on the smallest non-linear problem.
#define BOOST_TEST_MODULE train.xor
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;

constexpr auto X = input<"X", 4, 2>;
constexpr auto Y = input<"Y", 4, 2>;
constexpr auto logits = sequential(X, layer::dense<8>, layer::tanh, layer::dense<2>);
constexpr auto loss = cross_entropy(softmax(logits), Y);

BOOST_AUTO_TEST_CASE(xor_to_full_accuracy) {
  using set_t = param_set<float, std::remove_cv_t<decltype(loss)>>;
  set_t ps{}, gs{};
  init::apply(ps, 2024, init::xavier_normal_rule{});
  tensor<float, shape<4, 2>> x{}, y{};
  for (std::size_t r = 0; r < 4; ++r) {
    x(r, 0) = static_cast<float>(r & 1u);
    x(r, 1) = static_cast<float>((r >> 1) & 1u);
    y(r, ((r & 1u) ^ ((r >> 1) & 1u))) = 1.0f;  // one-hot of a XOR b
  }
  optim::adam<set_t> opt({.lr = 0.05f});
  float first = 0, last = 0;
  for (int step = 0; step < 500; ++step) {
    last = grad_into(loss, gs, ps, X = x, Y = y);
    if (step == 0) first = last;
    opt.step(ps, gs);
  }
  auto const out = eval(logits, ps, X = x);
  int correct = 0;
  for (std::size_t r = 0; r < 4; ++r) correct += (out(r, 1) > out(r, 0)) == (y(r, 1) == 1.0f);
  BOOST_TEST_MESSAGE("loss " << first << " -> " << last);
  BOOST_TEST(correct == 4);
  BOOST_TEST(last < 0.05f);
}
