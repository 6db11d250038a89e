// expect: ctgrad::grad\(loss, \.\.\.\): the loss must be a scalar
// SPDX-License-Identifier: BSL-1.0
// grad needs a scalar loss; a batch of values has to be reduced (sum, mean) first.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 2, 3>;
  constexpr auto W = ctgrad::param<"W", 3, 3>;
  constexpr auto b = ctgrad::param<"b", 3>;
  ctgrad::tensor<double, ctgrad::shape<2, 3>> x{};
  auto ps = ctgrad::params<double>(ctgrad::dense(X, W, b));
#ifdef CTGRAD_EXPECT_FAIL
  auto g = ctgrad::grad(ctgrad::dense(X, W, b), ps, X = x);
#else
  auto g = ctgrad::grad(ctgrad::sum(ctgrad::dense(X, W, b)), ps, X = x);
#endif
  return static_cast<int>(g[W](0, 0));
}
