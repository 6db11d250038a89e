// SPDX-License-Identifier: BSL-1.0
// A transposition through vector registers, for the GEMM convolution's reshuffles
// (kernels/conv_gemm.hpp: dy^T for the weight adjoint, and the adjoint's [taps, O] result
// written out as dw[O, taps]):
//   dst[j ldd + i] (+)= src[i lds + j]    for i < Rows, j < Cols
// Square blocks of floats go through registers: 16 x 16 with AVX-512 (unpack of pairs of
// rows, shuffle of pairs of pairs, then two 128-bit lane shuffles: 64 shuffles for 256
// values), 8 x 8 with AVX2 (unpack, shuffle, 128-bit lane permute: 24 for 64); the ragged
// edges and every other case (doubles, the portable path) take scalar loops. Why: a scalar
// transposition runs at about one value per cycle, a load and a store each, and the CNN's
// batch-1 gradient transposed ~47 000 values per sample that way (conv1's dy 21 632, conv2's
// dy 7 744 and its dw 18 432): ~12% of its time in perf.
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/kernels/gemm_simd.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad::kernels {

namespace detail {

// The side of the register blocks for T on this target (0: scalar loops only).
template <class T> constexpr std::size_t transpose_block() {
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
  return std::is_same_v<T, float> ? 16 : 0;
#elif !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX2__)
  return std::is_same_v<T, float> ? 8 : 0;
#else
  return 0;
#endif
}

#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
// One 16 x 16 block of floats.
template <bool Acc>
CTGRAD_ALWAYS_INLINE void transpose_16x16(float* CTGRAD_RESTRICT dst, std::size_t ldd,
                                          float const* CTGRAD_RESTRICT src, std::size_t lds) {
  // The masked forms with every lane set: g++ 12 warns that the plain ones' pass-through
  // (_mm512_undefined_ps) is used uninitialized (-Wuninitialized, at -O3 once inlined).
  constexpr __mmask16 all = 0xffff;
  __m512 r[16], t[16];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * lds);
    // In each 128-bit lane: rows 2i, 2i+1 interleaved (a0 b0 a1 b1, a2 b2 a3 b3).
#pragma GCC unroll 8
  for (std::size_t i = 0; i < 16; i += 2) {
    t[i] = _mm512_mask_unpacklo_ps(r[i], all, r[i], r[i + 1]);
    t[i + 1] = _mm512_mask_unpackhi_ps(r[i], all, r[i], r[i + 1]);
  }
  // Four rows' column c in each 128-bit lane (a0 b0 c0 d0 | a4 b4 c4 d4 | ...).
#pragma GCC unroll 4
  for (std::size_t i = 0; i < 16; i += 4) {
    r[i] = _mm512_mask_shuffle_ps(t[i], all, t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_mask_shuffle_ps(t[i], all, t[i], t[i + 2], 0xee);
    r[i + 2] = _mm512_mask_shuffle_ps(t[i + 1], all, t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_mask_shuffle_ps(t[i + 1], all, t[i + 1], t[i + 3], 0xee);
  }
  // 128-bit lanes: 0x88 takes lanes 0 and 2 of each operand, 0xdd lanes 1 and 3.
#pragma GCC unroll 4
  for (std::size_t i = 0; i < 4; ++i) {
    t[i] = _mm512_mask_shuffle_f32x4(r[i], all, r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_mask_shuffle_f32x4(r[i], all, r[i], r[i + 4], 0xdd);
    t[i + 8] = _mm512_mask_shuffle_f32x4(r[i + 8], all, r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_mask_shuffle_f32x4(r[i + 8], all, r[i + 8], r[i + 12], 0xdd);
  }
#pragma GCC unroll 8
  for (std::size_t i = 0; i < 8; ++i) {
    r[i] = _mm512_mask_shuffle_f32x4(t[i], all, t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_mask_shuffle_f32x4(t[i], all, t[i], t[i + 8], 0xdd);
  }
#pragma GCC unroll 16
  for (std::size_t j = 0; j < 16; ++j) {
    __m512 v = r[j];
    if constexpr (Acc) v = _mm512_add_ps(v, _mm512_loadu_ps(dst + j * ldd));
    _mm512_storeu_ps(dst + j * ldd, v);
  }
}
#elif !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX2__)
// One 8 x 8 block of floats.
template <bool Acc>
CTGRAD_ALWAYS_INLINE void transpose_8x8(float* CTGRAD_RESTRICT dst, std::size_t ldd,
                                        float const* CTGRAD_RESTRICT src, std::size_t lds) {
  __m256 r[8], t[8];
#pragma GCC unroll 8
  for (std::size_t i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * lds);
#pragma GCC unroll 4
  for (std::size_t i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 2
  for (std::size_t i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
  }
#pragma GCC unroll 4
  for (std::size_t i = 0; i < 4; ++i) {
    t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
    t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
  }
#pragma GCC unroll 8
  for (std::size_t j = 0; j < 8; ++j) {
    __m256 v = t[j];
    if constexpr (Acc) v = _mm256_add_ps(v, _mm256_loadu_ps(dst + j * ldd));
    _mm256_storeu_ps(dst + j * ldd, v);
  }
}
#endif

template <bool Acc, class T>
CTGRAD_ALWAYS_INLINE void transpose_square(T* CTGRAD_RESTRICT dst, std::size_t ldd,
                                           T const* CTGRAD_RESTRICT src, std::size_t lds) {
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
  transpose_16x16<Acc>(dst, ldd, src, lds);
#elif !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX2__)
  transpose_8x8<Acc>(dst, ldd, src, lds);
#else
  (void)dst, (void)ldd, (void)src, (void)lds;
#endif
}

}  // namespace detail

/// dst[j ldd + i] (+)= src[i lds + j] for i < Rows, j < Cols (dst and src do not overlap):
/// square blocks of floats through vector registers, the rest with scalar loops.
template <bool Acc, std::size_t Rows, std::size_t Cols, class T>
void transpose_tiled(T* CTGRAD_RESTRICT dst, std::size_t ldd, T const* CTGRAD_RESTRICT src,
                     std::size_t lds) {
  constexpr std::size_t S = detail::transpose_block<T>();
  constexpr std::size_t rb = S == 0 ? 0 : Rows / S * S, cb = S == 0 ? 0 : Cols / S * S;
  if constexpr (S > 0) {
    for (std::size_t i = 0; i < rb; i += S)
      for (std::size_t j = 0; j < cb; j += S)
        detail::transpose_square<Acc>(dst + j * ldd + i, ldd, src + i * lds + j, lds);
  }
  // The ragged edges: columns past cb of the block rows, then the rows past rb.
  for (std::size_t i = 0; i < rb; ++i)
    for (std::size_t j = cb; j < Cols; ++j) store<Acc>(dst[j * ldd + i], src[i * lds + j]);
  for (std::size_t j = 0; j < Cols; ++j)
    for (std::size_t i = rb; i < Rows; ++i) store<Acc>(dst[j * ldd + i], src[i * lds + j]);
}

}  // namespace ctgrad::kernels
