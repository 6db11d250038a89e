// SPDX-License-Identifier: BSL-1.0
// The forward pass: every node of a plan computed once, children first, into the
// workspace; val[i] points at node i's value afterwards (a variable's value is read where
// its source keeps it). Shared by eval and by grad's forward half.
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/engine/bindings.hpp>
#include <ctgrad/engine/execute.hpp>
#include <ctgrad/engine/plan.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#ifdef CTGRAD_CHECK_FINITE
#include <ctgrad/engine/print.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#endif

namespace ctgrad::detail {

// One node's forward step, keyed on its abstract node only (operation and shapes), so its
// instantiation and symbol are shared by equal layers and do not grow with the net.
template <class Pa, class T, std::size_t W>
CTGRAD_ALWAYS_INLINE constexpr T const* forward_node(T* out, T const* const* val,
                                                     std::array<std::size_t, W> const& child,
                                                     T const* bound, [[maybe_unused]] std::size_t i,
                                                     [[maybe_unused]] std::size_t n) {
  if constexpr (__is_same(Pa, bound_leaf)) {
    return bound;
  } else if constexpr (detail::is_constant<Pa>::value) {
    out[0] = Pa::template value<T>();
    return out;
  } else {
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) { apply<Pa, false>(out, val[child[Ks]]...); }
    (std::make_index_sequence<children_t<Pa>::size>{});
#ifdef CTGRAD_INSTRUMENT
    if (!std::is_constant_evaluated()) instrument::on_forward(i, n);
#endif
    return out;
  }
}

/// For each node of Order, where its value is in the source table (0 if it is computed).
template <class Order, class... Sources> struct bound_indices;
template <class... Ns, class... Sources> struct bound_indices<type_list<Ns...>, Sources...> {
  static constexpr std::array<std::size_t, sizeof...(Ns) + 1> value{
      bound_index<Ns, Sources...>::value..., 0};
};

// The forward steps of a graph, keyed on its list of abstract nodes. Compile time at depth:
// every symbol whose name holds the whole net costs the compiler time quadratic in the
// net's size (mangling), so the per-node code lives here, where names hold only
// operations and shapes, and all positions come in through constexpr tables.
template <class Abstracts> struct forward_steps;
template <class... Pas> struct forward_steps<type_list<Pas...>> {
  // Nodes Start, Start + 1, ... of a graph of n.
  template <std::size_t Start, class T, std::size_t W, std::size_t... Is>
  CTGRAD_ALWAYS_INLINE static constexpr void run(std::index_sequence<Is...>, T* ws, T const** val,
                                                 std::array<std::size_t, W> const* child,
                                                 std::size_t const* offset, T const* const* table,
                                                 std::size_t const* bound, std::size_t n) {
    // A braced list (evaluated in order), not a fold: clang allows folds of 256 at most.
    bool const done[] = {
        (val[Start + Is] = forward_node<Pas>(ws + offset[Start + Is], val, child[Start + Is],
                                             table[bound[Start + Is]], Start + Is, n),
         true)...,
        true};
    (void)done;
  }
};

// A long graph runs in pieces of piece_nodes nodes, each a function of its own. As one
// function, the optimiser's passes grew faster than the graph (a depth-128 MLP, 515 nodes:
// register allocation 0.07 -> 1.5 s, jump threading and forward propagation likewise, from
// depth 64 to 128 with g++); a call per 64 nodes costs nothing next to their kernels.
inline constexpr std::size_t piece_nodes = 64;
template <std::size_t N> inline constexpr bool in_pieces = N > piece_nodes + piece_nodes / 2;
// Piece C is chunks 4C .. 4C + 3 of the list's chunks of 16 (detail/type_list.hpp), joined:
// reading its 64 elements one by one was 4 classes per node (at, at_chunked, at_in_chunk,
// at_pack), 4 800 for the 1 208 steps of a 300-term sum's derivative.
static_assert(piece_nodes == 4 * chunk_size);
template <class Chunks, std::size_t C, class Seq> struct piece_of;
template <class... Chunks, std::size_t C, std::size_t... Ks>
struct piece_of<type_list<Chunks...>, C, std::index_sequence<Ks...>> {
  using type = typename concat<typename at_pack<4 * C + Ks, Chunks...>::type...>::type;
};
template <class List, std::size_t C, class Chunks = typename chunks<List>::type>
using piece_t = typename piece_of<
    Chunks, C,
    std::make_index_sequence<(Chunks::size - 4 * C < 4 ? Chunks::size - 4 * C : 4)>>::type;

template <class Piece, std::size_t Start> struct forward_piece;
template <class... Pas, std::size_t Start> struct forward_piece<type_list<Pas...>, Start> {
  template <class T, std::size_t W>
  CTGRAD_NOINLINE static constexpr void run(T* ws, T const** val,
                                            std::array<std::size_t, W> const* child,
                                            std::size_t const* offset, T const* const* table,
                                            std::size_t const* bound, std::size_t n) {
    // A loop over a table of the steps' addresses, not a call written per node: the 1 208 calls
    // of a 300-term sum's derivative cost g++ 41 MB to compile, and their inlined code most of
    // its optimiser's time. A long graph's distinct steps are few, and an indirect call per
    // node was not measurably slower there (eval 5.69 -> 5.72 us; a depth-64 MLP's grad_into,
    // whose backward pieces do the same, 4.5 -> 4.2 us).
    using step_fn = T const* (*)(T*, T const* const*, std::array<std::size_t, W> const&, T const*,
                                 std::size_t, std::size_t);
    constexpr step_fn step_table[] = {&forward_node<Pas, T, W>...};
    for (std::size_t step_index = 0; step_index < sizeof...(Pas); ++step_index) {
      std::size_t const node_index = Start + step_index;
      val[node_index] = step_table[step_index](ws + offset[node_index], val, child[node_index],
                                               table[bound[node_index]], node_index, n);
    }
  }
};

#ifdef CTGRAD_CHECK_FINITE
// Opt-in (define CTGRAD_CHECK_FINITE for the whole program): after each forward pass at run
// time (eval, grad, grad_into), the nodes are scanned in evaluation order and the first one
// holding an inf or a NaN is named in a std::runtime_error. Without the macro nothing of
// this is compiled. Gradients: check::first_non_finite(grads) (check/finite.hpp).
template <class N> std::string node_text() { return to_string(N{}); }

template <class Order> struct finite_scan;
template <class... Ns> struct finite_scan<type_list<Ns...>> {
  template <class T> static void run(T const* const* val) {
    constexpr std::size_t sizes[] = {shape_of_t<Ns>::size..., 0};
    using text_fn = std::string (*)();
    constexpr text_fn texts[] = {&node_text<Ns>..., nullptr};
    for (std::size_t i = 0; i < sizeof...(Ns); ++i)
      for (std::size_t k = 0; k < sizes[i]; ++k)
        if (!std::isfinite(val[i][k]))
          throw std::runtime_error("ctgrad: CTGRAD_CHECK_FINITE: the first non-finite node (" +
                                   std::to_string(i + 1) + " of " + std::to_string(sizeof...(Ns)) +
                                   " in evaluation order) is " + texts[i]() + ", entry " +
                                   std::to_string(k) + " = " +
                                   (val[i][k] != val[i][k] ? "nan"
                                    : val[i][k] > 0        ? "inf"
                                                           : "-inf"));
  }
};
#endif

/// Computes every node of Order once, in order; val[i] points at node i's value afterwards.
template <class Order, class T, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr void forward_pass(T* ws, T const** val,
                                                 source_table<T, Sources...> const& table) {
  using P = plan<Order>;
  using abstracts = typename forward_abstracts<Order>::type;
  std::size_t const* bound = bound_indices<Order, Sources...>::value.data();
  if constexpr (!in_pieces<P::n>) {
    forward_steps<abstracts>::template run<0>(std::make_index_sequence<P::n>{}, ws, val,
                                              P::child.data(), P::offsets.data(), table.ptr.data(),
                                              bound, P::n);
  } else {
    [&]<std::size_t... Cs>(std::index_sequence<Cs...>) {
      (forward_piece<piece_t<abstracts, Cs>, Cs * piece_nodes>::run(
           ws, val, P::child.data(), P::offsets.data(), table.ptr.data(), bound, P::n),
       ...);
    }
    (std::make_index_sequence<(P::n + piece_nodes - 1) / piece_nodes>{});
  }
#ifdef CTGRAD_CHECK_FINITE
  if (!std::is_constant_evaluated()) finite_scan<Order>::run(static_cast<T const* const*>(val));
#endif
}

}  // namespace ctgrad::detail
