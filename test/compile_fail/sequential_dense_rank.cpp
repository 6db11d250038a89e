// expect: ctgrad::sequential: a dense layer needs a \[batch, features\] input
// SPDX-License-Identifier: BSL-1.0
// A dense layer in a sequential chain on a scalar (or any non-matrix) is rejected, in words.
#include <ctgrad/ctgrad.hpp>

int main() {
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto net = ctgrad::sequential(ctgrad::var<"x">, ctgrad::layer::dense<3>);
#else
  constexpr auto net = ctgrad::sequential(ctgrad::input<"x", 1, 2>, ctgrad::layer::dense<3>);
#endif
  return static_cast<int>(ctgrad::params_of_t<decltype(net)>::size) - 2;
}
