// expect: ctgrad::grad_into\(loss, grads, \.\.\.\): grads names a variable that is not in
// within: name<'W'>, (ctgrad::)?shape<3, 2>
// SPDX-License-Identifier: BSL-1.0
// A gradient set whose W has the wrong shape ([3, 2] where the network's W is [2, 2]): a
// variable is its name and its shape, so this W is not the network's.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 1, 2>;
  constexpr auto W = ctgrad::param<"W", 2, 2>;
  constexpr auto b = ctgrad::param<"b", 2>;
  constexpr auto loss = ctgrad::sum(ctgrad::dense(X, W, b));
  ctgrad::tensor<double, ctgrad::shape<1, 2>> x{};
  auto ps = ctgrad::params<double>(loss);
#ifdef CTGRAD_EXPECT_FAIL
  ctgrad::var_set<double, decltype(ctgrad::param<"W", 3, 2>), decltype(b)> grads;
#else
  ctgrad::var_set<double, decltype(W), decltype(b)> grads;
#endif
  return static_cast<int>(ctgrad::grad_into(loss, grads, ps, X = x));
}
