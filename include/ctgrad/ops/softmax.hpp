// SPDX-License-Identifier: BSL-1.0
// softmax:     a = softmax(z) along the last dimension (each row of a batch separately):
//              a_j = exp(z_j - max z) / sum_k exp(z_k - max z)   (max subtracted: no overflow)
// chain rule:  dz = a * (da - sum_j(da_j * a_j))     (per row; softmax_backward below)
// Followed by cross_entropy, the pair is rewritten into one stable node whose gradient is
// p - y (see losses/cross_entropy.hpp).
#pragma once

#include <ctgrad/core/node.hpp>
#include <ctgrad/core/shape.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/math/elementary.hpp>

#include <string>

namespace ctgrad {

namespace detail {
template <class S> struct rows_of {
  static constexpr std::size_t cols = S::rank == 0 ? 1 : S::dims[S::rank - 1];
  static constexpr std::size_t rows = S::size / cols;
};

/// The largest of a row's Cols values: subtracted before exponentiating, so exp never
/// overflows.
template <std::size_t Cols, class T> constexpr T row_max(T const* z) {
  T m = z[0];
  for (std::size_t j = 1; j < Cols; ++j) m = z[j] > m ? z[j] : m;
  return m;
}
}  // namespace detail

/// The fused VJP of softmax: a * (da - rowsum(da * a)). Not differentiable again.
template <class A, class DA> struct softmax_backward_node : node<A, DA> {
  using shape = shape_of_t<A>;
  using layout = detail::rows_of<shape>;
  static constexpr print_style style{print_style::custom, {}, 20, 21};
  static std::string print(std::string const& a, std::string const& da) {
    return a + " * (" + da + " - rowsum(" + da + " * " + a + "))";
  }
  template <bool Acc, class T>
  static constexpr void forward_into(T* __restrict out, T const* a, T const* da) {
    for (std::size_t r = 0; r < layout::rows; ++r) {
      T const* const ar = a + r * layout::cols;
      T const* const dr = da + r * layout::cols;
      T dot{};
      for (std::size_t j = 0; j < layout::cols; ++j) dot += dr[j] * ar[j];
      for (std::size_t j = 0; j < layout::cols; ++j)
        kernels::store<Acc>(out[r * layout::cols + j], ar[j] * (dr[j] - dot));
    }
  }
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<A>,
                  "ctgrad: second derivatives through softmax are not supported");
    return invalid_expression{};
  }
};

template <class Z> struct softmax_node : node<Z> {
  using shape = shape_of_t<Z>;
  using layout = detail::rows_of<shape>;
  static constexpr print_style style{print_style::call, "softmax"};
  template <bool Acc, class T> static constexpr void forward_into(T* __restrict out, T const* z) {
    for (std::size_t r = 0; r < layout::rows; ++r) {
      T const* const zr = z + r * layout::cols;
      T* const ar = out + r * layout::cols;
      T const m = detail::row_max<layout::cols>(zr);
      T e[layout::cols];
      T s{};
      for (std::size_t j = 0; j < layout::cols; ++j) {
        e[j] = math::exp(zr[j] - m);
        s += e[j];
      }
      T const inv = T{1} / s;
      for (std::size_t j = 0; j < layout::cols; ++j) kernels::store<Acc>(ar[j], e[j] * inv);
    }
  }
  static constexpr auto vjp(Z, softmax_node, auto da) {
    return softmax_backward_node<softmax_node, decltype(da)>{};
  }
};

template <class T> inline constexpr bool is_softmax_v = false;
template <class Z> inline constexpr bool is_softmax_v<softmax_node<Z>> = true;

/// softmax along the last dimension (per row of a batch [B, C]).
template <Expression Z> constexpr auto softmax(Z) {
  static_assert(shape_of_t<Z>::rank >= 1, "ctgrad::softmax(z): z must be a vector or a batch of rows");
  return softmax_node<Z>{};
}

}  // namespace ctgrad
