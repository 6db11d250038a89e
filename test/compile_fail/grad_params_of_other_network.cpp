// expect: ctgrad::grad\(loss, params, \.\.\.\): params names a variable that is not in the
// within: name<'W', '1'>, (ctgrad::)?shape<4, 8>
// SPDX-License-Identifier: BSL-1.0
// The parameter set of one network passed to grad with another network's loss (here the
// hidden layers differ, 4-8-2 against 4-6-2, so W1 is [4, 8] in one and [4, 6] in the other).
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 2, 4>;
  constexpr auto Y = input<"Y", 2, 2>;
  constexpr auto net_a =
      cross_entropy(softmax(sequential(X, layer::dense<8>, layer::relu, layer::dense<2>)), Y);
  constexpr auto net_b =
      cross_entropy(softmax(sequential(X, layer::dense<6>, layer::relu, layer::dense<2>)), Y);
  auto params_a = params<double>(net_a);
  tensor<double, shape<2, 4>> x{};
  tensor<double, shape<2, 2>> y{};
#ifdef CTGRAD_EXPECT_FAIL
  auto g = grad(net_b, params_a, X = x, Y = y);
#else
  auto g = grad(net_a, params_a, X = x, Y = y);
#endif
  (void)net_b;
  return static_cast<int>(g.size) - 4;
}
