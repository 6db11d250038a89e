// SPDX-License-Identifier: BSL-1.0
// The reverse sweep, planned at compile time: one forward pass that caches every node's
// value, then each node's VJP rules (the same rules d(f, x) derives with) in reverse order.
// What is planned per node: which nodes need an adjoint (those between the loss and a
// wanted variable, through rules that are not structurally zero), where each adjoint lives,
// and which contribution comes first (it assigns; later ones add), so no buffer is zeroed
// and nothing is computed that the gradient does not use.
//   sweep<Order, Wanted>                 the schedule (constexpr tables) and its step types
//   backprop<Loss, Captured>(grads, table, captured)   runs it; returns the loss
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/detect.hpp>
#include <ctgrad/detail/config.hpp>
#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/engine/bindings.hpp>
#include <ctgrad/engine/derive.hpp>
#include <ctgrad/engine/execute.hpp>
#include <ctgrad/engine/forward.hpp>
#include <ctgrad/engine/plan.hpp>
#include <ctgrad/engine/workspace.hpp>
#include <ctgrad/expr/var_set.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad::detail {

/// The VJP rule of the abstract node Pa for its K-th child, brought to the child's shape:
/// summed where the child was broadcast, repeated where the rule is a scalar.
template <class Pa, std::size_t K> struct rule {
  using raw = at_t<K, vjp_rules_t<Pa, upstream_node<shape_of_t<Pa>>>>;
  using type = detail::if_t<is_zero_c<raw>::value, zero_t,
                            decltype(as_shape<shape_of_t<at_t<K, children_t<Pa>>>>(raw{}))>;
};
template <class Pa, std::size_t K> using rule_t = typename rule<Pa, K>::type;

template <class Pa, std::size_t K>
inline constexpr bool rule_nonzero_v = !is_zero_c<rule_t<Pa, K>>::value;

/// A node that runs its own backward step instead of per-child VJP rules (a loop: its
/// adjoints come out of one reverse pass over its steps). It provides
///   template <unsigned Active, unsigned Acc, class T>
///   static void backward(T* const* child_adj, T const* const* child_val, T const* self,
///                        T const* self_adj, T* scratch);
///   static constexpr std::size_t backward_scratch;   entries of scratch it uses
template <class Pa> using backward_scratch_of = decltype(Pa::backward_scratch);
template <class Pa>
concept custom_backward = detected_v<backward_scratch_of, Pa>;  // detail/detect.hpp

template <class Pa, std::size_t K> constexpr bool rule_nonzero_of() {
  if constexpr (custom_backward<Pa>) {
    return true;
  } else {
    return rule_nonzero_v<Pa, K>;
  }
}

// Scalar, not a function per node: see child_position in evaluate.hpp.
template <class N, std::size_t K, bool = (K < children_t<N>::size)>
struct rule_nonzero_at : std::false_type {};
template <class N, std::size_t K>
struct rule_nonzero_at<N, K, true> : std::bool_constant<rule_nonzero_of<abstract_t<N>, K>()> {};
template <class N, std::size_t W, class Seq = std::make_index_sequence<W>> struct nonzero_row;
template <class N, std::size_t W, std::size_t... Ks>
struct nonzero_row<N, W, std::index_sequence<Ks...>> {
  static constexpr std::array<bool, W> value{rule_nonzero_at<N, Ks>::value...};
};

template <class N, class Wanted>
struct wanted_index
    : std::integral_constant<
          std::size_t,
          detail::if_t<ctgrad::detail::is_var<N>::value && contains<Wanted, N>::value,
                       index_of<Wanted, N>, std::integral_constant<std::size_t, 0>>::value> {};

/// One node's backward step: its abstract node, and bit k set when the rule for child k
/// runs (Active) / adds to earlier contributions (Acc).
template <class Pa, unsigned Active, unsigned Acc> struct backward_step {};

/// Where one node's adjoint lives: the caller's gradient tensor WantedIndex (zeroed when the
/// loss does not depend on it, unless the caller accumulates into it), workspace at Offset,
/// or nowhere.
template <bool Wanted, bool HasAdj, std::size_t Size, std::size_t WantedIndex, std::size_t Offset,
          bool Keep = false>
struct adjoint_slot {};

// One slot's pointer. A function at namespace scope, keyed on the slot's numbers only: as a
// member of adjoint_setup each of a graph's N instances would be named after the whole slot
// list, and g++ mangles every instantiated function's name (N names of length N).
template <bool W, bool H, std::size_t Sz, std::size_t WI, std::size_t Off, bool K, class T>
CTGRAD_ALWAYS_INLINE constexpr T* adjoint_pointer(T* const* grad, T* ws) {
  if constexpr (W) {
    if constexpr (!H && !K)
      for (std::size_t e = 0; e < Sz; ++e) grad[WI][e] = T{};
    return grad[WI];
  } else if constexpr (H) {
    return ws + Off;
  } else {
    return nullptr;
  }
}
template <class Slots> struct adjoint_setup;
template <bool... Wanted, bool... HasAdj, std::size_t... Size, std::size_t... WantedIndex,
          std::size_t... Offset, bool... Keep>
struct adjoint_setup<type_list<adjoint_slot<Wanted, HasAdj, Size, WantedIndex, Offset, Keep>...>> {
  template <class T>
  CTGRAD_ALWAYS_INLINE static constexpr void run(T** adj, T* const* grad, T* ws) {
    std::size_t i = 0;
    bool const done[] = {
        (adj[i++] = adjoint_pointer<Wanted, HasAdj, Size, WantedIndex, Offset, Keep>(grad, ws),
         true)...,
        true};
    (void)done;
  }
};

// The scratch the rules of one backward step need (engine/execute.hpp's rule_scratch).
template <class Step> struct step_scratch;
template <class Pa, std::size_t K, bool Active> constexpr std::size_t active_rule_scratch() {
  if constexpr (Active) {
    return rule_scratch<rule_t<Pa, K>, Pa>();
  } else {
    return 0;
  }
}
template <class Pa, unsigned Active, unsigned Acc>
struct step_scratch<backward_step<Pa, Active, Acc>> {
  static constexpr std::size_t value = []<std::size_t... Ks>(std::index_sequence<Ks...>) {
    if constexpr (custom_backward<Pa>) {
      return Active != 0 ? Pa::backward_scratch : 0;
    } else {
      return max_of<active_rule_scratch<Pa, Ks, ((Active >> Ks) & 1u) != 0>()...>();
    }
  }
  (std::make_index_sequence<children_t<Pa>::size>{});
};
template <class Steps> struct steps_scratch;
template <class... Steps> struct steps_scratch<type_list<Steps...>> {
  static constexpr std::size_t value = max_of<step_scratch<Steps>::value...>();
};

/// The schedule of a reverse sweep over Order whose adjoints of the variables in Wanted go
/// to the caller's tensors: assigned, except for those also in Kept, which are added to
/// (a loop's parameter gradients, summed over its steps).
template <class Order, class Wanted, class Kept = type_list<>> struct sweep;
template <class... Ns, class Wanted, class Kept> struct sweep<type_list<Ns...>, Wanted, Kept> {
  using order = type_list<Ns...>;
  using P = plan<order>;
  static constexpr std::size_t n = P::n;
  static constexpr std::size_t root = n - 1;
  static constexpr std::size_t width = P::width;

  static constexpr std::array<bool, n> wanted{contains<Wanted, Ns>::value...};
  static constexpr std::array<bool, n> kept{
      (contains<Wanted, Ns>::value && contains<Kept, Ns>::value)...};
  using nonzero_table = std::array<std::array<bool, width>, n>;
  static constexpr nonzero_table nonzero = [] {
    if constexpr (width == max_arity) {
      return nonzero_table{
          std::array<bool, width>{rule_nonzero_at<Ns, 0>::value, rule_nonzero_at<Ns, 1>::value,
                                  rule_nonzero_at<Ns, 2>::value, rule_nonzero_at<Ns, 3>::value}...};
    } else {
      return nonzero_table{nonzero_row<Ns, width>::value...};
    }
  }();

  struct schedule_t {
    // (One object, so the runtime code references one symbol named after the net.)
    std::array<bool, n> wanted{};                         // node is a wanted variable
    std::array<std::size_t, n> wanted_index{};            // ... at this position in grads
    std::array<std::size_t, n> size{};                    // node's number of entries
    std::array<std::array<unsigned, 2>, n> mask{};        // bits of active, accumulate
    std::array<bool, n> has_adj{};                        // node receives a nonzero adjoint
    std::array<std::array<bool, width>, n> active{};      // parent i sends to its child k
    std::array<std::array<bool, width>, n> accumulate{};  // ... adding to earlier ones
    std::array<std::size_t, n + 1> offset{};              // adjoint workspace layout
  };
  static constexpr schedule_t schedule = [] {
    schedule_t sched{};
    std::array<bool, n> needs{};  // depends on a wanted variable
    for (std::size_t node = 0; node < n; ++node) {
      needs[node] = wanted[node];
      for (std::size_t slot = 0; slot < P::arity[node]; ++slot)
        needs[node] = needs[node] || needs[P::child[node][slot]];
    }
    sched.has_adj[root] = needs[root];
    std::array<bool, n> assigned{};
    for (std::size_t step = 0; step < n; ++step) {
      std::size_t const node = n - 1 - step;
      if (!sched.has_adj[node]) continue;
      for (std::size_t slot = 0; slot < P::arity[node]; ++slot) {
        std::size_t const child = P::child[node][slot];
        if (!needs[child] || !nonzero[node][slot]) continue;
        sched.active[node][slot] = true;
        sched.accumulate[node][slot] = assigned[child] || kept[child];
        assigned[child] = true;
        sched.has_adj[child] = true;
      }
    }
    sched.wanted = wanted;
    sched.wanted_index = {wanted_index<Ns, Wanted>::value...};
    sched.size = {shape_of_t<Ns>::size...};
    for (std::size_t node = 0; node < n; ++node) {
      std::size_t const next =
          node + 1 < n && sched.has_adj[node + 1] && !wanted[node + 1] ? sched.size[node + 1] : 0;
      sched.offset[node + 1] = slot_start(
          sched.offset[node] + (sched.has_adj[node] && !wanted[node] ? sched.size[node] : 0), next);
      for (std::size_t slot = 0; slot < width; ++slot) {
        sched.mask[node][0] |= unsigned{sched.active[node][slot]} << slot;
        sched.mask[node][1] |= unsigned{sched.accumulate[node][slot]} << slot;
      }
    }
    return sched;
  }();
  static constexpr std::size_t workspace = schedule.offset[n];

  // The steps in reverse order, with their masks as template arguments (constants, so
  // only the rules that run are instantiated).
  template <class Seq> struct reversed;
  template <std::size_t... Js> struct reversed<std::index_sequence<Js...>> {
    using type =
        type_list<backward_step<at_t<n - 1 - Js, typename backward_abstracts<order>::type>,
                                schedule.mask[n - 1 - Js][0], schedule.mask[n - 1 - Js][1]>...>;
  };
  using reversed_steps = typename reversed<std::make_index_sequence<n>>::type;

  template <class Seq> struct slots;
  template <std::size_t... Is> struct slots<std::index_sequence<Is...>> {
    using type =
        type_list<adjoint_slot<schedule.wanted[Is], schedule.has_adj[Is], schedule.size[Is],
                               schedule.wanted_index[Is], schedule.offset[Is], kept[Is]>...>;
  };
  using adjoint_slots = typename slots<std::make_index_sequence<n>>::type;

  // The workspace of a gradient: forward values, adjoints, and the largest scratch area a
  // rule that runs needs, each region starting on a 64-byte boundary.
  static constexpr std::size_t scratch = steps_scratch<reversed_steps>::value;
  static constexpr std::size_t adjoint_at = round_up_16(P::workspace);
  static constexpr std::size_t scratch_at = adjoint_at + round_up_16(workspace);
  static constexpr std::size_t total = scratch == 0 ? adjoint_at + workspace : scratch_at + scratch;
};

// The backward step of one node, keyed on its abstract node and two bit masks only (see
// forward_node): for each child k whose bit is set in Active, child's adjoint (+)= rule k,
// adding when bit k of Acc is set. Rules that do not run are not instantiated.
template <class Pa, std::size_t K, bool Active, bool Acc, class T>
constexpr void send(T* const* adj, std::size_t c, rule_inputs<T> const& in) {
  if constexpr (Active) run_expr<rule_t<Pa, K>, Pa, Acc>(adj[c], in);
}

template <class Pa, unsigned Active, unsigned Acc, class T, std::size_t W>
CTGRAD_ALWAYS_INLINE constexpr void backward_node(T* const* adj, T const* const* val, T* scratch,
                                                  std::size_t i,
                                                  std::array<std::size_t, W> const& child,
                                                  [[maybe_unused]] std::size_t n) {
  if constexpr (Active != 0 && custom_backward<Pa>) {
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      T* const child_adj[] = {adj[child[Ks]]...};
      T const* const child_val[] = {val[child[Ks]]...};
      Pa::template backward<Active, Acc>(child_adj, child_val, val[i], adj[i], scratch);
    }
    (std::make_index_sequence<children_t<Pa>::size>{});
  } else if constexpr (Active != 0) {
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      T const* const slots[] = {val[child[Ks]]...};
      rule_inputs<T> const in{slots, val[i], adj[i], scratch};
      (send<Pa, Ks, ((Active >> Ks) & 1u) != 0, ((Acc >> Ks) & 1u) != 0>(adj, child[Ks], in), ...);
    }
    (std::make_index_sequence<children_t<Pa>::size>{});
#ifdef CTGRAD_INSTRUMENT
    if (!std::is_constant_evaluated()) instrument::on_backward(i, n);
#endif
  }
}

// The backward steps of a graph in reverse order (see forward_steps): step Start + j of
// the reversed list is node n - 1 - Start - j.
template <class Steps> struct backward_steps;
template <class... Pas, unsigned... Active, unsigned... Acc>
struct backward_steps<type_list<backward_step<Pas, Active, Acc>...>> {
  template <std::size_t Start, class T, std::size_t W, std::size_t... Js>
  CTGRAD_ALWAYS_INLINE static constexpr void run(std::index_sequence<Js...>, T* const* adj,
                                                 T const* const* val, T* scratch,
                                                 std::array<std::size_t, W> const* child,
                                                 std::size_t n) {
    bool const done[] = {(backward_node<Pas, Active, Acc>(adj, val, scratch, n - 1 - Start - Js,
                                                          child[n - 1 - Start - Js], n),
                          true)...,
                         true};
    (void)done;
  }
};
// A backward step's function, for the pieces' tables of addresses.
template <class Step, class T, std::size_t W> struct step_function;
template <class Pa, unsigned Active, unsigned Acc, class T, std::size_t W>
struct step_function<backward_step<Pa, Active, Acc>, T, W> {
  static constexpr void run(T* const* adj, T const* const* val, T* scratch, std::size_t i,
                            std::array<std::size_t, W> const& child, std::size_t n) {
    backward_node<Pa, Active, Acc>(adj, val, scratch, i, child, n);
  }
};
// Pieces of a long graph's sweep, each a function of its own (see forward_piece).
template <class Piece, std::size_t Start> struct backward_piece;
template <class... Steps, std::size_t Start> struct backward_piece<type_list<Steps...>, Start> {
  template <class T, std::size_t W>
  CTGRAD_NOINLINE static constexpr void run(T* const* adj, T const* const* val, T* scratch,
                                            std::array<std::size_t, W> const* child,
                                            std::size_t n) {
    // A table of the steps' addresses, as in forward_piece.
    using step_fn = void (*)(T* const*, T const* const*, T*, std::size_t,
                             std::array<std::size_t, W> const&, std::size_t);
    constexpr step_fn step_table[] = {&step_function<Steps, T, W>::run...};
    for (std::size_t step_index = 0; step_index < sizeof...(Steps); ++step_index) {
      std::size_t const node_index = n - 1 - Start - step_index;
      step_table[step_index](adj, val, scratch, node_index, child[node_index], n);
    }
  }
};
template <class Steps, class T, std::size_t W>
CTGRAD_ALWAYS_INLINE constexpr void backward_pass(T* const* adj, T const* const* val, T* scratch,
                                                  std::array<std::size_t, W> const* child) {
  constexpr std::size_t n = Steps::size;
  if constexpr (!in_pieces<n>) {
    backward_steps<Steps>::template run<0>(std::make_index_sequence<n>{}, adj, val, scratch, child,
                                           n);
  } else {
    [&]<std::size_t... Cs>(std::index_sequence<Cs...>) {
      (backward_piece<piece_t<Steps, Cs>, Cs * piece_nodes>::run(adj, val, scratch, child, n), ...);
    }
    (std::make_index_sequence<(n + piece_nodes - 1) / piece_nodes>{});
  }
}

template <class Loss, class Wanted> using sweep_of = sweep<topological_order_t<Loss>, Wanted>;

/// The gradient of Loss into grads, with every intermediate value in ws (total entries of
/// sweep_of<Loss, Wanted>): forward values, then adjoints, then rule scratch. Not zero-filled:
/// the schedule writes every entry before it is read (forward values in order; each
/// adjoint's first contribution assigns).
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T backprop_in(var_set<T, Wanted...>& grads,
                                             source_table<T, Sources...> const& table, T* captured,
                                             T* ws) {
  using order = topological_order_t<Loss>;
  using S = sweep<order, typename var_set<T, Wanted...>::variables>;
  using P = typename S::P;
  constexpr std::size_t n = S::n;
  constexpr std::size_t root = S::root;

  std::array<T const*, n> val;
  forward_pass<order>(ws, val.data(), table);
  if constexpr (!__is_same(Captured, void)) {
    T const* from = val[index_of<order, Captured>::value];
    for (std::size_t i = 0; i < shape_of_t<Captured>::size; ++i) captured[i] = from[i];
  }

  // Where each adjoint lives: the caller's gradient tensor for a wanted variable (zeroed
  // when the loss does not depend on it), else a workspace slot if the node needs one.
  std::array<T*, sizeof...(Wanted) + 1> grad_ptr{};  // + 1: never empty
  std::size_t g = 0;
  for (T* p : grads.pointers()) grad_ptr[g++] = p;
  std::array<T*, n> adj;
  adjoint_setup<typename S::adjoint_slots>::run(adj.data(), grad_ptr.data(), ws + S::adjoint_at);
  if constexpr (S::schedule.has_adj[root]) adj[root][0] = T{1};

  backward_pass<typename S::reversed_steps>(adj.data(), val.data(), ws + S::scratch_at,
                                            P::child.data());
  return val[root][0];
}

// The workspace as a local array: small graphs, and constant evaluation.
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T backprop_inline(var_set<T, Wanted...>& grads,
                                                 source_table<T, Sources...> const& table,
                                                 T* captured) {
  using S = sweep_of<Loss, typename var_set<T, Wanted...>::variables>;
  alignas(64) std::array<T, S::total + 1> ws;  // + 1: never a zero-sized array
  return backprop_in<Loss, Captured>(grads, table, captured, ws.data());
}

// The sweep as a function of its own, called: one copy however many call sites a net has.
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
constexpr T backprop_outlined(var_set<T, Wanted...>& grads,
                              source_table<T, Sources...> const& table, T* captured) {
  return backprop_inline<Loss, Captured>(grads, table, captured);
}
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
T backprop_outlined_in(var_set<T, Wanted...>& grads, source_table<T, Sources...> const& table,
                       T* captured, T* ws) {
  return backprop_in<Loss, Captured>(grads, table, captured, ws);
}

// Small graphs (a scalar formula, a tiny net) are inlined into the caller: a call and reading
// the inputs through the source table cost a nanosecond, 20% of the lesson's chain rule
// (sin(x^2)^2). So are graphs whose workspace is small, whatever their node count: the 4-8-2
// MLP's gradient (11 nodes, 51 entries) took 33 ns called and 28 ns inlined (g++ 12), where
// the call's source table puts a store and a pointer load before every parameter's first
// load. Larger ones stay one function.
inline constexpr std::size_t inline_nodes = 8;
/// ... or at most this many workspace entries (forward values, adjoints and scratch).
inline constexpr std::size_t inline_workspace = 256;
template <class S, std::size_t Nodes>
inline constexpr bool inline_sweep_v = Nodes <= inline_nodes || S::total <= inline_workspace;

/// The gradient with its workspace in the caller's ws.
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T backprop(var_set<T, Wanted...>& grads,
                                          source_table<T, Sources...> const& table, T* captured,
                                          T* ws) {
  using S = sweep_of<Loss, typename var_set<T, Wanted...>::variables>;
  if constexpr (inline_sweep_v<S, topological_order_t<Loss>::size>) {
    return backprop_in<Loss, Captured>(grads, table, captured, ws);
  } else {
    return backprop_outlined_in<Loss, Captured>(grads, table, captured, ws);
  }
}

/// The gradient with its workspace where the size says: a local array up to
/// CTGRAD_STACK_WORKSPACE bytes, else the calling thread's buffer (engine/workspace.hpp).
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T backprop(var_set<T, Wanted...>& grads,
                                          source_table<T, Sources...> const& table, T* captured) {
  using S = sweep_of<Loss, typename var_set<T, Wanted...>::variables>;
  if constexpr (fits_stack_v<(S::total + 1) * sizeof(T), stack_workspace_bytes>) {
    if constexpr (inline_sweep_v<S, topological_order_t<Loss>::size>) {
      return backprop_inline<Loss, Captured>(grads, table, captured);
    } else {
      return backprop_outlined<Loss, Captured>(grads, table, captured);
    }
  } else {
#ifdef CTGRAD_NO_IMPLICIT_HEAP
    require_grad_on_stack<(S::total + 1) * sizeof(T), stack_workspace_bytes>();
    return T{};
#else
    return backprop_outlined_in<Loss, Captured>(grads, table, captured,
                                                thread_workspace<T, S::total>());
#endif
  }
}

}  // namespace ctgrad::detail
