// SPDX-License-Identifier: BSL-1.0
// The GEMM convolution kernels against a direct loop on the target's vector path (AVX-512,
// AVX2 or portable: whatever the compiler targets). conv_gemm_check.hpp has the cases.
#define BOOST_TEST_MODULE ops.conv_gemm
#include "conv_gemm_check.hpp"

BOOST_AUTO_TEST_CASE(vector_path) {
  BOOST_TEST_MESSAGE("kernels::simd::isa = " << ctgrad::kernels::simd::isa);
  BOOST_TEST(ctgrad::kernels::simd::vec<float>::width * sizeof(float) >= 16u);
}

BOOST_AUTO_TEST_CASE(sparse_upstream) {
  // The adjoints for a dy mostly zero (detail::sparse_plan: with AVX-512, floats with at least 8
  // of 16 lanes real channels, doubles of a few channels): the CNN's second layer at batch 1 (4
  // chunks of 16 output channels); padding, a batch, 17 channels in two vectors and a last chunk
  // of 5 outputs; groups with dilation and padding; doubles; and the CNN's layer in doubles
  // (36 accumulators: the GEMMs, with the same dy).
  using namespace conv_gemm_test;
  using cnn2 = dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>;
  using padded = dims1<2, 17, 9, 11, 21, 3, 2, 1, 2, 1, 1, 1>;
  using grouped = dims1<1, 24, 10, 9, 20, 3, 3, 2, 1, 2, 1, 2>;
  using small = dims1<2, 7, 8, 9, 11, 2, 3, 1, 0, 1, 2, 1>;
#if defined(__AVX512F__)
  static_assert(k::detail::sparse_plan<cnn2, float>::fits);
  static_assert(k::detail::sparse_plan<padded, float>::fits);
  static_assert(k::detail::sparse_plan<grouped, float>::fits);
  static_assert(k::detail::sparse_plan<small, double>::fits);
  static_assert(!k::detail::sparse_plan<cnn2, double>::fits);
  static_assert(!k::detail::sparse_plan<dims1<1, 1, 28, 28, 32, 3, 3, 0, 0, 1, 1, 1>, float>::fits);
#endif
  check_sparse<cnn2, float>(61, 6);
  check_sparse<padded, float>(62, 10);
  check_sparse<grouped, float>(63, 10);
  check_sparse<small, double>(64, 10);
  check_sparse<cnn2, double>(65, 6);
}
