// expect: ctgrad::d\(f, x\): x must be a variable
// SPDX-License-Identifier: BSL-1.0
// Differentiating with respect to an expression (not a variable) is a compile error.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto x = ctgrad::var<"x">;
  constexpr auto y = ctgrad::var<"y">;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto df = ctgrad::d(sin(x * y), x * y);
#else
  constexpr auto df = ctgrad::d(sin(x * y), x);
#endif
  return static_cast<int>(ctgrad::eval(df, x = 0.0, y = 0.0));
}
