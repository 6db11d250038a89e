// expect: ctgrad::sequential: each layer is a layer::dense<n> or a function of the previous
// SPDX-License-Identifier: BSL-1.0
// Something that is neither a dense layer nor callable on the previous output is rejected.
#include <ctgrad/ctgrad.hpp>

int main() {
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto net = ctgrad::sequential(ctgrad::input<"x", 1, 2>, 3);
#else
  constexpr auto net = ctgrad::sequential(ctgrad::input<"x", 1, 2>, ctgrad::layer::relu);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(net)>::size) - 2;
}
