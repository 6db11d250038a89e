// SPDX-License-Identifier: BSL-1.0
// Register-tiled matrix products for the large shapes of dense and matmul, sizes at compile
// time, row-major, no heap:
//   nn  C[M,N] = A[M,K] B[K,N]        (a dense layer's forward product x @ W)
//   tn  C[M,N] = A[K,M]^T B[K,N]      (dW = x^T @ dz; A read transposed, never copied)
//   nt  C[M,N] = A[M,K] B[N,K]^T      (dx = dz @ W^T), computed as C^T = B A^T: A^T, small
//       (batch x features), is copied once into a stack buffer of at most gemm_pack_bytes,
//       and each tile of C^T is written out transposed
// The micro-kernel keeps an MR x NV tile of C in vector registers (NV vectors of the target's
// width per row) and, for each k, loads NV vectors of a row of B and broadcasts MR entries of
// A: MR * NV fused multiply-adds for NV loads and MR broadcasts. Tiles are chosen at compile
// time to fill the register file (gemm_tile). The last vector of a row is a masked one when N
// is not a multiple of the width, and the last rows a smaller tile, so ragged sizes need no
// padding. K is cut into blocks of gemm_kc, so the panel of B a block reads (gemm_kc rows of
// NV vectors) stays in the L1 cache while every row tile of C passes over it.
//
// B is not packed into contiguous panels: a panel's rows are already contiguous runs of NV
// vectors, and unpacked the micro-kernel reaches the FMA peak at the sizes of interest
// (measured, one core, AVX-512: nn 32x784x128 at 228 GFLOP/s, tn 784x32x128 at 232, against a
// peak of 225-235), so only the nt product's small A^T is copied.
// Acc = true adds the product to C; a bias row, when given, is added to every row of C (a dense
// layer's forward product with its bias in the same pass).
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/gemm_simd.hpp>

#include <cstddef>

namespace ctgrad::kernels {

/// The micro-kernel's tile: MR rows of C by NV vectors.
struct gemm_tile_t {
  /// Rows of C per tile.
  std::size_t mr;
  /// Vectors of C's columns per tile.
  std::size_t nv;
};

/// The tile for products with n columns of vectors of width w (in T): as many accumulators as
/// the registers allow, leaving registers for one row of B and a broadcast. AVX-512 (32
/// registers): 8 x 3 (24 accumulators); 16 registers: 6 x 2 (12). A product narrower than
/// the tile's NV vectors takes fewer vectors and more rows.
constexpr gemm_tile_t gemm_tile(std::size_t n, std::size_t w) {
  std::size_t const vectors = (n + w - 1) / w;
  std::size_t nv = simd::registers >= 32 ? 3 : 2;
  if (vectors < nv) nv = vectors;
  std::size_t const budget = simd::registers >= 32 ? 26 : 12;  // accumulators
  std::size_t mr = budget / nv;
  if (mr > 12) mr = 12;
  return {mr, nv};
}

/// Rows of B (the k extent) one pass of the micro-kernel reads: a panel of gemm_kc rows of NV
/// vectors is 8-24 KiB for floats, at most half of L1 (which it shares with A's rows and C's tile).
inline constexpr std::size_t gemm_kc = 128;

/// At most this many bytes of A^T on the stack for the nt product (else nt takes the dot
/// product loops of kernels/matmul.hpp).
inline constexpr std::size_t gemm_pack_bytes = 64 * 1024;

namespace gemm_detail {

/// C's tile (MR rows, NV vectors, the last of Last lanes) (+)= A B over kc values of k:
/// A(r, k) = a[r * sar + k * sak], B(k, v) = b + k * ldb + v * width.
/// Init: 0 starts from zero, 1 from C, 2 from the bias row, 3 from C plus the bias row.
/// Trans: C is stored transposed (c[(v * width + lane) * ldc + r]).
template <class T, std::size_t MR, std::size_t NV, std::size_t Last, bool Trans>
CTGRAD_ALWAYS_INLINE void micro(std::size_t kc, T const* CTGRAD_RESTRICT a, std::size_t sar,
                                std::size_t sak, T const* CTGRAD_RESTRICT b, std::size_t ldb,
                                T* CTGRAD_RESTRICT c, std::size_t ldc, int init,
                                T const* CTGRAD_RESTRICT bias) {
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width;
  typename V::type acc[MR][NV];
  auto load_b = [&](T const* p, std::size_t v) {
    if constexpr (Last == W) {
      return V::load(p + v * W);
    } else {
      return v + 1 < NV ? V::load(p + v * W) : V::template load_part<Last>(p + v * W);
    }
  };
  if constexpr (!Trans) {
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
#pragma GCC unroll 8
      for (std::size_t v = 0; v < NV; ++v) {
        typename V::type x = V::zero();
        if (init & 1) x = load_b(c + r * ldc, v);
        if (init & 2) x = V::add(x, load_b(bias, v));
        acc[r][v] = x;
      }
    }
  } else {
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 8
      for (std::size_t v = 0; v < NV; ++v) acc[r][v] = V::zero();
  }
  for (std::size_t k = 0; k < kc; ++k) {
    typename V::type bv[NV];
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) bv[v] = load_b(b + k * ldb, v);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
      typename V::type const ar = V::splat(a[r * sar + k * sak]);
#pragma GCC unroll 8
      for (std::size_t v = 0; v < NV; ++v) acc[r][v] = V::fma(ar, bv[v], acc[r][v]);
    }
  }
  if constexpr (!Trans) {
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
#pragma GCC unroll 8
      for (std::size_t v = 0; v < NV; ++v) {
        if constexpr (Last == W) {
          V::store(c + r * ldc + v * W, acc[r][v]);
        } else if (v + 1 < NV) {
          V::store(c + r * ldc + v * W, acc[r][v]);
        } else {
          V::template store_part<Last>(c + r * ldc + v * W, acc[r][v]);
        }
      }
    }
  } else {
    // C^T's tile through a small buffer: row v * W + lane of C gets MR adjacent entries.
    (void)bias;
    T out[MR][NV * W];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 8
      for (std::size_t v = 0; v < NV; ++v) V::store(out[r] + v * W, acc[r][v]);
    constexpr std::size_t cols = (NV - 1) * W + Last;
    for (std::size_t j = 0; j < cols; ++j) {
      T* const cj = c + j * ldc;
      for (std::size_t r = 0; r < MR; ++r) {
        if (init & 1) {
          cj[r] += out[r][j];
        } else {
          cj[r] = out[r][j];
        }
      }
    }
  }
}

/// Rows [0, M) of C in tiles of MR (then one tile of the remaining rows), for one panel of NV
/// vectors (the last of Last lanes) and one block of kc values of k.
template <class T, std::size_t M, std::size_t MR, std::size_t NV, std::size_t Last, bool Trans>
CTGRAD_ALWAYS_INLINE void panel(std::size_t kc, T const* a, std::size_t sar, std::size_t sak,
                                T const* b, std::size_t ldb, T* c, std::size_t ldc, int init,
                                T const* bias) {
  constexpr std::size_t full = M / MR, rest = M % MR;
  // Trans: rows of the tile are columns of C.
  std::size_t const c_row = Trans ? 1 : ldc;
  for (std::size_t t = 0; t < full; ++t)
    micro<T, MR, NV, Last, Trans>(kc, a + t * MR * sar, sar, sak, b, ldb, c + t * MR * c_row, ldc,
                                  init, bias);
  if constexpr (rest > 0)
    micro<T, rest, NV, Last, Trans>(kc, a + full * MR * sar, sar, sak, b, ldb,
                                    c + full * MR * c_row, ldc, init, bias);
}

/// The driver: C[M, N] (+)= A(M, K) B[K, N] (+ bias), A(i, k) = a[i * SAR + k * SAK]; with
/// Trans, C is stored transposed ([N, M]) and gets no bias.
template <bool Acc, bool Trans, std::size_t M, std::size_t K, std::size_t N, std::size_t SAR,
          std::size_t SAK, class T>
void run(T* c, T const* a, T const* b, T const* bias) {
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width;
  constexpr gemm_tile_t tile = gemm_tile(N, W);
  constexpr std::size_t MR = tile.mr, NV = tile.nv, NC = NV * W;
  constexpr std::size_t panels = N / NC;
  constexpr std::size_t rest = N % NC;                 // columns of the last, narrower panel
  constexpr std::size_t rest_nv = (rest + W - 1) / W;  // its vectors
  constexpr std::size_t rest_last = rest - (rest_nv - 1) * W;  // lanes of its last vector
  constexpr std::size_t ldc = Trans ? M : N;
  // Trans: panel columns are rows of C.
  constexpr std::size_t c_col = Trans ? M : 1;
  for (std::size_t k0 = 0; k0 < K || k0 == 0; k0 += gemm_kc) {
    std::size_t const kc = K - k0 < gemm_kc ? K - k0 : gemm_kc;
    int const init = (k0 > 0 || Acc ? 1 : 0) | (k0 == 0 && bias ? 2 : 0);
    T const* const ak = a + k0 * SAK;
    T const* const bk = b + k0 * N;
    for (std::size_t p = 0; p < panels; ++p)
      panel<T, M, MR, NV, W, Trans>(kc, ak, SAR, SAK, bk + p * NC, N, c + p * NC * c_col, ldc, init,
                                    bias ? bias + p * NC : nullptr);
    if constexpr (rest > 0)
      panel<T, M, MR, rest_nv, rest_last, Trans>(kc, ak, SAR, SAK, bk + panels * NC, N,
                                                 c + panels * NC * c_col, ldc, init,
                                                 bias ? bias + panels * NC : nullptr);
    if (K == 0) break;
  }
}

}  // namespace gemm_detail

/// nn: c[M, N] (+)= a[M, K] @ b[K, N] (+ bias[N] on every row, when bias is not null).
template <bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
CTGRAD_NOINLINE void gemm_nn(T* c, T const* a, T const* b, T const* bias = nullptr) {
  gemm_detail::run<Acc, false, M, K, N, K, 1>(c, a, b, bias);
}

/// tn: c[M, N] (+)= a[K, M]^T @ b[K, N].
template <bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
CTGRAD_NOINLINE void gemm_tn(T* c, T const* a, T const* b) {
  gemm_detail::run<Acc, false, M, K, N, 1, M>(c, a, b, static_cast<T const*>(nullptr));
}

/// Whether gemm_nt takes a product of these sizes: A^T fits gemm_pack_bytes, and C has at
/// least one vector's width of rows (C^T's rows are C's columns: fewer, and the vectors would
/// be mostly masked).
template <std::size_t M, std::size_t K, class T>
inline constexpr bool gemm_nt_fits = (M * K * sizeof(T) <= gemm_pack_bytes) &&
                                     (M >= simd::vec<T>::width);

/// nt: c[M, N] (+)= a[M, K] @ b[N, K]^T, as c^T = b @ a^T (a^T copied on the stack).
template <bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
CTGRAD_NOINLINE void gemm_nt(T* c, T const* a, T const* b) {
  static_assert(gemm_nt_fits<M, K, T>, "gemm_nt: a^T must fit gemm_pack_bytes");
  T at[K * M];  // every entry written before it is read
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t k = 0; k < K; ++k) at[k * M + i] = a[i * K + k];
  // c^T[N, M] = b[N, K] @ at[K, M]: rows of the driver are b's rows, stored transposed.
  gemm_detail::run<Acc, true, N, K, M, K, 1>(c, b, +at, static_cast<T const*>(nullptr));
}

}  // namespace ctgrad::kernels
