// SPDX-License-Identifier: BSL-1.0
// A dense layer's forward product with its bias, z[B, Out] = x[B, In] @ w[In, Out] + b[Out]:
// the bias initialises each output row just before the row's products accumulate into it,
// as a hand-written layer does (a separate bias pass after kernels::matmul costs one more
// sweep over z). Large layers run on the register-tiled kernel of kernels/gemm.hpp, which
// starts each tile of z from the bias, or are compiled as a function of their own
// (kernels/matmul.hpp says when and why).
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/kernels/matmul.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad::kernels {

/// Layers with inputs and outputs at most this wide sum their rows in local arrays (dense_body).
inline constexpr std::size_t dense_local_width = 64;

/// The loops of kernels::dense: z = x @ w + b for Rows rows (with Acc, z += ...), inlined where
/// called.
template <bool Acc, std::size_t Rows, std::size_t In, std::size_t Out, class T>
constexpr void dense_body(T* CTGRAD_RESTRICT z, T const* CTGRAD_RESTRICT x,
                          T const* CTGRAD_RESTRICT w, T const* CTGRAD_RESTRICT b) {
  if constexpr (In <= dense_local_width && Out <= dense_local_width) {
    // Narrow rows are summed in local arrays, from a local copy of the input row. When z and
    // x are slots of one workspace, inlined into a whole gradient, g++ 12 no longer tells them
    // apart (restrict is lost) and kept z's row in memory across the k loop: each step waited
    // for the previous step's store (residual MLP, 32 wide: 15% of its gradient).
    for (std::size_t r = 0; r < Rows; ++r) {
      T* const zr = z + r * Out;
      T xr[In];
      T acc[Out];
      for (std::size_t k = 0; k < In; ++k) xr[k] = x[r * In + k];
      row_loop<Out>([&](std::size_t col) { acc[col] = Acc ? zr[col] + b[col] : b[col]; });
      for (std::size_t k = 0; k < In; ++k) {
        T const xrk = xr[k];
        row_loop<Out>([&](std::size_t col) { acc[col] += xrk * w[k * Out + col]; });
      }
      row_loop<Out>([&](std::size_t col) { zr[col] = acc[col]; });
    }
  } else {
    for (std::size_t r = 0; r < Rows; ++r) {
      T* const zr = z + r * Out;
      row_loop<Out>([&](std::size_t col) { store<Acc>(zr[col], b[col]); });
      for (std::size_t k = 0; k < In; ++k) {
        T const xrk = x[r * In + k];
        row_loop<Out>([&](std::size_t col) { zr[col] += xrk * w[k * Out + col]; });
      }
    }
  }
}

/// dense_body compiled as a function of its own (for large layers: see kernels::outline_work).
template <bool Acc, std::size_t Rows, std::size_t In, std::size_t Out, class T>
CTGRAD_NOINLINE void dense_outlined(T* CTGRAD_RESTRICT z, T const* CTGRAD_RESTRICT x,
                                    T const* CTGRAD_RESTRICT w, T const* CTGRAD_RESTRICT b) {
  dense_body<Acc, Rows, In, Out>(z, x, w, b);
}

/// z (+)= x @ w + b, row-major, sizes as template arguments.
template <bool Acc, std::size_t Rows, std::size_t In, std::size_t Out, class T>
constexpr void dense(T* z, T const* x, T const* w, T const* b) {
  if constexpr (Rows * In * Out >= outline_work) {
    if (!std::is_constant_evaluated()) {
      // The register-tiled kernel starts each tile of z from the bias (kernels/gemm.hpp).
      if constexpr (gemm_pays<nn, Rows, In, Out, T>)
        return gemm_nn<Acc, Rows, In, Out>(z, x, w, b);
      else
        return dense_outlined<Acc, Rows, In, Out>(z, x, w, b);
    }
  }
  dense_body<Acc, Rows, In, Out>(z, x, w, b);
}

}  // namespace ctgrad::kernels
