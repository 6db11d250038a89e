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
// Set holds the same nodes for membership, in two parts: `recent`, the last nodes added (a
// list of fewer than set_chunk), and `frozen`, a class deriving from tag<node> of every
// earlier node through one link per set_chunk nodes; membership is one __is_base_of plus a
// short scan. Why not one link per node (a chain of classes, each deriving from the previous
// one): g++ walks a class's bases whenever it binds the class to a template parameter of a
// partial specialisation (variably_modified_type_p) and copies them for each new class
// (make_tree_binfo), so each step of the visit cost the size of the set: the order of a
// 300-term sum's 900 nodes took 12 s. node_set has no bases, so binding it costs nothing,
// and a link is made once per set_chunk nodes.
inline constexpr std::size_t set_chunk = 32;
struct frozen_root {};
template <class... Ns> struct frozen_tags : tag<Ns>... {};
template <class Prev, class Tags> struct frozen_link : Prev, Tags {};
template <class Frozen, class Recent> struct node_set {
  using frozen = Frozen;
  using recent = Recent;
};
using empty_set = node_set<frozen_root, type_list<>>;

template <class Recent, class N> struct in_recent;
template <class... Rs, class N>
struct in_recent<type_list<Rs...>, N> : std::bool_constant<(__is_same(Rs, N) || ... || false)> {};
// Primary templates only (no partial specialisation binds Set's frozen part).
template <class Set, class N>
struct set_has : std::bool_constant<(__is_base_of(tag<N>, typename Set::frozen) ||
                                     in_recent<typename Set::recent, N>::value)> {};
template <class Recent> struct tags_of;
template <class... Rs> struct tags_of<type_list<Rs...>> { using type = frozen_tags<Rs...>; };
template <class Set, class N, bool Full = (Set::recent::size + 1 == set_chunk)> struct set_insert {
  using type = node_set<typename Set::frozen, push_back_t<typename Set::recent, N>>;
};
template <class Set, class N> struct set_insert<Set, N, true> {
  using type = node_set<frozen_link<typename Set::frozen,
                                    typename tags_of<push_back_t<typename Set::recent, N>>::type>,
                        type_list<>>;
};

template <class Seen, class Set, class N, bool = set_has<Set, N>::value> struct visit;
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
  using set = typename set_insert<typename below::set, N>::type;
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
