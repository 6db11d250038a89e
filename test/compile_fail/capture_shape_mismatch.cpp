// expect: ctgrad::capture\(e, out\): out must have the shape of e
// within: shape<2, 4>
// within: shape<4, 2>
// SPDX-License-Identifier: BSL-1.0
// The tensor a forward value is copied into must have that value's shape.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 2, 3>;
  constexpr auto W = param<"W", 3, 4>;
  constexpr auto b = param<"b", 4>;
  constexpr auto z = dense(X, W, b);
  constexpr auto loss = sum(relu(z));
  auto ps = params<double>(loss);
  auto gs = ps;
  tensor<double, shape<2, 3>> x{};
#ifdef CTGRAD_EXPECT_FAIL
  tensor<double, shape<4, 2>> out{};
#else
  tensor<double, shape<2, 4>> out{};
#endif
  grad_into(loss, gs, capture(z, out), ps, X = x);
  return static_cast<int>(out(0, 0));
}
