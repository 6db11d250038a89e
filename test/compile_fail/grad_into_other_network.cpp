// expect: ctgrad::grad_into\(loss, grads, params, \.\.\.\): params names a variable that is not in the
// within: name<'W', '1'>, (ctgrad::)?shape<4, 8>
// SPDX-License-Identifier: BSL-1.0
// The parameter set of one network passed to grad_into with another network's loss (4-8-2
// against 4-6-2): one error saying the set belongs to another network, as grad says, not
// "a variable of f has no value" once per parameter.
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
  auto grads_b = params<double>(net_b);
  tensor<double, shape<2, 4>> x{};
  tensor<double, shape<2, 2>> y{};
  // A larger set serving a sub-network (its first layer) is not another network's: every
  // variable of the sub-network is bound, so this compiles in both modes.
  constexpr auto first_layer = sum(dense(X, param<"W1", 4, 8>, param<"b1", 8>));
  auto grads_first = params<double>(first_layer);
  double const part = grad_into(first_layer, grads_first, params_a, X = x);
#ifdef CTGRAD_EXPECT_FAIL
  double const l = grad_into(net_b, grads_b, params_a, X = x, Y = y);
#else
  double const l = grad_into(net_b, grads_b, params<double>(net_b), X = x, Y = y);
#endif
  (void)net_b;
  return static_cast<int>(l + part);
}
