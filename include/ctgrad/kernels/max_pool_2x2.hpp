// SPDX-License-Identifier: BSL-1.0
// 2 x 2 max pooling with stride 2 (no padding or dilation: the windows tile the input, as
// max_pool2d<2>) through AVX-512 registers, for floats, and its adjoint:
//   y[i, j]  = max of x[2i, 2j], x[2i, 2j+1], x[2i+1, 2j], x[2i+1, 2j+1]
//   dx       = dy at the window's winning tap, 0 at its other taps and on the row and column no
//              window covers (an odd height or width)
// with kernels/pool.hpp's rule for the winner: the taps in that order, a later one wins when
// it is greater or NaN (the first maximum wins ties, the last NaN wins, as PyTorch's CPU
// kernel). Sixteen outputs at a time: two rows' 32 inputs are loaded (masked at the plane's
// edge), split into even and odd columns by one permute each, compared tap by tap; the
// adjoint recomputes the winners and interleaves the four masked copies of dy back.
// Why: kernels/pool.hpp's loops go one output at a time (g++ 12 vectorises them partly, with
// 4- and 8-lane pieces for the 13- and 5-wide output rows of the Fashion-MNIST CNN), and
// perf put the two pools' forward and adjoint at ~10% of that CNN's batch-1 gradient.
#pragma once

#include <ctgrad/detail/config.hpp>

#include <cstddef>
#include <type_traits>

#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace ctgrad::kernels {

/// Whether max_pool_2x2 and max_pool_2x2_grad take conv_dims D in T: 2 x 2 windows of stride
/// 2 without padding or dilation, floats, compiled for AVX-512 (not the portable path).
template <class D, class T>
inline constexpr bool max_pool_2x2_applies =
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
    std::is_same_v<T, float>&& D::kh == 2 && D::kw == 2 && D::sh == 2 && D::sw == 2 && D::ph == 0 &&
    D::pw == 0 && D::dh == 1 && D::dw == 1 && D::height >= 2 && D::width >= 2;
#else
    false;
#endif

#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
namespace detail {

// The four taps of up to 16 windows from rows r0 and r1 = r0 + width, outputs j0 ... j0 + n.
struct taps_2x2 {
  __m512 a, b, c, d;
};
CTGRAD_ALWAYS_INLINE taps_2x2 load_taps_2x2(float const* r0, float const* r1, std::size_t j0,
                                            std::size_t n) {
  // Lanes of the 32 inputs 2 j0 ... 2 j0 + 2n: the first vector's, then the second's.
  std::size_t const m = 2 * n;
  __mmask16 const lo = static_cast<__mmask16>(m >= 16 ? 0xffffu : (1u << m) - 1u);
  __mmask16 const hi = static_cast<__mmask16>(m <= 16 ? 0u : (1u << (m - 16)) - 1u);
  __m512i const even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  __m512i const odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  __m512 const x0 = _mm512_maskz_loadu_ps(lo, r0 + 2 * j0);
  __m512 const x1 = _mm512_maskz_loadu_ps(hi, r0 + 2 * j0 + 16);
  __m512 const y0 = _mm512_maskz_loadu_ps(lo, r1 + 2 * j0);
  __m512 const y1 = _mm512_maskz_loadu_ps(hi, r1 + 2 * j0 + 16);
  return {_mm512_permutex2var_ps(x0, even, x1), _mm512_permutex2var_ps(x0, odd, x1),
          _mm512_permutex2var_ps(y0, even, y1), _mm512_permutex2var_ps(y0, odd, y1)};
}

// Where a later tap v takes over from best: greater, or NaN.
CTGRAD_ALWAYS_INLINE __mmask16 takes(__m512 v, __m512 best) {
  return static_cast<__mmask16>(_mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) |
                                _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q));
}

}  // namespace detail

/// y (+)= max_pool(x) for max_pool_2x2_applies<D, float>.
template <class D, bool Acc> void max_pool_2x2(float* y, float const* x) {
  constexpr std::size_t in_plane = D::height * D::width;
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc) {
    float const* const xc = x + bc * in_plane;
    float* const yc = y + bc * D::oh * D::ow;
    for (std::size_t i = 0; i < D::oh; ++i)
      for (std::size_t j0 = 0; j0 < D::ow; j0 += 16) {
        std::size_t const n = D::ow - j0 < 16 ? D::ow - j0 : 16;
        auto const t =
            detail::load_taps_2x2(xc + 2 * i * D::width, xc + (2 * i + 1) * D::width, j0, n);
        __m512 best = t.a;
        best = _mm512_mask_mov_ps(best, detail::takes(t.b, best), t.b);
        best = _mm512_mask_mov_ps(best, detail::takes(t.c, best), t.c);
        best = _mm512_mask_mov_ps(best, detail::takes(t.d, best), t.d);
        __mmask16 const out = static_cast<__mmask16>(n == 16 ? 0xffffu : (1u << n) - 1u);
        float* const yr = yc + i * D::ow + j0;
        if constexpr (Acc) best = _mm512_add_ps(best, _mm512_maskz_loadu_ps(out, yr));
        _mm512_mask_storeu_ps(yr, out, best);
      }
  }
}

/// dx = max_pool's adjoint for max_pool_2x2_applies<D, float> (stored, not added: every entry
/// of dx is written).
template <class D> void max_pool_2x2_grad(float* dx, float const* x, float const* dy) {
  constexpr std::size_t in_plane = D::height * D::width;
  __m512i const lo_idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  __m512i const hi_idx =
      _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc) {
    float const* const xc = x + bc * in_plane;
    float* const dxc = dx + bc * in_plane;
    float const* const dyc = dy + bc * D::oh * D::ow;
    for (std::size_t i = 0; i < D::oh; ++i) {
      float* const d0 = dxc + 2 * i * D::width;
      float* const d1 = d0 + D::width;
      for (std::size_t j0 = 0; j0 < D::ow; j0 += 16) {
        std::size_t const n = D::ow - j0 < 16 ? D::ow - j0 : 16;
        auto const t =
            detail::load_taps_2x2(xc + 2 * i * D::width, xc + (2 * i + 1) * D::width, j0, n);
        // The winner as four disjoint masks, in the forward pass's order.
        __m512 best = t.a;
        __mmask16 const tb = detail::takes(t.b, best);
        best = _mm512_mask_mov_ps(best, tb, t.b);
        __mmask16 const tc = detail::takes(t.c, best);
        best = _mm512_mask_mov_ps(best, tc, t.c);
        __mmask16 const td = detail::takes(t.d, best);
        __mmask16 const wd = td;
        __mmask16 const wc = static_cast<__mmask16>(tc & ~td);
        __mmask16 const wb = static_cast<__mmask16>(tb & ~tc & ~td);
        __mmask16 const wa = static_cast<__mmask16>(~tb & ~tc & ~td);
        __mmask16 const out = static_cast<__mmask16>(n == 16 ? 0xffffu : (1u << n) - 1u);
        __m512 const g = _mm512_maskz_loadu_ps(out, dyc + i * D::ow + j0);
        __m512 const ga = _mm512_maskz_mov_ps(wa, g), gb = _mm512_maskz_mov_ps(wb, g);
        __m512 const gc = _mm512_maskz_mov_ps(wc, g), gd = _mm512_maskz_mov_ps(wd, g);
        std::size_t const m = 2 * n;
        __mmask16 const lo = static_cast<__mmask16>(m >= 16 ? 0xffffu : (1u << m) - 1u);
        __mmask16 const hi = static_cast<__mmask16>(m <= 16 ? 0u : (1u << (m - 16)) - 1u);
        _mm512_mask_storeu_ps(d0 + 2 * j0, lo, _mm512_permutex2var_ps(ga, lo_idx, gb));
        _mm512_mask_storeu_ps(d0 + 2 * j0 + 16, hi, _mm512_permutex2var_ps(ga, hi_idx, gb));
        _mm512_mask_storeu_ps(d1 + 2 * j0, lo, _mm512_permutex2var_ps(gc, lo_idx, gd));
        _mm512_mask_storeu_ps(d1 + 2 * j0 + 16, hi, _mm512_permutex2var_ps(gc, hi_idx, gd));
      }
      // The column no window covers (odd width).
      for (std::size_t c = 2 * D::ow; c < D::width; ++c) d0[c] = d1[c] = 0.0f;
    }
    // The row no window covers (odd height).
    for (std::size_t at = 2 * D::oh * D::width; at < in_plane; ++at) dxc[at] = 0.0f;
  }
}
#endif

}  // namespace ctgrad::kernels
