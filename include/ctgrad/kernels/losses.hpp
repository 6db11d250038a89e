// SPDX-License-Identifier: BSL-1.0
// The fused losses' forward loops (their math and gradients: losses/cross_entropy.hpp and
// losses/binary_cross_entropy.hpp).
#pragma once

#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/math/elementary.hpp>

#include <cstddef>

namespace ctgrad::kernels {

/// (1/Rows) * sum_rows sum_j y_j (logsumexp(z) - z_j), given p = softmax(z).
template <bool Acc, std::size_t Rows, std::size_t Cols, class T>
constexpr void softmax_cross_entropy(T* out, T const* z, T const* p, T const* y) {
  T total{};
  for (std::size_t r = 0; r < Rows; ++r) {
    T const* const zr = z + r * Cols;
    T const* const pr = p + r * Cols;
    T const* const yr = y + r * Cols;
    // logsumexp(z) = z_k - log(p_k) at the largest p_k: p_k >= 1/C never underflows, so
    // the row needs one log and no second pass of exponentials. The largest p_k is where
    // z_k is largest (exp is monotonic), so both maxima are taken as values: finding k as an
    // index and loading p_k back from memory just written put a stalled store forward on the
    // way to the log. (Where rounding makes two p_j equal, the z_j differ by less than p's
    // rounding.)
    T zk = zr[0];
    T pk = pr[0];
    for (std::size_t j = 1; j < Cols; ++j) {
      zk = zr[j] > zk ? zr[j] : zk;
      pk = pr[j] > pk ? pr[j] : pk;
    }
    T const lse = zk - math::log(pk);
    // y_j = 0 contributes 0, also where z_j = -inf (0 * inf would be NaN). The term is
    // computed either way and then selected, so the loop has no branch per entry.
    for (std::size_t j = 0; j < Cols; ++j) {
      T const term = yr[j] * (lse - zr[j]);
      total += yr[j] == T{0} ? T{0} : term;
    }
  }
  store<Acc>(out[0], total / static_cast<T>(Rows));
}

/// (1/N) * sum (max(z, 0) - z y + log(1 + exp(-|z|))): binary cross-entropy on the logits.
template <bool Acc, std::size_t N, class T>
constexpr void sigmoid_binary_cross_entropy(T* out, T const* z, T const* y) {
  T total{};
  for (std::size_t i = 0; i < N; ++i) {
    T const zi = z[i];
    T const pos = zi > T{0} ? zi : T{0};
    T const abs = zi < T{0} ? -zi : zi;
    total += pos - zi * y[i] + math::log1p(math::exp(-abs));
  }
  store<Acc>(out[0], total / static_cast<T>(N));
}

}  // namespace ctgrad::kernels
