// expect: ctgrad::operator/\(a, b\): b is the constant 0
// SPDX-License-Identifier: BSL-1.0
// Dividing by the compile-time constant 0 is rejected where it is written.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad::literals;
  constexpr auto x = ctgrad::var<"x">;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto f = x / 0_c;
#else
  constexpr auto f = x / 2_c;
#endif
  return static_cast<int>(ctgrad::eval(f, x = 0.0));
}
