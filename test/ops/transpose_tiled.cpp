// SPDX-License-Identifier: BSL-1.0
// kernels::transpose_tiled on this machine's vector path (test/CMakeLists.txt compiles it
// with -march=native); transpose_tiled_check.hpp has the cases.
#define BOOST_TEST_MODULE ops.transpose_tiled
#include "transpose_tiled_check.hpp"

BOOST_AUTO_TEST_CASE(register_blocks) {
  BOOST_TEST_MESSAGE(
      "register block for floats: " << ctgrad::kernels::detail::transpose_block<float>());
#if defined(__AVX512F__)
  BOOST_TEST(ctgrad::kernels::detail::transpose_block<float>() == 16u);
#endif
}
