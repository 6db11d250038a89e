// expect: ctgrad::grad_into\(loss, grads, \.\.\.\): grads names a variable that is not in the network
// within: name<'W', '3'>, (ctgrad::)?shape<2, 2>
// SPDX-License-Identifier: BSL-1.0
// Asking for the gradient of a parameter the network does not use.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 1, 2>;
  constexpr auto W = ctgrad::param<"W", 2, 2>;
  constexpr auto b = ctgrad::param<"b", 2>;
  constexpr auto loss = ctgrad::sum(ctgrad::dense(X, W, b));
  ctgrad::tensor<double, ctgrad::shape<1, 2>> x{};
  auto ps = ctgrad::params<double>(loss);
#ifdef CTGRAD_EXPECT_FAIL
  ctgrad::var_set<double, decltype(W), decltype(ctgrad::param<"W3", 2, 2>)> grads;
#else
  ctgrad::var_set<double, decltype(W)> grads;
#endif
  return static_cast<int>(ctgrad::grad_into(loss, grads, ps, X = x));
}
