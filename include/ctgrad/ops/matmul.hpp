// SPDX-License-Identifier: BSL-1.0
// matmul:      c = a @ b, a [M, K], b [K, N], c [M, N] (a batch of M rows times a matrix)
// chain rule:  da = dc @ b^T,   db = a^T @ dc
// rules:       matmul(a^T, b) and matmul(a, b^T) become one node that reads the operand
//              transposed in place (layouts tn and nt), so the chain rule above costs no copy
#pragma once

#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/matmul.hpp>
#include <ctgrad/ops/transpose.hpp>

#include <string>

namespace ctgrad {

template <Expression A, Expression B> constexpr auto matmul(A a, B b);

namespace detail {
// The shapes of the operands as read: [M, K] and [K, N] after the layout's transposes.
template <class Layout, class SA, class SB> struct matmul_dims {
  static constexpr bool ta = __is_same(Layout, kernels::tn);
  static constexpr bool tb = __is_same(Layout, kernels::nt);
  static constexpr std::size_t m = SA::dims[ta ? 1 : 0];
  static constexpr std::size_t k = SA::dims[ta ? 0 : 1];
  static constexpr std::size_t kb = SB::dims[tb ? 1 : 0];
  static constexpr std::size_t n = SB::dims[tb ? 0 : 1];
};
}  // namespace detail

/// The node of matmul(...): c = a @ b, a [M, K], b [K, N], c [M, N] (a batch of M rows times a
/// matrix).
template <class A, class B, class Layout = kernels::nn> struct matmul_node : node<A, B> {
  /// M, K and N of the product in the node's layout, for the kernels.
  using dims = detail::matmul_dims<Layout, shape_of_t<A>, shape_of_t<B>>;
  /// Shape of the node's value (this header's shape rule).
  using shape = ctgrad::shape<dims::m, dims::n>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 20, 21};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a, std::string const& b) {
    return a + (dims::ta ? "^T" : "") + " @ " + b + (dims::tb ? "^T" : "");
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a, T const* b) {
    kernels::matmul<Layout, Acc, dims::m, dims::k, dims::n>(out, a, b);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A a, B b, matmul_node, auto dc) {
    // The operands as the product reads them: a' = a or a^T, b' = b or b^T, c = a' b'.
    // Then da' = dc b'^T, db' = a'^T dc, and da = (da')^T where a was read transposed.
    if constexpr (__is_same(Layout, kernels::nn)) {
      return make_adjoints(matmul(dc, transpose(b)), matmul(transpose(a), dc));
    } else if constexpr (__is_same(Layout, kernels::tn)) {
      return make_adjoints(matmul(b, transpose(dc)), matmul(a, dc));
    } else {
      return make_adjoints(matmul(dc, b), matmul(transpose(dc), a));
    }
  }
};

/// a @ b for matrices a [M, K] and b [K, N]; a single sample is a batch of one row [1, K].
template <Expression A, Expression B> constexpr auto matmul(A, B) {
  using sa = shape_of_t<A>;
  using sb = shape_of_t<B>;
  if constexpr (sa::rank != 2 || sb::rank != 2) {
    static_assert(sa::rank == 2 && sb::rank == 2,
                  "ctgrad::matmul(a, b): both operands must be matrices (rank 2); a single "
                  "sample is a batch of one row, shape [1, K]");
    return invalid_expression{};
  } else if constexpr (is_transpose_v<A> && is_transpose_v<B>) {
    return transpose(matmul(detail::at_t<0, children_t<B>>{}, detail::at_t<0, children_t<A>>{}));
  } else if constexpr (is_transpose_v<A>) {
    using a = detail::at_t<0, children_t<A>>;
    static_assert(
        shape_of_t<a>::dims[0] == sb::dims[0],
        "ctgrad::matmul(a, b): a is [M, K] and b must be [K, N]: inner dimensions differ");
    return matmul_node<a, B, kernels::tn>{};
  } else if constexpr (is_transpose_v<B>) {
    using b = detail::at_t<0, children_t<B>>;
    static_assert(
        sa::dims[1] == shape_of_t<b>::dims[1],
        "ctgrad::matmul(a, b): a is [M, K] and b must be [K, N]: inner dimensions differ");
    return matmul_node<A, b, kernels::nt>{};
  } else if constexpr (sa::dims[1] != sb::dims[0]) {
    static_assert(
        sa::dims[1] == sb::dims[0],
        "ctgrad::matmul(a, b): a is [M, K] and b must be [K, N]: inner dimensions differ");
    return invalid_expression{};
  } else {
    return matmul_node<A, B>{};
  }
}

}  // namespace ctgrad
