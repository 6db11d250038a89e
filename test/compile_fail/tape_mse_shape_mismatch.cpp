// expect: ctgrad::tape::mse\(prediction, target\): the shapes must be equal
// within: shape<4, 3>
// within: shape<4, 2>
// SPDX-License-Identifier: BSL-1.0
// A tape loss whose target does not have the prediction's shape.
#include <ctgrad/tape/losses.hpp>

int main() {
  using ctgrad::shape;
  using ctgrad::tensor;
  ctgrad::tape::recorder<double> t;
  [[maybe_unused]] tensor<double, shape<4, 3>> a{};
  [[maybe_unused]] tensor<double, shape<4, 2>> y2{};
  [[maybe_unused]] tensor<double, shape<4, 3>> y{};
#ifdef CTGRAD_EXPECT_FAIL
  auto r = mse(t.param(a), t.input(y2));
#else
  auto r = mse(t.param(a), t.input(y));
#endif
  return static_cast<int>(r.id() == 0);
}
