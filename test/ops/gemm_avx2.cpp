// SPDX-License-Identifier: BSL-1.0
// The same cases as ops.gemm on the AVX2 + FMA path (ymm registers, maskload / maskstore for
// ragged edges): test/CMakeLists.txt compiles this file with -mavx2 -mfma and without AVX-512.
#define BOOST_TEST_MODULE ops.gemm_avx2
#include "gemm_check.hpp"

#include <string_view>

BOOST_AUTO_TEST_CASE(vector_path) {
#if defined(__AVX2__) && defined(__FMA__) && !defined(__AVX512F__)
  BOOST_TEST(std::string_view(ctgrad::kernels::simd::isa) == "avx2");
  BOOST_TEST(ctgrad::kernels::simd::vec<float>::width == 8u);
#else
  BOOST_TEST_MESSAGE("not compiled for AVX2 + FMA: the cases above ran on the "
                     << ctgrad::kernels::simd::isa << " path");
#endif
}
