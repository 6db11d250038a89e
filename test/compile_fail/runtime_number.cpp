// expect: ctgrad: a run-time number cannot be part of an expression
// SPDX-License-Identifier: BSL-1.0
// `x * 2` cannot become a type; the error says to write 2_c.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad::literals;
  constexpr auto x = ctgrad::var<"x">;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto f = x * 2;
#else
  constexpr auto f = x * 2_c;
#endif
  return static_cast<int>(ctgrad::eval(f, x = 0.0));
}
