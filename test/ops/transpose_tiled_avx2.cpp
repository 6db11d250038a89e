// SPDX-License-Identifier: BSL-1.0
// kernels::transpose_tiled on the AVX2 path (8 x 8 blocks): test/CMakeLists.txt compiles this
// file with -mavx2 -mfma and without AVX-512; transpose_tiled_check.hpp has the cases.
#define BOOST_TEST_MODULE ops.transpose_tiled_avx2
#include "transpose_tiled_check.hpp"

BOOST_AUTO_TEST_CASE(register_blocks) {
#if defined(__AVX2__) && !defined(__AVX512F__)
  BOOST_TEST(ctgrad::kernels::detail::transpose_block<float>() == 8u);
#else
  BOOST_TEST_MESSAGE("not compiled for AVX2: the cases above ran with blocks of "
                     << ctgrad::kernels::detail::transpose_block<float>());
#endif
}
