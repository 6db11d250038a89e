// expect: ctgrad::gru/lstm/rnn: the input must be a sequence \[T, batch, features\]
// within: shape<4, 3>
// SPDX-License-Identifier: BSL-1.0
// A batch of rows where a sequence is expected.
#include <ctgrad/ctgrad.hpp>

int main() {
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto X = ctgrad::input<"X", 4, 3>;
#else
  constexpr auto X = ctgrad::input<"X", 10, 4, 3>;
#endif
  constexpr auto hs = ctgrad::gru<16>(X);
  return static_cast<int>(ctgrad::topological_order_t<decltype(hs)>::size) - 12;
}
