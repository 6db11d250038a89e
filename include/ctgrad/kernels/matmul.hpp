// SPDX-License-Identifier: BSL-1.0
// Fixed-size matrix products, row-major, sizes as template arguments. The loop orders keep
// the innermost loop unit-stride over the output row, so it vectorises:
//   nn  C[M,N] = A[M,K] B[K,N]      for i, k: C[i,:] += A[i,k] B[k,:]
//   tn  C[M,N] = A[K,M]^T B[K,N]    for k, i: C[i,:] += A[k,i] B[k,:]   (dW = x^T dz)
//   nt  C[M,N] = A[M,K] B[N,K]^T    C[i,j] = dot(A[i,:], B[j,:])          (dx = dz W^T)
// Acc = true adds the product to C instead of overwriting it.
#pragma once

#include <ctgrad/kernels/elementwise.hpp>

#include <cstddef>

namespace ctgrad::kernels {

struct nn {};
struct tn {};
struct nt {};

template <bool Acc, std::size_t N, class T> constexpr void clear_unless(T* c) {
  if constexpr (!Acc)
    for (std::size_t j = 0; j < N; ++j) c[j] = T{};
}

template <class Layout, bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void matmul(T* __restrict c, T const* __restrict a, T const* __restrict b) {
  if constexpr (__is_same(Layout, nn)) {
    for (std::size_t i = 0; i < M; ++i) {
      T* const ci = c + i * N;
      clear_unless<Acc, N>(ci);
      for (std::size_t k = 0; k < K; ++k) {
        T const aik = a[i * K + k];
        for (std::size_t j = 0; j < N; ++j) ci[j] += aik * b[k * N + j];
      }
    }
  } else if constexpr (__is_same(Layout, tn)) {
    clear_unless<Acc, M * N>(c);
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t i = 0; i < M; ++i) {
        T const aki = a[k * M + i];
        for (std::size_t j = 0; j < N; ++j) c[i * N + j] += aki * b[k * N + j];
      }
  } else {
    for (std::size_t i = 0; i < M; ++i)
      for (std::size_t j = 0; j < N; ++j) {
        T s{};
        for (std::size_t k = 0; k < K; ++k) s += a[i * K + k] * b[j * K + k];
        store<Acc>(c[i * N + j], s);
      }
  }
}

}  // namespace ctgrad::kernels
