// SPDX-License-Identifier: BSL-1.0
// layer_norm<N>(x, gamma, beta): torch.nn.LayerNorm over x's last N axes (normalized_shape),
// eps 1e-5 unless given:
//   xh = normalize_rows<N>(x) = (x - mean) / sqrt(var + eps), mean and (biased) variance
//        over each row of the last N axes
//   y  = xh * gamma + beta        (gamma, beta: the last N axes' shape; broadcast over rows)
// chain rule of normalize_rows (per row of n values, s = sqrt(var + eps)):
//   dx = (dxh - mean(dxh) - xh mean(dxh xh)) / s
// gamma and beta get theirs from * and + (sums over the rows).
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/normalize.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/reduce_rows.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace ctgrad {

/// The adjoint of normalize_rows, from x, its value xh and the upstream dxh. Not
/// differentiable again.
template <class X, class XH, class DXH, class N, class Eps>
struct normalize_rows_grad_node : node<X, XH, DXH> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// Number of entries per normalised row.
  static constexpr std::size_t n = shape::size / leading_t<shape::rank - N::value, shape>::size;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "normalize_rows_grad"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* dx, T const* x, T const* xh, T const* dxh) {
    kernels::normalize_rows_grad<Acc, shape::size / n, n>(dx, x, xh, dxh, Eps::template value<T>());
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<X>,
                  "ctgrad: second derivatives through layer_norm are not supported");
    return invalid_expression{};
  }
};

/// The node inside layer_norm<N>: each row of the last N axes, (x - mean) / sqrt(var + eps).
template <class X, class N, class Eps> struct normalize_rows_node : node<X> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// Number of entries per normalised row.
  static constexpr std::size_t n = shape::size / leading_t<shape::rank - N::value, shape>::size;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "normalize_rows"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* x) {
    kernels::normalize_rows<Acc, shape::size / n, n>(out, x, Eps::template value<T>());
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, normalize_rows_node, auto dxh) {
    return normalize_rows_grad_node<X, normalize_rows_node, decltype(dxh), N, Eps>{};
  }
};

/// True when x has at least N axes and S is the shape of its last N.
template <std::size_t N, class SX, class S>
inline constexpr bool trailing_shape_is_v =
    N >= 1 && SX::rank >= N&& S::rank == N&& detail::is_suffix<S, SX>::value;

/// x normalised over its last N axes (zero mean, unit variance per row), eps = EpsNum / EpsDen.
template <std::size_t N = 1, std::intmax_t EpsNum = 1, std::intmax_t EpsDen = 100000, Expression X>
constexpr auto normalize_rows(X) {
  static_assert(N >= 1 && shape_of_t<X>::rank >= N,
                "ctgrad::normalize_rows<N>(x): x must have at least N >= 1 axes");
  return normalize_rows_node<X, std::integral_constant<std::size_t, N>,
                             std::remove_cv_t<decltype(constant<EpsNum, EpsDen>)>>{};
}

/// torch.nn.LayerNorm over the last N axes: normalize_rows<N>(x) * gamma + beta.
template <std::size_t N = 1, std::intmax_t EpsNum = 1, std::intmax_t EpsDen = 100000, Expression X,
          Expression Gamma, Expression Beta>
constexpr auto layer_norm(X x, Gamma gamma, Beta beta) {
  using sx = shape_of_t<X>;
  if constexpr (!trailing_shape_is_v<N, sx, shape_of_t<Gamma>> ||
                !trailing_shape_is_v<N, sx, shape_of_t<Beta>>) {
    static_assert(
        trailing_shape_is_v<N, sx, shape_of_t<Gamma>> &&
            trailing_shape_is_v<N, sx, shape_of_t<Beta>>,
        "ctgrad::layer_norm<N>(x, gamma, beta): gamma and beta must have the shape of x's "
        "last N axes");
    return invalid_expression{};
  } else {
    return normalize_rows<N, EpsNum, EpsDen>(x) * gamma + beta;
  }
}

}  // namespace ctgrad
