// SPDX-License-Identifier: BSL-1.0
// The same cases as ops.gemm on the portable path (GCC vector extensions of 16 bytes), which
// CTGRAD_GEMM_PORTABLE selects on any target: the code a machine without AVX2 runs.
#define CTGRAD_GEMM_PORTABLE
#define BOOST_TEST_MODULE ops.gemm_portable
#include "gemm_check.hpp"

#include <string_view>

BOOST_AUTO_TEST_CASE(vector_path) {
  BOOST_TEST(std::string_view(ctgrad::kernels::simd::isa) == "portable");
  BOOST_TEST(ctgrad::kernels::simd::vec<float>::width == 4u);
}
