// expect: ctgrad::eval\(f, \.\.\.\): a variable is bound more than once
// SPDX-License-Identifier: BSL-1.0
// Binding the same variable twice is ambiguous and rejected.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto x = ctgrad::var<"x">;
#ifdef CTGRAD_EXPECT_FAIL
  return static_cast<int>(ctgrad::eval(x * x, x = 1.0, x = 2.0));
#else
  return static_cast<int>(ctgrad::eval(x * x, x = 1.0));
#endif
}
