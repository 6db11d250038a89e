// expect: ctgrad::eval\(f, x = value, \.\.\.\): a variable of f has no value
// within: name<'y'>, (ctgrad::)?shape<>
// SPDX-License-Identifier: BSL-1.0
// Evaluating with a variable left unbound is a compile error that says so, and names the
// variable and its shape at the top (clang: on the error line; g++: on the line opening it).
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto x = ctgrad::var<"x">;
  constexpr auto y = ctgrad::var<"y">;
#ifdef CTGRAD_EXPECT_FAIL
  return static_cast<int>(ctgrad::eval(x * y, x = 1.0));
#else
  return static_cast<int>(ctgrad::eval(x * y, x = 1.0, y = 0.0));
#endif
}
