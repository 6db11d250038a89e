// expect: ctgrad::tape::sum_to<S>\(a\): S must be the trailing dimensions of a.s shape
// within: shape<2>
// within: shape<4, 3>
// SPDX-License-Identifier: BSL-1.0
// A [4, 3] batch summed over its rows is a [3] row, not a [2], on the tape.
#include <ctgrad/tape/reduce.hpp>

int main() {
  using ctgrad::shape;
  using ctgrad::tensor;
  ctgrad::tape::recorder<double> t;
  [[maybe_unused]] tensor<double, shape<4, 3>> a{};
#ifdef CTGRAD_EXPECT_FAIL
  auto r = ctgrad::tape::sum_to<shape<2>>(t.param(a));
#else
  auto r = ctgrad::tape::sum_to<shape<3>>(t.param(a));
#endif
  return static_cast<int>(r.id() == 0);
}
