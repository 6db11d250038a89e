// SPDX-License-Identifier: BSL-1.0
// transpose:   c = a^T, a a matrix [M, N], c [N, M]
// chain rule:  da = dc^T
// rules:       (a^T)^T = a; matmul(a^T, b) and matmul(a, b^T) read a or b transposed in
//              place (see matmul.hpp), so no transposed copy is made there
#pragma once

#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/layout.hpp>

#include <string>

namespace ctgrad {

template <class A> struct transpose_node;

template <Expression A> constexpr auto transpose(A a);

/// The node of transpose(...): c = a^T, a a matrix [M, N], c [N, M].
template <class A> struct transpose_node : node<A> {
  /// Rows of a.
  static constexpr std::size_t rows = shape_of_t<A>::dims[0];
  /// Columns of a.
  static constexpr std::size_t cols = shape_of_t<A>::dims[1];
  /// Shape of the node's value (this header's shape rule).
  using shape = ctgrad::shape<cols, rows>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 45, 45};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a) { return a + "^T"; }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::transpose<Acc, rows, cols>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, transpose_node, auto dc) { return transpose(dc); }
};

/// True for a transpose_node (rules recognise the node by it).
template <class T> inline constexpr bool is_transpose_v = false;
/// True: a transpose_node.
template <class A> inline constexpr bool is_transpose_v<transpose_node<A>> = true;

/// a^T for a matrix a.
template <Expression A> constexpr auto transpose(A a) {
  if constexpr (shape_of_t<A>::rank != 2) {
    static_assert(shape_of_t<A>::rank == 2, "ctgrad::transpose(a): a must be a matrix (rank 2)");
    return invalid_expression{};
  } else if constexpr (is_transpose_v<A>) {
    return detail::at_t<0, children_t<A>>{};
  } else {
    (void)a;
    return transpose_node<A>{};
  }
}

}  // namespace ctgrad
