// expect: ctgrad::optim::adam::step\(params, grads\): grads must be a gradient set of the
// within: shape<4, 8>
// within: shape<4, 6>
// SPDX-License-Identifier: BSL-1.0
// An optimiser made for one network's parameter set, given the gradients of another.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 2, 4>;
  constexpr auto net_a = sum(sequential(X, layer::dense<8>, layer::relu, layer::dense<2>));
  constexpr auto net_b = sum(sequential(X, layer::dense<6>, layer::relu, layer::dense<2>));
  auto params_a = params<float>(net_a);
  auto params_b = params<float>(net_b);
  tensor<float, shape<2, 4>> x{};
  optim::adam<decltype(params_a)> opt({.lr = 0.01f});
#ifdef CTGRAD_EXPECT_FAIL
  auto g = grad(net_b, params_b, X = x);
#else
  auto g = grad(net_a, params_a, X = x);
#endif
  opt.step(params_a, g);
  return static_cast<int>(params_b.size) - 4;
}
