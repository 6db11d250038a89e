// SPDX-License-Identifier: BSL-1.0
// The vector registers the GEMM micro-kernel (kernels/gemm.hpp) accumulates in, chosen for the
// target at compile time:
//   AVX-512F         zmm, 16 floats / 8 doubles, 32 registers; masked loads for ragged edges
//   AVX2 + FMA       ymm, 8 floats / 4 doubles, 16 registers; maskload / maskstore
//   anything else    GCC vector extensions of 16 bytes (g++ and clang), 16 registers assumed;
//                    ragged edges through a zeroed vector and memcpy. Correct everywhere.
// Defining CTGRAD_GEMM_PORTABLE selects the last one on any target (the tests use it to check
// the portable code on an AVX-512 machine).
//
// Fused multiply-adds are written as intrinsics: `a * b + c` on vector types is fused only
// when the compiler contracts it, which depends on -ffp-contract, the language mode (ISO modes
// of g++ do not contract) and the compiler.
//
// vec<T>::part<N> loads or stores the first N lanes, N from 1 to width, without touching
// memory past them (so a row's last vector never reads the next row or past an array).
#pragma once

#include <cstddef>
#include <cstring>

#if !defined(CTGRAD_GEMM_PORTABLE) && \
    (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
#include <immintrin.h>
#endif

/// The vector registers of the target the GEMM micro-kernel is compiled for.
namespace ctgrad::kernels::simd {

/// A vector register of T for the GEMM micro-kernel (specialised for float and double).
template <class T> struct vec;

#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
/// Vector registers the target has (the micro-kernel's tiles are chosen to fit in them).
inline constexpr std::size_t registers = 32;
/// Which of the three paths is compiled, for reports and tests.
inline constexpr char const* isa = "avx512";
/// Whether the micro-kernel beats plain loops on this path (kernels::matmul asks; it does with
/// FMA and 8 or 16 lanes, and does not with the portable path's 4 lanes: measured below).
inline constexpr bool tiled_pays = true;

/// 16 floats in a zmm register.
template <> struct vec<float> {
  using type = __m512;
  static constexpr std::size_t width = 16;
  static type zero() { return _mm512_setzero_ps(); }
  static type splat(float x) { return _mm512_set1_ps(x); }
  static type load(float const* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, type v) { _mm512_storeu_ps(p, v); }
  static type fma(type a, type b, type c) { return _mm512_fmadd_ps(a, b, c); }
  static type add(type a, type b) { return _mm512_add_ps(a, b); }
  /// The sum of the lanes, as a tree: lane l plus lane l + 8, then + 4, + 2, + 1.
  /// (Not _mm512_reduce_add_ps, nor _mm512_castps512_ps256: in g++ 12 both go through an
  /// extraction whose pass-through -Wuninitialized reports as used uninitialized.)
  static float sum(type v) {
    __m512d const d = _mm512_castps_pd(v);
    __m256 const h8 = _mm256_add_ps(_mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xff, d, 0)),
                                    _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xff, d, 1)));
    __m128 const h4 = _mm_add_ps(_mm256_castps256_ps128(h8), _mm256_extractf128_ps(h8, 1));
    __m128 const h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
  }
  template <std::size_t N> static __mmask16 mask() {
    return static_cast<__mmask16>((1u << N) - 1u);
  }
  template <std::size_t N> static type load_part(float const* p) {
    if constexpr (N == width)
      return load(p);
    else
      return _mm512_maskz_loadu_ps(mask<N>(), p);
  }
  template <std::size_t N> static void store_part(float* p, type v) {
    if constexpr (N == width)
      store(p, v);
    else
      _mm512_mask_storeu_ps(p, mask<N>(), v);
  }
};

/// 8 doubles in a zmm register.
template <> struct vec<double> {
  using type = __m512d;
  static constexpr std::size_t width = 8;
  static type zero() { return _mm512_setzero_pd(); }
  static type splat(double x) { return _mm512_set1_pd(x); }
  static type load(double const* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, type v) { _mm512_storeu_pd(p, v); }
  static type fma(type a, type b, type c) { return _mm512_fmadd_pd(a, b, c); }
  static type add(type a, type b) { return _mm512_add_pd(a, b); }
  /// The sum of the lanes, as a tree: lane l plus lane l + 4, then + 2, + 1.
  static double sum(type v) {
    __m256d const h4 = _mm256_add_pd(_mm512_maskz_extractf64x4_pd(0xff, v, 0),
                                     _mm512_maskz_extractf64x4_pd(0xff, v, 1));
    __m128d const h2 = _mm_add_pd(_mm256_castpd256_pd128(h4), _mm256_extractf128_pd(h4, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h2, _mm_unpackhi_pd(h2, h2)));
  }
  template <std::size_t N> static __mmask8 mask() { return static_cast<__mmask8>((1u << N) - 1u); }
  template <std::size_t N> static type load_part(double const* p) {
    if constexpr (N == width)
      return load(p);
    else
      return _mm512_maskz_loadu_pd(mask<N>(), p);
  }
  template <std::size_t N> static void store_part(double* p, type v) {
    if constexpr (N == width)
      store(p, v);
    else
      _mm512_mask_storeu_pd(p, mask<N>(), v);
  }
};

#elif !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX2__) && defined(__FMA__)
inline constexpr std::size_t registers = 16;
inline constexpr char const* isa = "avx2";
inline constexpr bool tiled_pays = true;

/// A lane mask for maskload / maskstore: the first N of L lanes of E-bit integers set.
template <std::size_t N, std::size_t L> inline __m256i avx2_mask() {
  if constexpr (L == 8) {
    return _mm256_setr_epi32(0 < N ? -1 : 0, 1 < N ? -1 : 0, 2 < N ? -1 : 0, 3 < N ? -1 : 0,
                             4 < N ? -1 : 0, 5 < N ? -1 : 0, 6 < N ? -1 : 0, 7 < N ? -1 : 0);
  } else {
    return _mm256_setr_epi64x(0 < N ? -1 : 0, 1 < N ? -1 : 0, 2 < N ? -1 : 0, 3 < N ? -1 : 0);
  }
}

/// 8 floats in a ymm register.
template <> struct vec<float> {
  using type = __m256;
  static constexpr std::size_t width = 8;
  static type zero() { return _mm256_setzero_ps(); }
  static type splat(float x) { return _mm256_set1_ps(x); }
  static type load(float const* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, type v) { _mm256_storeu_ps(p, v); }
  static type fma(type a, type b, type c) { return _mm256_fmadd_ps(a, b, c); }
  static type add(type a, type b) { return _mm256_add_ps(a, b); }
  /// The sum of the lanes, as a tree: lane l plus lane l + 4, then + 2, + 1.
  static float sum(type v) {
    __m128 const h4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    __m128 const h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
  }
  template <std::size_t N> static type load_part(float const* p) {
    if constexpr (N == width)
      return load(p);
    else
      return _mm256_maskload_ps(p, avx2_mask<N, 8>());
  }
  template <std::size_t N> static void store_part(float* p, type v) {
    if constexpr (N == width)
      store(p, v);
    else
      _mm256_maskstore_ps(p, avx2_mask<N, 8>(), v);
  }
};

/// 4 doubles in a ymm register.
template <> struct vec<double> {
  using type = __m256d;
  static constexpr std::size_t width = 4;
  static type zero() { return _mm256_setzero_pd(); }
  static type splat(double x) { return _mm256_set1_pd(x); }
  static type load(double const* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, type v) { _mm256_storeu_pd(p, v); }
  static type fma(type a, type b, type c) { return _mm256_fmadd_pd(a, b, c); }
  static type add(type a, type b) { return _mm256_add_pd(a, b); }
  /// The sum of the lanes, as a tree: lane l plus lane l + 2, then + 1.
  static double sum(type v) {
    __m128d const h2 = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h2, _mm_unpackhi_pd(h2, h2)));
  }
  template <std::size_t N> static type load_part(double const* p) {
    if constexpr (N == width)
      return load(p);
    else
      return _mm256_maskload_pd(p, avx2_mask<N, 4>());
  }
  template <std::size_t N> static void store_part(double* p, type v) {
    if constexpr (N == width)
      store(p, v);
    else
      _mm256_maskstore_pd(p, avx2_mask<N, 4>(), v);
  }
};

#else
/// Vector registers the target has (the micro-kernel's tiles are chosen to fit in them).
inline constexpr std::size_t registers = 16;
/// The instruction set the kernels were compiled for (reported by the benchmark).
inline constexpr char const* isa = "portable";
// Without FMA and with 4 lanes the micro-kernel is no faster than the compiler's own loops
// (measured with g++ 12 -O3 at the SSE2 baseline: 32x784x128 nn 210 us against 222 us, but a
// 10-column product 7.5 against 4.5 us, 32x64x64 8.4 against 6.5 us), so kernels::matmul keeps
// its loops; the code is here so that every target compiles and tests it.
/// Whether kernels::matmul dispatches to the micro-kernel on this target.
inline constexpr bool tiled_pays = false;

/// 16 bytes of T as a GCC vector extension (g++ and clang lower it to whatever the target has).
template <class T> struct portable_vec {
  /// The vector type.
  typedef T type __attribute__((vector_size(16)));
  /// Lanes per vector.
  static constexpr std::size_t width = 16 / sizeof(T);
  /// All lanes 0.
  static type zero() { return type{}; }
  /// All lanes x.
  static type splat(T x) { return type{} + x; }
  /// `width` values from p (unaligned).
  static type load(T const* p) {
    type v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  /// Stores all lanes at p (unaligned).
  static void store(T* p, type v) { std::memcpy(p, &v, sizeof v); }
  /// a * b + c per lane.
  static type fma(type a, type b, type c) { return a * b + c; }
  /// a + b per lane.
  static type add(type a, type b) { return a + b; }
  /// The sum of the lanes, as a tree: lane l plus lane l + width / 2, and so on.
  static T sum(type v) {
    for (std::size_t h = width / 2; h > 0; h /= 2)
      for (std::size_t l = 0; l < h; ++l) v[l] += v[l + h];
    return v[0];
  }
  /// The first N lanes from p, the rest 0 (a ragged edge).
  template <std::size_t N> static type load_part(T const* p) {
    type v{};
    std::memcpy(&v, p, N * sizeof(T));
    return v;
  }
  /// Stores the first N lanes at p (a ragged edge).
  template <std::size_t N> static void store_part(T* p, type v) {
    std::memcpy(p, &v, N * sizeof(T));
  }
};
/// Floats in a 16-byte GCC vector.
template <> struct vec<float> : portable_vec<float> {};
/// Doubles in a 16-byte GCC vector.
template <> struct vec<double> : portable_vec<double> {};
#endif

}  // namespace ctgrad::kernels::simd
