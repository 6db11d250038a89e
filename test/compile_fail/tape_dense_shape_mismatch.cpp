// expect: ctgrad::tape::dense\(x, W, b\): shapes do not fit
// within: shape<8, 4>
// within: shape<5, 2>
// SPDX-License-Identifier: BSL-1.0
// A tape layer whose weights do not fit its input.
#include <ctgrad/tape/linear.hpp>

int main() {
  using ctgrad::shape;
  using ctgrad::tensor;
  ctgrad::tape::recorder<double> t;
  [[maybe_unused]] tensor<double, shape<8, 4>> x{};
  [[maybe_unused]] tensor<double, shape<5, 2>> w5{};
  [[maybe_unused]] tensor<double, shape<4, 2>> w{};
  [[maybe_unused]] tensor<double, shape<2>> b{};
#ifdef CTGRAD_EXPECT_FAIL
  auto r = dense(t.input(x), t.param(w5), t.param(b));
#else
  auto r = dense(t.input(x), t.param(w), t.param(b));
#endif
  return static_cast<int>(r.id() == 0);
}
