// expect: ctgrad::d\(f, x\): x must be a variable
// SPDX-License-Identifier: BSL-1.0
// Differentiating with respect to a number or a constant is a compile error.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad::literals;
  constexpr auto x = ctgrad::var<"x">;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto df = ctgrad::d(x * x, 2_c);
#else
  constexpr auto df = ctgrad::d(x * x, x);
#endif
  return static_cast<int>(ctgrad::eval(df, x = 0.0));
}
