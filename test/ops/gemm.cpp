// SPDX-License-Identifier: BSL-1.0
// The matrix-product kernels against a naive triple loop, on the target's vector path
// (AVX-512, AVX2 or portable: whatever the compiler targets). gemm_check.hpp has the cases.
#define BOOST_TEST_MODULE ops.gemm
#include "gemm_check.hpp"

BOOST_AUTO_TEST_CASE(vector_path) {
  BOOST_TEST_MESSAGE("kernels::simd::isa = " << ctgrad::kernels::simd::isa);
  BOOST_TEST(ctgrad::kernels::simd::vec<float>::width * sizeof(float) >= 16u);
}
