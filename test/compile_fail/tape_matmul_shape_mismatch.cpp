// expect: ctgrad::tape::matmul\(a, b\): a is \[M, K\] and b must be \[K, N\]
// within: shape<2, 3>
// within: shape<4, 5>
// SPDX-License-Identifier: BSL-1.0
// A tape matrix product whose inner dimensions differ.
#include <ctgrad/tape/linear.hpp>

int main() {
  using ctgrad::shape;
  using ctgrad::tensor;
  ctgrad::tape::recorder<double> t;
  [[maybe_unused]] tensor<double, shape<2, 3>> a{};
  [[maybe_unused]] tensor<double, shape<4, 5>> b{};
  [[maybe_unused]] tensor<double, shape<3, 5>> c{};
#ifdef CTGRAD_EXPECT_FAIL
  auto r = matmul(t.param(a), t.input(b));
#else
  auto r = matmul(t.param(a), t.input(c));
#endif
  return static_cast<int>(r.id() == 0);
}
