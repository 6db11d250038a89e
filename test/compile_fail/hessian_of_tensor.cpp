// expect: ctgrad::hessian\(f, x, \.\.\.\): f must be a scalar function
// SPDX-License-Identifier: BSL-1.0
// hessian of a tensor (a layer's output, not a loss): one error that says f must be scalar,
// not a backtrace from inside the second sweep.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 2, 3>;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto h = hessian(X * x * y, x, y);
#else
  constexpr auto h = hessian(sum(X * x * y), x, y);
#endif
  return static_cast<int>(sizeof(h)) - static_cast<int>(sizeof(h));
}
