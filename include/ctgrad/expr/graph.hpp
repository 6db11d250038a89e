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

#include <array>
#include <cstddef>
#include <cstdint>

namespace ctgrad {

/// The children of node N, as a type list.
template <class N> using children_t = typename N::children;

namespace detail {

// visit<Set, N>: Set followed by N's not-yet-seen descendants and N, in post-order.
// The set keeps its nodes in three parts: `recent`, the last nodes added (a list of fewer than
// set_chunk), `chunks`, the earlier ones in order as a list of lists of set_chunk nodes, and
// `frozen`, a class deriving from tag<node> of every node in `chunks`, through one link per
// chunk; membership is one __is_base_of plus a short scan, and the order is the chunks and
// `recent` concatenated once at the end. Why not one flat list, one node appended per step:
// each append rebinds the whole list, so a 909-node order bound 413 000 list elements (g++
// checks each bound type, variably_modified_type_p: a quarter of a 300-term derivative's
// compile). Why not one link of `frozen` per node (a chain of classes, each deriving from the
// previous one): g++ walks a class's bases whenever it binds the class to a template
// parameter of a partial specialisation and copies them for each new class (make_tree_binfo),
// so each step cost the size of the set. node_set has no bases, so binding it costs nothing.
inline constexpr std::size_t set_chunk = 32;
struct frozen_root {};
template <class... Ns> struct frozen_tags : tag<Ns>... {};
template <class Prev, class Tags> struct frozen_link : Prev, Tags {};
template <class Frozen, class Chunks, class Recent> struct node_set {
  using frozen = Frozen;
  using chunks = Chunks;
  using recent = Recent;
};
using empty_set = node_set<frozen_root, type_list<>, type_list<>>;

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
  using type =
      node_set<typename Set::frozen, typename Set::chunks, push_back_t<typename Set::recent, N>>;
};
template <class Set, class N> struct set_insert<Set, N, true> {
  using full = push_back_t<typename Set::recent, N>;
  using type = node_set<frozen_link<typename Set::frozen, typename tags_of<full>::type>,
                        push_back_t<typename Set::chunks, full>, type_list<>>;
};
/// The set's nodes in the order they were added.
template <class Set, class Chunks = typename Set::chunks> struct set_order;
template <class Set, class... Cs> struct set_order<Set, type_list<Cs...>> {
  using type = typename concat<Cs..., typename Set::recent>::type;
};

template <class Set, class N, bool = set_has<Set, N>::value> struct visit;
template <class Set, class Children> struct visit_children;

template <class Set> struct visit_children<Set, type_list<>> { using set = Set; };
template <class Set, class C, class... Cs> struct visit_children<Set, type_list<C, Cs...>> {
  using set = typename visit_children<typename visit<Set, C>::set, type_list<Cs...>>::set;
};

template <class Set, class N> struct visit<Set, N, true> { using set = Set; };
template <class Set, class N> struct visit<Set, N, false> {
  using set = typename set_insert<typename visit_children<Set, children_t<N>>::set, N>::type;
};

/// Every distinct node reachable from the list Roots, each once, children before parents.
template <class Roots>
using order_of_t = typename set_order<typename visit_children<empty_set, Roots>::set>::type;

}  // namespace detail

/// All distinct nodes reachable from Roots, each once, every child before its parents.
template <class... Roots>
using topological_order_t = detail::order_of_t<detail::type_list<Roots...>>;

namespace detail {
// The positions in Order of node N's children, then Order::size, as a type holding the numbers:
// a static array per node would be a symbol named after the graph and the node, which g++
// mangles (see detail/type_list.hpp's hashed_check); positions<...>::value is named after the
// numbers only. Read by child_table below, for short orders and orders whose hashes collide
// (the parent table and the plans read child_table).
// Not a member template of a class keyed on the graph: g++ substitutes the enclosing class's
// arguments (the whole graph's nodes, as a pack) into a member template for each of its
// instantiations, which made the parent table of a 300-term sum's 900 nodes cost 12 s.
template <std::size_t... Ps> struct positions {
  static constexpr std::array<std::size_t, sizeof...(Ps)> value{Ps...};
};
template <class Order, class N, class Cs = children_t<N>> struct child_positions;
template <class Order, class N, class... Cs> struct child_positions<Order, N, type_list<Cs...>> {
  using type = positions<position_of<Order, Cs>::value..., Order::size>;
};

// The hashes of node N's children (detail/type_hash.hpp), a type named after numbers.
template <std::uint64_t... Hs> struct hash_values {
  static constexpr std::uint64_t value[] = {Hs..., 0};
};
template <class N, class Cs = children_t<N>> struct child_hashes;
template <class N, class... Cs> struct child_hashes<N, type_list<Cs...>> {
  using type = hash_values<type_hash<Cs>::value...>;
};

// Long orders are searched by hash unless two of their nodes' hashes collide. (Not one
// `n > hashed_above && distinct` test: both sides of && are instantiated, and a short
// order's hash table would cost its every node's hash.)
template <class Order, bool Long = (Order::size > hashed_above)>
struct hashed_edges : std::false_type {};
template <class Order>
struct hashed_edges<Order, true> : std::bool_constant<hash_index<Order>::table.distinct> {};

/// Every node's children's positions in Order, found for the whole graph in one constant
/// evaluation: node i's children are list[begin[i] .. begin[i + 1]). g++ spends about 60 KB and
/// a class per separate evaluation of a lookup (a position_of per edge), and a graph has
/// thousands of edges; one evaluation that looks them all up costs a few bytes per edge.
/// Small graphs, and the rare graph whose hashes collide, use child_positions.
template <class Order> struct child_table;
template <class... Ns> struct child_table<type_list<Ns...>> {
  using order = type_list<Ns...>;
  static constexpr std::size_t n = sizeof...(Ns);
  static constexpr std::size_t edges = sum_of<children_t<Ns>::size...>();
  struct table_t {
    std::array<std::size_t, n + 1> begin{};
    std::array<std::size_t, edges + 1> list{};
  };
  static constexpr table_t table = [] {
    table_t tab{};
    std::size_t const arity[] = {children_t<Ns>::size..., 0};
    for (std::size_t node = 0; node < n; ++node)
      tab.begin[node + 1] = tab.begin[node] + arity[node];
    if constexpr (hashed_edges<order>::value) {
      std::uint64_t const* const kids[] = {child_hashes<Ns>::type::value..., nullptr};
      for (std::size_t node = 0; node < n; ++node)
        for (std::size_t slot = 0; slot < arity[node]; ++slot)
          tab.list[tab.begin[node] + slot] = hash_index<order>::find(kids[node][slot]);
    } else {
      std::size_t const* const kids[] = {child_positions<order, Ns>::type::value.data()...,
                                         nullptr};
      for (std::size_t node = 0; node < n; ++node)
        for (std::size_t slot = 0; slot < arity[node]; ++slot)
          tab.list[tab.begin[node] + slot] = kids[node][slot];
    }
    return tab;
  }();
};
}  // namespace detail

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
