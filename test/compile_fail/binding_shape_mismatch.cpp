// expect: ctgrad: binding x = t: the tensor's shape must equal the variable's shape
// within: shape<32, 4>
// within: shape<32, 5>
// SPDX-License-Identifier: BSL-1.0
// A batch bound to an input of another shape is rejected at the binding, not in the loops.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 32, 4>;
  constexpr auto W = ctgrad::param<"W", 4, 2>;
  constexpr auto b = ctgrad::param<"b", 2>;
  constexpr auto loss = ctgrad::sum(ctgrad::dense(X, W, b));
  auto ps = ctgrad::params<double>(loss);
#ifdef CTGRAD_EXPECT_FAIL
  ctgrad::tensor<double, ctgrad::shape<32, 5>> x{};
#else
  ctgrad::tensor<double, ctgrad::shape<32, 4>> x{};
#endif
  auto g = ctgrad::grad(loss, ps, X = x);
  return static_cast<int>(g[W](0, 0));
}
