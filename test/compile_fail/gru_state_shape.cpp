// expect: ctgrad::gru/lstm/rnn\(X, h0\): an initial state must be \[batch, H\]
// within: shape<4, 8>
// within: shape<4, 16>
// SPDX-License-Identifier: BSL-1.0
// An initial state of the wrong size for a GRU layer (PyTorch's h0 is [batch, hidden]).
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 10, 4, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto h0 = ctgrad::param<"h0", 4, 8>;
#else
  constexpr auto h0 = ctgrad::param<"h0", 4, 16>;
#endif
  constexpr auto hs = ctgrad::gru<16>(X, h0);
  return static_cast<int>(ctgrad::shape_of_t<decltype(hs)>::size) - 640;
}
