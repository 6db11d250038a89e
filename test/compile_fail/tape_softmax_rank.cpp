// expect: ctgrad::tape::softmax\(z\): z must be a vector or a batch of rows
// SPDX-License-Identifier: BSL-1.0
// softmax on the tape normalises over the last dimension; a scalar has none.
#include <ctgrad/tape/softmax.hpp>

int main() {
  using ctgrad::shape;
  using ctgrad::tensor;
  ctgrad::tape::recorder<double> t;
  [[maybe_unused]] tensor<double, shape<>> s{};
  [[maybe_unused]] tensor<double, shape<1, 3>> z{};
#ifdef CTGRAD_EXPECT_FAIL
  auto r = softmax(t.param(s));
#else
  auto r = softmax(t.param(z));
#endif
  return static_cast<int>(r.id() == 0);
}
