// SPDX-License-Identifier: BSL-1.0
// dense:       z = x @ W + b, x [B, in] (a batch of rows), W [in, out], b [out] added to
//              every row, z [B, out]
// chain rule:  dx = dz @ W^T,   dW = x^T @ dz,   db = sum over rows of dz
// One node rather than matmul + add, so the bias goes into each output row with its product
// (kernels/dense.hpp).
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/dense.hpp>
#include <ctgrad/ops/matmul.hpp>
#include <ctgrad/ops/sum.hpp>
#include <ctgrad/ops/transpose.hpp>

#include <string>

namespace ctgrad {

/// The node of dense(...): z = x @ W + b for x [B, in], W [in, out] and b [out] added to every row;
/// z [B, out].
template <class X, class W, class Bias> struct dense_node : node<X, W, Bias> {
  /// Batch size B.
  static constexpr std::size_t rows = shape_of_t<X>::dims[0];
  /// Input width.
  static constexpr std::size_t in = shape_of_t<X>::dims[1];
  /// Output width.
  static constexpr std::size_t out = shape_of_t<W>::dims[1];
  /// Shape of the node's value (this header's shape rule).
  using shape = ctgrad::shape<rows, out>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 10, 21};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& x, std::string const& w, std::string const& b) {
    return x + " @ " + w + " + " + b;
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* z, T const* x, T const* w, T const* b) {
    kernels::dense<Acc, rows, in, out>(z, x, w, b);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X x, W w, Bias, dense_node, auto dz) {
    return make_adjoints(matmul(dz, transpose(w)), matmul(transpose(x), dz),
                         sum_to<shape_of_t<Bias>>(dz));
  }
};

/// x @ W + b for a batch x [B, in], weights W [in, out] and bias b [out].
template <Expression X, Expression W, Expression Bias> constexpr auto dense(X, W, Bias) {
  using sx = shape_of_t<X>;
  using sw = shape_of_t<W>;
  using sb = shape_of_t<Bias>;
  if constexpr (sx::rank != 2 || sw::rank != 2 || sb::rank != 1) {
    static_assert(sx::rank == 2 && sw::rank == 2 && sb::rank == 1,
                  "ctgrad::dense(x, W, b): x must be [batch, in], W [in, out] and b [out] "
                  "(a single sample is a batch of one row)");
    return invalid_expression{};
  } else if constexpr (sx::dims[1] != sw::dims[0] || sb::dims[0] != sw::dims[1]) {
    static_assert(sx::dims[1] == sw::dims[0] && sb::dims[0] == sw::dims[1],
                  "ctgrad::dense(x, W, b): shapes do not fit: x is [batch, in], so W must be "
                  "[in, out] and b [out]");
    return invalid_expression{};
  } else {
    return dense_node<X, W, Bias>{};
  }
}

}  // namespace ctgrad
