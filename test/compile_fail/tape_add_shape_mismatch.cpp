// expect: ctgrad::tape: a \+ b, a - b, a \* b, a / b: shapes must be equal
// within: shape<4, 3>
// within: shape<4, 2>
// SPDX-License-Identifier: BSL-1.0
// The runtime tape checks shapes at compile time too.
#include <ctgrad/tape/arithmetic.hpp>

int main() {
  using ctgrad::shape;
  using ctgrad::tensor;
  ctgrad::tape::recorder<double> t;
  [[maybe_unused]] tensor<double, shape<4, 3>> a{};
  [[maybe_unused]] tensor<double, shape<4, 2>> b{};
  [[maybe_unused]] tensor<double, shape<3>> c{};
#ifdef CTGRAD_EXPECT_FAIL
  auto r = t.param(a) + t.input(b);
#else
  auto r = t.param(a) + t.input(c);
#endif
  return static_cast<int>(r.id() == 0);
}
