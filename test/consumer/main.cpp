// SPDX-License-Identifier: BSL-1.0
// A downstream program: derivative of x*x at x = 3 must be 6.
#include <ctgrad/ctgrad.hpp>

#include <cstdio>

int main() {
  using namespace ctgrad::literals;
  constexpr auto x = ctgrad::var<"x">;
  constexpr auto df = ctgrad::d(x * x, x);
  static_assert(ctgrad::eval(df, x = 3.0) == 6.0);
  std::printf("d/dx %s = %s\n", ctgrad::to_string(x * x).c_str(), ctgrad::to_string(df).c_str());
  return ctgrad::eval(df, x = 3.0) == 6.0 ? 0 : 1;
}
