// SPDX-License-Identifier: BSL-1.0
// The expression DAG, read off the node types:
//   topological_order_t<Roots...>  every distinct node once, children before parents;
//   depends_on_v<N, Wrt>           does N reach any of the variables in Wrt?
// Both are class templates, so the compiler memoises them per node type: a shared
// subexpression is visited once, not once per path (constexpr function recursion would
// revisit it and go exponential on deep derivative types).
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <boost/hana/tuple.hpp>

namespace ctgrad {

/// The children of node N, as a type list.
template <class N> using children_t = typename N::children;

namespace detail {

// visit<Seen, Set, N>: Seen followed by N's not-yet-seen descendants and N, in post-order.
// Set holds the same nodes as a chain of classes, each deriving from the previous one and
// from tag<node>: adding a node is one small class, and membership one __is_base_of (a
// set rebuilt from the list at every step cost a class with |Seen| bases per node).
struct empty_set {};
template <class Prev, class N> struct seen_set : Prev, tag<N> {};

template <class Seen, class Set, class N, bool = __is_base_of(tag<N>, Set)> struct visit;
template <class Seen, class Set, class Children> struct visit_children;

template <class Seen, class Set> struct visit_children<Seen, Set, type_list<>> {
  using type = Seen;
  using set = Set;
};
template <class Seen, class Set, class C, class... Cs>
struct visit_children<Seen, Set, type_list<C, Cs...>> {
  using first = visit<Seen, Set, C>;
  using rest = visit_children<typename first::type, typename first::set, type_list<Cs...>>;
  using type = typename rest::type;
  using set = typename rest::set;
};

template <class Seen, class Set, class N> struct visit<Seen, Set, N, true> {
  using type = Seen;
  using set = Set;
};
template <class Seen, class Set, class N> struct visit<Seen, Set, N, false> {
  using below = visit_children<Seen, Set, children_t<N>>;
  using type = push_back_t<typename below::type, N>;
  using set = seen_set<typename below::set, N>;
};

}  // namespace detail

/// All distinct nodes reachable from Roots, each once, every child before its parents.
template <class... Roots>
using topological_order_t = typename detail::visit_children<detail::type_list<>, detail::empty_set,
                                                            detail::type_list<Roots...>>::type;

namespace detail {
// The expressions an output stands for: itself, or the leaves of a (nested) hana::tuple.
template <class Out> struct outputs { using type = type_list<Out>; };
template <class... Ts> struct outputs<boost::hana::tuple<Ts...>> {
  using type = typename concat<typename outputs<Ts>::type...>::type;
};

template <class N, class Wrt, class Children = children_t<N>> struct depends_on;
template <class N, class Wrt, class... Cs> struct depends_on<N, Wrt, type_list<Cs...>> {
  static constexpr bool value = contains<Wrt, N>::value || (depends_on<Cs, Wrt>::value || ...);
};
}  // namespace detail

/// True when N reaches one of the nodes in the type_list Wrt.
template <class N, class Wrt>
inline constexpr bool depends_on_v = detail::depends_on<N, Wrt>::value;

}  // namespace ctgrad
