// SPDX-License-Identifier: BSL-1.0
// The plan of a graph (a topological order of its nodes), all constexpr arrays: each node's
// children's positions, its arity and its workspace offset. Run-time code reads only these
// tables and the abstract nodes, never a type named after the whole net.
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/detect.hpp>
#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad::detail {

// ---- the plan of a graph: children's positions and workspace offsets, all constexpr arrays
// Most primitives have at most four inputs; a loop node has one per carried state, step
// input and free variable of its body, so a plan's table is as wide as its widest node.
inline constexpr std::size_t max_arity = 4;

/// Entries a node keeps next to its value for its own backward step (a loop's per-step
/// body values): N::cache_size when it declares one.
/// (A class, not a function: see detail/type_list.hpp's hashed_check.)
template <class N> using cache_size_of = decltype(N::cache_size);
template <class N, bool = detected_v<cache_size_of, N>>
struct cache_size : std::integral_constant<std::size_t, 0> {};
template <class N>
struct cache_size<N, true> : std::integral_constant<std::size_t, N::cache_size> {};

// Variables are read through the source table, so only computed nodes take workspace.
template <class N>
struct slot_size
    : std::integral_constant<std::size_t, ctgrad::detail::is_var<N>::value
                                              ? 0
                                              : shape_of_t<N>::size + cache_size<N>::value> {};

// (An array, not a fold: clang 14 stops at folds of more than 256 elements.)
template <std::size_t... Arities> constexpr std::size_t table_width() {
  std::size_t const arities[] = {Arities..., 0};
  std::size_t w = max_arity;
  for (std::size_t a : arities) w = a > w ? a : w;
  return w;
}

/// A variable, as the forward and backward steps see it: a value read from the source table.
struct bound_leaf {
  using children = type_list<>;
};
template <class N>
using step_t = detail::if_t<ctgrad::detail::is_var<N>::value, bound_leaf, abstract_t<N>>;
template <class N>
using forward_step_t =
    detail::if_t<ctgrad::detail::is_var<N>::value, bound_leaf, forward_abstract_t<N>>;

template <class Order> struct plan;
// Where a workspace slot of `size` entries starts when the previous one ends at `end`: a
// slot of 16 entries or more starts on a multiple of 16 (64 bytes in float; the workspace
// itself is 64-byte aligned), like the tensors it is computed from (see expr/tensor.hpp).
constexpr std::size_t slot_start(std::size_t end, std::size_t size) {
  return size >= 16 ? (end + 15) / 16 * 16 : end;
}

template <class... Ns> struct plan<type_list<Ns...>> {
  using order = type_list<Ns...>;
  static constexpr std::size_t n = sizeof...(Ns);

  static constexpr std::size_t width = table_width<children_t<Ns>::size...>();
  using row = std::array<std::size_t, width>;
  // Read at run time; filled from the graph's child table (expr/graph.hpp), whose one
  // evaluation looks up every edge. (Built from a constant per node and slot, a lookup each,
  // it cost g++ a class and a separate evaluation per edge.)
  static constexpr std::array<row, n> child = [] {
    std::array<row, n> rows{};
    auto const& kids = child_table<order>::table;
    for (std::size_t node = 0; node < n; ++node)
      for (std::size_t edge = kids.begin[node]; edge < kids.begin[node + 1]; ++edge)
        rows[node][edge - kids.begin[node]] = kids.list[edge];
    return rows;
  }();
  static constexpr std::array<std::size_t, n> arity{children_t<Ns>::size...};

  static constexpr std::array<std::size_t, n + 1> offsets = [] {
    std::array<std::size_t, n + 1> o{};
    std::size_t const sizes[] = {slot_size<Ns>::value..., 0};
    for (std::size_t idx = 0; idx < n; ++idx)
      o[idx + 1] = slot_start(o[idx] + sizes[idx], sizes[idx + 1]);
    return o;
  }();
  static constexpr std::size_t workspace = offsets[n];
};

// What the steps run per node: the abstract node, or bound_leaf for any variable (its
// name is irrelevant at run time), so these lists hold few distinct types. Classes of their
// own, not members of plan: a member list is built whenever the plan is, and eval needs only
// the forward steps (each list costs a rebind per node: 70 MB of g++'s memory at 900 nodes).
template <class Order> struct backward_abstracts;
template <class... Ns> struct backward_abstracts<type_list<Ns...>> {
  using type = type_list<step_t<Ns>...>;
};
template <class Order> struct forward_abstracts;
template <class... Ns> struct forward_abstracts<type_list<Ns...>> {
  using type = type_list<forward_step_t<Ns>...>;  // constants as slots too
};

}  // namespace ctgrad::detail
