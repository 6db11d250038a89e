// SPDX-License-Identifier: BSL-1.0
// Fixed-size matrix products, row-major, sizes as template arguments. The loop orders keep
// the innermost loop unit-stride over the output row, so it vectorises:
//   nn  C[M,N] = A[M,K] B[K,N]      for i, k: C[i,:] += A[i,k] B[k,:]
//   tn  C[M,N] = A[K,M]^T B[K,N]    for i, k: C[i,:] += A[k,i] B[k,:]   (dW = x^T dz)
//       (row i of C stays in cache over all k; the first k assigns, so no zeroing pass;
//       a narrow C is accumulated transposed, so the inner loop runs over M instead)
//   nt  C[M,N] = A[M,K] B[N,K]^T    (dx = dz W^T) with several rows: B transposed once into
//       a stack copy, then as nn; with few rows, or a B too large to copy on the stack:
//       C[i,j] = dot(A[i,:], B[j,:]) with 8 partial sums, a reduction compilers vectorise
//       without -ffast-math.
// Acc = true adds the product to C instead of overwriting it. Large products (outline_work
// multiply-adds or more, at run time) go to the register-tiled kernels of kernels/gemm.hpp
// where gemm_pays says they are faster; these loops remain for small products, for the shapes
// where the micro-kernel does not pay (one row, an outer product) and for constant evaluation.
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/kernels/gemm.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctgrad::kernels {

/// Layout of a product: c = a @ b.
struct nn {};
/// Layout of a product: c = a^T @ b (a stored transposed).
struct tn {};
/// Layout of a product: c = a @ b^T (b stored transposed).
struct nt {};

/// Sets the N entries of c to zero, unless Acc (then the kernel adds to them).
template <bool Acc, std::size_t N, class T> constexpr void clear_unless(T* c) {
  if constexpr (!Acc)
    for (std::size_t j = 0; j < N; ++j) c[j] = T{};
}

/// nt transposes B into a stack copy from this many rows of A on, if the copy is this small;
/// tn's narrow path keeps C^T on the stack under the same bound (so no kernel puts more than
/// 64 KiB on the stack, whatever the sizes).
inline constexpr std::size_t nt_transpose_rows = 4;
/// The bound on that copy, in bytes.
inline constexpr std::size_t nt_transpose_bytes = 64 * 1024;
/// tn accumulates C^T when C has fewer columns than this and at least this many rows (and
/// the product sums over 4 or more rows: below that, writing C^T out costs more).
inline constexpr std::size_t tn_narrow = 16;

/// nt's dot products c[i, j] (+)= a[i, :] . b[j, :] for the shapes the other paths do not take
/// (few rows of A, or B^T too large to copy): `lanes` partial sums per dot product.
template <bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void nt_dots(T* CTGRAD_RESTRICT c, T const* CTGRAD_RESTRICT a,
                       T const* CTGRAD_RESTRICT b) {
  constexpr std::size_t lanes = 8;
  for (std::size_t i = 0; i < M; ++i) {
    T const* const ai = a + i * K;
    for (std::size_t j = 0; j < N; ++j) {
      T const* const bj = b + j * K;
      T part[lanes]{};
      std::size_t k = 0;
      for (; k + lanes <= K; k += lanes)
        for (std::size_t l = 0; l < lanes; ++l) part[l] += ai[k + l] * bj[k + l];
      T s =
          ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
      for (; k < K; ++k) s += ai[k] * bj[k];
      store<Acc>(c[i * N + j], s);
    }
  }
}

/// nt_dots on the vector registers of kernels/gemm_simd.hpp, four rows of B at a time: four
/// independent chains of multiply-adds, and one horizontal sum per dot product. Plain loops
/// were latency-bound (one chain), and g++ 12's vectorisation of four rows of partial sums
/// gathered B lane by lane: the CNN's 1 x 128 x 1600 input adjoint of its dense layer (batch
/// 1) took 40 us, 17% of the gradient, then 27 us (perf, bench/cnn.cpp).
template <bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
void nt_dots_simd(T* CTGRAD_RESTRICT c, T const* CTGRAD_RESTRICT a, T const* CTGRAD_RESTRICT b) {
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width, full = K / W, rest = K % W, rows = 4;
  auto dot_step = [](typename V::type sum, T const* lhs, T const* rhs, std::size_t at) {
    return V::fma(V::load(lhs + at), V::load(rhs + at), sum);
  };
  // In registers (vec::sum): through a stack array, these sums were ~40% of the CNN's
  // 1 x 128 x 1600 input adjoint at batch 1 (perf: the scalar adds waited on stores).
  auto hsum = [](typename V::type v) { return V::sum(v); };
  for (std::size_t i = 0; i < M; ++i) {
    T const* const ai = a + i * K;
    for (std::size_t j = 0; j < N / rows * rows; j += rows) {
      typename V::type acc[rows];
      for (std::size_t r = 0; r < rows; ++r) acc[r] = V::zero();
      for (std::size_t k = 0; k < full * W; k += W)
        for (std::size_t r = 0; r < rows; ++r) acc[r] = dot_step(acc[r], ai, b + (j + r) * K, k);
      if constexpr (rest > 0)
        for (std::size_t r = 0; r < rows; ++r)
          acc[r] = V::fma(V::template load_part<rest>(ai + full * W),
                          V::template load_part<rest>(b + (j + r) * K + full * W), acc[r]);
      for (std::size_t r = 0; r < rows; ++r) store<Acc>(c[i * N + j + r], hsum(acc[r]));
    }
    for (std::size_t j = N / rows * rows; j < N; ++j) {
      typename V::type acc = V::zero();
      for (std::size_t k = 0; k < full * W; k += W) acc = dot_step(acc, ai, b + j * K, k);
      if constexpr (rest > 0)
        acc = V::fma(V::template load_part<rest>(ai + full * W),
                     V::template load_part<rest>(b + j * K + full * W), acc);
      store<Acc>(c[i * N + j], hsum(acc));
    }
  }
}

/// Whether tn's loops assign the first product before the loop over the summed rows (clang) or
/// test for it inside the loop (g++): see matmul_body.
#ifdef __clang__
inline constexpr bool peel_first_product = true;
#else
inline constexpr bool peel_first_product = false;
#endif

/// The loops of kernels::matmul: c = a @ b in Layout (nn, tn: a transposed, nt: b transposed), a
/// [M, K], b [K, N] as the layout reads them; with Acc, c += ....
template <class Layout, bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void matmul_body(T* CTGRAD_RESTRICT c, T const* CTGRAD_RESTRICT a,
                           T const* CTGRAD_RESTRICT b) {
  if constexpr (__is_same(Layout, nn)) {
    for (std::size_t i = 0; i < M; ++i) {
      T* const ci = c + i * N;
      clear_unless<Acc, N>(ci);
      for (std::size_t k = 0; k < K; ++k) {
        T const aik = a[i * K + k];
        row_loop<N>([&](std::size_t col) { ci[col] += aik * b[k * N + col]; });
      }
    }
  } else if constexpr (__is_same(Layout, tn) && N < tn_narrow && M >= tn_narrow && K >= 4 &&
                       N * M * sizeof(T) <= nt_transpose_bytes) {
    // A narrow C (a last layer's dW, N = 10): C^T [N, M] accumulates with unit stride over
    // M, then is written out transposed; row-wise, the inner loop would be N long.
    std::array<T, N * M> ct;  // every entry written before it is read
    for (std::size_t j = 0; j < N; ++j) {
      T* const ctj = ct.data() + j * M;
      for (std::size_t k = 0; k < K; ++k) {
        T const bkj = b[k * N + j];
        T const* const ak = a + k * M;
        if (k == 0) {
          for (std::size_t i = 0; i < M; ++i) ctj[i] = bkj * ak[i];
        } else {
          for (std::size_t i = 0; i < M; ++i) ctj[i] += bkj * ak[i];
        }
      }
    }
    for (std::size_t i = 0; i < M; ++i)
      for (std::size_t j = 0; j < N; ++j) store<Acc>(c[i * N + j], ct[j * M + i]);
  } else if constexpr (__is_same(Layout, tn)) {
    // The first k assigns (unless Acc). With clang it is peeled before the loop: a test of
    // k == 0 inside it made clang 14 unroll both loops completely and rebuild the rows from
    // scalars with shuffles (deep 32-wide net, batch 8: a 32 x 8 x 32 dW went from 9.0k to
    // 1.7k instructions, callgrind on an AVX2 build; the gradient from 19.7 to 11.4 us with
    // AVX-512). g++ 12 was 3% faster with the test inside (same net), so it keeps it.
    constexpr std::size_t first_k = peel_first_product && !Acc && K > 0 ? 1 : 0;
    for (std::size_t i = 0; i < M; ++i) {
      T* const ci = c + i * N;
      if constexpr (first_k == 1) {
        T const a0i = a[i];
        row_loop<N>([&](std::size_t col) { ci[col] = a0i * b[col]; });
      }
      for (std::size_t k = first_k; k < K; ++k) {
        T const aki = a[k * M + i];
        T const* const bk = b + k * N;
        if (first_k == 0 && !Acc && k == 0) {
          row_loop<N>([&](std::size_t col) { ci[col] = aki * bk[col]; });
        } else {
          row_loop<N>([&](std::size_t col) { ci[col] += aki * bk[col]; });
        }
      }
      if constexpr (K == 0) clear_unless<Acc, N>(ci);
    }
  } else if constexpr (M >= nt_transpose_rows && K * N * sizeof(T) <= nt_transpose_bytes) {
    std::array<T, K * N> bt;  // B^T, [K, N]; every entry written before it is read
    for (std::size_t j = 0; j < N; ++j)
      for (std::size_t k = 0; k < K; ++k) bt[k * N + j] = b[j * K + k];
    matmul_body<nn, Acc, M, K, N>(c, a, bt.data());
  } else if constexpr (K < 8) {
    // A short sum (dz @ W^T behind a layer of one to seven outputs): no partial sums, whose
    // zero start the compiler must add in (-0 + 0 is +0), and the loop over j is the one the
    // compiler vectorises, reading B's columns with shuffles.
    for (std::size_t i = 0; i < M; ++i) {
      T const* const ai = a + i * K;
      for (std::size_t j = 0; j < N; ++j) {
        T s = ai[0] * b[j * K];
        for (std::size_t k = 1; k < K; ++k) s += ai[k] * b[j * K + k];
        store<Acc>(c[i * N + j], s);
      }
    }
  } else if constexpr (simd::tiled_pays && (__is_same(T, float) || __is_same(T, double)) &&
                       K >= 32 && M * K * N >= 16384) {
    // Large products only: the small nets' sums (2-16-16-1, 4-8-2) were measured with the
    // partial sums of nt_dots.
    if (std::is_constant_evaluated()) {
      nt_dots<Acc, M, K, N>(c, a, b);
    } else {
      nt_dots_simd<Acc, M, K, N>(c, a, b);
    }
  } else {
    nt_dots<Acc, M, K, N>(c, a, b);
  }
}

/// Products of at least this many multiply-adds are compiled as functions of their own:
/// inlined into a whole net's gradient, g++ compiles them into slower code than on their
/// own, while a call costs nanoseconds against their microseconds of work.
inline constexpr std::size_t outline_work = 16384;

/// matmul_body compiled as a function of its own (products of outline_work multiply-adds or more).
template <class Layout, bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
CTGRAD_NOINLINE void matmul_outlined(T* CTGRAD_RESTRICT c, T const* CTGRAD_RESTRICT a,
                                     T const* CTGRAD_RESTRICT b) {
  matmul_body<Layout, Acc, M, K, N>(c, a, b);
}

/// Whether a product of outline_work multiply-adds or more runs on the register-tiled kernels
/// of kernels/gemm.hpp: with AVX2 or AVX-512 (simd::tiled_pays), and measured against the loops
/// above (one core, AVX-512, g++ 12 and clang 14): the micro-kernel wins from 4 rows of C on (nn)
/// and from 4 summed rows on (tn; with 1 or 2 it is an outer product, bound by C's stores, and the
/// loops win); nt writes C^T's tiles out transposed, which pays from K = 32 on.
template <class Layout, std::size_t M, std::size_t K, std::size_t N, class T>
inline constexpr bool gemm_pays = simd::tiled_pays &&
                                  (__is_same(T, float) || __is_same(T, double)) &&
                                  ((__is_same(Layout, nn) && M >= 4) ||
                                   (__is_same(Layout, tn) && K >= 4) ||
                                   (__is_same(Layout, nt) && K >= 32 && gemm_nt_fits<M, K, T>));

/// C (+)= A B in the given layout; see the top of this file.
template <class Layout, bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void matmul(T* CTGRAD_RESTRICT c, T const* CTGRAD_RESTRICT a,
                      T const* CTGRAD_RESTRICT b) {
  if constexpr (M * K * N >= outline_work) {
    if (!std::is_constant_evaluated()) {
      if constexpr (gemm_pays<Layout, M, K, N, T>) {
        if constexpr (__is_same(Layout, nn))
          return gemm_nn<Acc, M, K, N>(c, a, b);
        else if constexpr (__is_same(Layout, tn))
          return gemm_tn<Acc, M, K, N>(c, a, b);
        else
          return gemm_nt<Acc, M, K, N>(c, a, b);
      } else {
        return matmul_outlined<Layout, Acc, M, K, N>(c, a, b);
      }
    }
  }
  matmul_body<Layout, Acc, M, K, N>(c, a, b);
}

}  // namespace ctgrad::kernels
