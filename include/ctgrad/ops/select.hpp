// SPDX-License-Identifier: BSL-1.0
// select(cond, a, b):  y = a if cond > 0, else b        cond a scalar, shape(y) = shape(a) =
// shape(b) chain rule:          da = gate<true>(cond, dy)  (dy if cond > 0, else 0)
//                      db = gate<false>(cond, dy) (0 if cond > 0, else dy),  dcond = 0
// A switch bound at run time, used for modes (layers/norm.hpp: batch statistics in training,
// running statistics in evaluation). Both a and b are computed; the one not chosen gets a
// zero adjoint.
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/elementwise.hpp>

#include <cstddef>

namespace ctgrad {

/// dy where (cond > 0) == Pass, else 0: the adjoint of one side of select.
template <class Cond, class DY, bool Pass> struct gate_node : node<Cond, DY> {
  /// Shape of the node's value: the shape of dy.
  using shape = shape_of_t<DY>;
  /// The same gate of other children (Pass is not a type: engine/abstract.hpp rebuilds the node
  /// through this).
  template <class C, class D> using with_children = gate_node<C, D, Pass>;
  /// How to_string prints the node (gate_if or gate_unless).
  static constexpr print_style style{print_style::call, Pass ? "gate_if" : "gate_unless"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* CTGRAD_RESTRICT out, T const* cond,
                                     T const* CTGRAD_RESTRICT dy) {
    bool const open = (cond[0] > T(0)) == Pass;
    for (std::size_t i = 0; i < shape::size; ++i) kernels::store<Acc>(out[i], open ? dy[i] : T(0));
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Cond, DY, gate_node, auto ddy) {
    return make_adjoints(zero_t{}, gate_node<Cond, decltype(ddy), Pass>{});
  }
};

/// The node of select(cond, a, b): a where the scalar cond > 0, else b.
template <class Cond, class A, class B> struct select_node : node<Cond, A, B> {
  /// Shape of the node's value: the shape of a (and b).
  using shape = shape_of_t<A>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "select"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* CTGRAD_RESTRICT out, T const* cond, T const* a,
                                     T const* b) {
    T const* from = cond[0] > T(0) ? a : b;
    for (std::size_t i = 0; i < shape::size; ++i) kernels::store<Acc>(out[i], from[i]);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Cond, A, B, select_node, auto dy) {
    return make_adjoints(zero_t{}, gate_node<Cond, decltype(dy), true>{},
                         gate_node<Cond, decltype(dy), false>{});
  }
};

/// True when cond is a scalar and a, b have one shape.
template <class SC, class SA, class SB>
inline constexpr bool select_shapes_fit_v = SC::rank == 0 && same_shape_v<SA, SB>;

/// a where the scalar cond > 0, else b:  select(train_mode, batch_stats_branch, running_branch).
template <Expression Cond, Expression A, Expression B> constexpr auto select(Cond, A, B) {
  using sc = shape_of_t<Cond>;
  using sa = shape_of_t<A>;
  using sb = shape_of_t<B>;
  if constexpr (!select_shapes_fit_v<sc, sa, sb>) {
    static_assert(select_shapes_fit_v<sc, sa, sb>,
                  "ctgrad::select(cond, a, b): cond must be a scalar and a, b of one shape");
    return invalid_expression{};
  } else {
    return select_node<Cond, A, B>{};
  }
}

}  // namespace ctgrad
