// expect: ctgrad: binding x = number: x is a tensor; bind a ctgrad::tensor of its shape
// within: shape<1, 3>
// SPDX-License-Identifier: BSL-1.0
// A tensor input bound to a single number.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 1, 3>;
  constexpr auto f = ctgrad::sum(ctgrad::relu(X));
#ifdef CTGRAD_EXPECT_FAIL
  return static_cast<int>(ctgrad::eval(f, X = 1.0));
#else
  ctgrad::tensor<double, ctgrad::shape<1, 3> > x{};
  return static_cast<int>(ctgrad::eval(f, X = x));
#endif
}
