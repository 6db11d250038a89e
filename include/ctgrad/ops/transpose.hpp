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

template <class A> struct transpose_node : node<A> {
  static constexpr std::size_t rows = shape_of_t<A>::dims[0];
  static constexpr std::size_t cols = shape_of_t<A>::dims[1];
  using shape = ctgrad::shape<cols, rows>;
  static constexpr print_style style{print_style::custom, {}, 45, 45};
  static std::string print(std::string const& a) { return a + "^T"; }
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::transpose<Acc, rows, cols>(out, a);
  }
  static constexpr auto vjp(A, transpose_node, auto dc) { return transpose(dc); }
};

template <class T> inline constexpr bool is_transpose_v = false;
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
