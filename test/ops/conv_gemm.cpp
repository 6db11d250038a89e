// SPDX-License-Identifier: BSL-1.0
// The GEMM convolution kernels against a direct loop on the target's vector path (AVX-512,
// AVX2 or portable: whatever the compiler targets). conv_gemm_check.hpp has the cases.
#define BOOST_TEST_MODULE ops.conv_gemm
#include "conv_gemm_check.hpp"

BOOST_AUTO_TEST_CASE(vector_path) {
  BOOST_TEST_MESSAGE("kernels::simd::isa = " << ctgrad::kernels::simd::isa);
  BOOST_TEST(ctgrad::kernels::simd::vec<float>::width * sizeof(float) >= 16u);
}
