// SPDX-License-Identifier: BSL-1.0
// The same cases as ops.conv_gemm on the portable path (CTGRAD_GEMM_PORTABLE), whatever the
// build's flags: the code a machine without AVX2 runs when it calls the kernels directly.
#define CTGRAD_GEMM_PORTABLE
#define BOOST_TEST_MODULE ops.conv_gemm_portable
#include "conv_gemm_check.hpp"

#include <string_view>

BOOST_AUTO_TEST_CASE(vector_path) {
  BOOST_TEST(std::string_view(ctgrad::kernels::simd::isa) == "portable");
}
