// SPDX-License-Identifier: BSL-1.0
// Nodes are types. An expression object is empty: its type is the whole computation, so
// equal subexpressions are the same type, the compiler memoises work on them, and the
// evaluator can give each distinct node one slot. Values live in the evaluator's workspace.
#pragma once

#include <ctgrad/detail/type_list.hpp>

#include <concepts>
#include <string_view>
#include <type_traits>

namespace ctgrad {

/// The base every node derives from: what the Expression concept checks.
struct expression_tag {};

/// Anything built from ctgrad variables, constants and primitives.
// Compiler built-ins rather than std::derived_from / std::default_initializable: every
// operator checks this concept on its operands, and the library traits behind those
// (is_nothrow_destructible, is_convertible, __or_ ...) were most of a wide formula's compile
// time (clang -ftime-trace of a 200-term sum: ~10 000 trait instantiations).
template <class T>
concept Expression = __is_base_of(expression_tag, T) && __is_empty(T) && __is_constructible(T);

/// How a node prints: as a call name(args), an infix operator, a prefix operator, or its own way.
/// A child is parenthesised when its precedence is below the minimum on its side.
struct print_style {
  /// A leaf (its label), a call name(args), an infix or prefix operator, or the node's print().
  enum kind_t { leaf, call, infix, prefix, custom } kind = call;
  /** \var print_style::kind
      How the node prints (a call by default). */
  /// The call's name or the operator's symbol.
  std::string_view symbol{};
  /// The node's precedence: 10 for + -, 15 unary minus, 20 for * /, 40 for ^, 50 for atoms and
  /// calls.
  int precedence = 50;  // 10: + -, 15: unary minus, 20: * /, 40: ^, 50: atoms and calls
  /// The lowest precedence a left child may have without parentheses.
  int left_min = 0;
  /// The lowest precedence a right child may have without parentheses.
  int right_min = 0;
};

/// Base of every node: records the children, in order, for the graph algorithms.
template <class... Children> struct node : expression_tag {
  /// The children, in order, as a type list.
  using children = detail::type_list<Children...>;
};

/// The shape of an expression's value (shape<> for scalars).
template <class N> using shape_of_t = typename N::shape;

/// The adjoints a binary VJP rule returns, one per input, in order.
template <class... Adjoints> struct adjoints {};
/// Packs a VJP rule's adjoints, one per input, in order: make_adjoints(dW, dx).
template <Expression... Adjoints> constexpr adjoints<Adjoints...> make_adjoints(Adjoints...) {
  return {};
}

/// Returned (with a static_assert) by a call whose arguments are wrong, so that one clear
/// error is reported instead of a cascade.
struct invalid_expression {};

namespace detail {
template <class> inline constexpr bool always_false = false;
}  // namespace detail

}  // namespace ctgrad
