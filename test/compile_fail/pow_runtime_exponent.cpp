// expect: ctgrad::pow\(a, n\): the exponent must be a compile-time constant: write pow\(x, 2_c\) or pow<2>\(x\)
// SPDX-License-Identifier: BSL-1.0
// pow with a plain number as exponent: one error that says to write 2_c.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  using namespace ctgrad::literals;
  constexpr auto x = var<"x">;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto f = pow(x, 2);
#else
  constexpr auto f = pow(x, 2_c);
#endif
  return static_cast<int>(eval(f, x = 3.0)) - 9;
}
