// SPDX-License-Identifier: BSL-1.0
// Loops in the type: a body expression (a "cell") run T times, derived once.
//   constexpr auto h = carry<"h", B, H>;          the carried state
//   constexpr auto x = step_input<"x", B, In>;     one step's slice of the sequence
//   auto cell = tanh(matmul(x, Wx) + matmul(h, Wh) + b);          the next state
//   auto hs = scan(cell, h = h0, x = X);    X [T, B, In], h0 [B, H]  ->  hs [T, B, H]
//   auto hT = last(hs);                                                  [B, H]
// Several carried states (an LSTM's h and c): the cell is bundle(h_next, c_next), in the
// order of the carry bindings, and states<K>(loop) / last<K>(loop) read state K.
// A loop without a sequence runs a fixed trip count: scan<T>(cell, h = h0).
//
// The loop is one node of the outer graph. Its children are the initial states, the
// sequences and the body's other variables (parameters, inputs), so gradients reach them
// as for any node. Forward runs the body's plan T times and keeps each step's body values
// that the body's backward reads next to the loop's output (the node's cache, sized at
// compile time, in the workspace).
// Backward runs the body's reverse sweep for t = T-1 ... 0 from those values: the state's
// adjoint is carried back, the step inputs' adjoints land in their sequence's slice and
// the parameters' gradients are summed over the steps. The body is planned, derived and
// compiled once, whatever T is: compile time does not grow with the trip count.
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/config.hpp>
#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/engine/forward.hpp>
#include <ctgrad/engine/plan.hpp>
#include <ctgrad/engine/print.hpp>
#include <ctgrad/engine/sweep.hpp>
#include <ctgrad/engine/workspace.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/elementwise.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace ctgrad {

/// Prepends dimension N to shape S (defined for shapes below).
template <std::size_t N, class S> struct prepend_dim;
/// Prepends dimension N to a shape.
template <std::size_t N, std::size_t... Dims> struct prepend_dim<N, shape<Dims...>> {
  /// shape<N, Dims...>.
  using type = shape<N, Dims...>;
};
/// shape<N, Dims...> from shape<Dims...>.
template <std::size_t N, class S> using prepend_dim_t = typename prepend_dim<N, S>::type;

namespace detail {
template <class... Ts> constexpr std::array<std::size_t, sizeof...(Ts) + 1> prefix_sizes() {
  std::array<std::size_t, sizeof...(Ts) + 1> at{};
  std::size_t const sizes[] = {shape_of_t<Ts>::size..., 0};
  for (std::size_t kk = 0; kk < sizeof...(Ts); ++kk) at[kk + 1] = at[kk] + sizes[kk];
  return at;
}
template <unsigned Mask, std::size_t K> inline constexpr bool bit_v = ((Mask >> K) & 1u) != 0;

// Which values a backward step reads: bit j for its input j, self_bit for its own output.
// A primitive's rule reads what its expression names; a node with its own backward step
// reads everything unless it says it reads no value (it only moves adjoints).
inline constexpr unsigned long long self_bit = 1ull << 63;
template <class Pa, class M> constexpr unsigned long long read_bit() {
  if constexpr (is_slot_v<M>) {
    return 1ull << M::index;
  } else if constexpr (__is_same(M, Pa)) {
    return self_bit;
  } else {
    return 0;
  }
}
template <class Pa, std::size_t K, bool Active> constexpr unsigned long long rule_reads() {
  if constexpr (!Active) {
    return 0;
  } else if constexpr (custom_backward<Pa>) {
    if constexpr (requires { Pa::reads_no_values; }) {
      return 0;
    } else {
      return ~0ull;
    }
  } else {
    return []<class... Ms>(type_list<Ms...>) {
      return (0ull | ... | read_bit<Pa, Ms>());
    }(topological_order_t<rule_t<Pa, K>>{});
  }
}
}  // namespace detail

// ---- bundle: several values as one (a cell's next states, in the carries' order)
/// The node of bundle(e1, e2, ...): several values as one vector, in order (a cell's next states,
/// in the carries' order).
template <class... Es> struct bundle_node : node<Es...> {
  /// Where each value starts in the bundle (prefix sums of their sizes).
  static constexpr auto at = detail::prefix_sizes<Es...>();
  /// One vector of all the values' entries, one after the other.
  using shape = ctgrad::shape<at[sizeof...(Es)]>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "bundle"};
  /// Marks a bundle for the loop engine.
  static constexpr bool carries_bundle = true;
  /// The backward step reads no forward value: it only routes adjoints.
  static constexpr bool reads_no_values = true;
  /// forward_into takes any number of children.
  static constexpr bool any_arity_forward = true;
  /// Copies each value into its place (with Acc, adds to it).
  template <bool Acc, class T, class... In> static constexpr void forward_into(T* out, In... in) {
    T const* const from[] = {in...};
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      (kernels::copy<Acc, shape_of_t<Es>::size>(out + at[Ks], from[Ks]), ...);
    }
    (std::index_sequence_for<Es...>{});
  }
  /// The backward step needs no scratch.
  static constexpr std::size_t backward_scratch = 0;
  /// Sends each part of the upstream adjoint to its child.
  template <unsigned Active, unsigned Acc, class T>
  static constexpr void backward(T* const* child_adj, T const* const*, T const*, T const* up, T*) {
    // Zero first, then add: a child may fill two slots (bundle(a, a)).
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      ((detail::bit_v<Active, Ks> && !detail::bit_v<Acc, Ks>
            ? kernels::fill_zero<shape_of_t<Es>::size>(child_adj[Ks])
            : void()),
       ...);
      ((detail::bit_v<Active, Ks>
            ? kernels::copy<true, shape_of_t<Es>::size>(child_adj[Ks], up + at[Ks])
            : void()),
       ...);
    }
    (std::index_sequence_for<Es...>{});
  }
  /// A loop's derivative is not an expression: d through a bundle is a compile error saying so.
  static constexpr auto vjp(auto...) {
    static_assert(detail::always_false<bundle_node>,
                  "ctgrad::d(f, x): f contains a loop (bundle); a loop's derivative is run by "
                  "grad and grad_into, not built as an expression");
    return invalid_expression{};
  }
};

/// The next states of a cell with several carried states, in the order of their bindings.
template <Expression... Es> constexpr bundle_node<Es...> bundle(Es...) { return {}; }

// ---- the loop node
namespace detail {
template <class Body, class Carries, class Steps, class Frees, std::size_t Trip>
struct loop_spec {};

template <class N>
struct is_free_var : std::bool_constant<ctgrad::detail::is_var<N>::value && !is_carry_v<N> &&
                                        !is_step_input_v<N>> {};
template <class B> struct is_carry_binding : std::false_type {};
template <class V, class E>
struct is_carry_binding<expr_binding<V, E>> : std::bool_constant<is_carry_v<V>> {};
template <class B> struct is_step_binding : std::false_type {};
template <class V, class E>
struct is_step_binding<expr_binding<V, E>> : std::bool_constant<is_step_input_v<V>> {};

template <class List> struct binding_vars;
template <class... Bs> struct binding_vars<type_list<Bs...>> {
  using type = type_list<typename Bs::variable...>;
};
template <class List> struct binding_exprs;
template <class... Bs> struct binding_exprs<type_list<Bs...>> {
  using type = type_list<typename Bs::expression...>;
};

// Variables picked by a mask over a list, starting at bit First.
template <unsigned Mask, std::size_t First, class List,
          class Seq = std::make_index_sequence<List::size>>
struct masked;
template <unsigned Mask, std::size_t First, class... Vs, std::size_t... Ks>
struct masked<Mask, First, type_list<Vs...>, std::index_sequence<Ks...>> {
  using type =
      typename concat<type_list<>,
                      detail::if_t<bit_v<Mask, First + Ks>, type_list<Vs>, type_list<>>...>::type;
};
}  // namespace detail

/// The node of scan(...): a body derived once and run Trip times, carrying states, reading one
/// slice of each step input per step (see the README's loops section and engine/loop.hpp).
template <class Spec, class... Cs> struct loop_node;
/// The loop node for one loop_spec: the body, its carries, step inputs and free variables,
/// the trip count.
template <class Body, class... Carries, class... Steps, class... Frees, std::size_t Trip,
          class... Cs>
struct loop_node<detail::loop_spec<Body, detail::type_list<Carries...>, detail::type_list<Steps...>,
                                   detail::type_list<Frees...>, Trip>,
                 Cs...> : node<Cs...> {
  static constexpr std::size_t trip = Trip;
  static constexpr std::size_t carries = sizeof...(Carries);
  static constexpr std::size_t steps = sizeof...(Steps);
  static constexpr auto carry_at = detail::prefix_sizes<Carries...>();
  static constexpr std::size_t state_size = carry_at[carries];
  static constexpr std::array<std::size_t, steps + 1> step_size{shape_of_t<Steps>::size..., 0};
  using shape =
      detail::if_t<carries == 1,
                   prepend_dim_t<Trip, shape_of_t<detail::at_t<0, detail::type_list<Carries...>>>>,
                   ctgrad::shape<Trip, state_size>>;
  using body = Body;
  using carry_vars = detail::type_list<Carries...>;

  // The body's plan; its variables are read from a table laid out as carries, steps, frees.
  using body_order = topological_order_t<Body>;
  using body_plan = detail::plan<body_order>;
  static constexpr std::size_t body_nodes = body_plan::n;
  using sources = detail::type_list<Carries..., Steps..., Frees...>;
  template <class N>
  static constexpr std::size_t source_of = [] {
    if constexpr (ctgrad::detail::is_var<N>::value) {
      return detail::index_of<sources, N>::value;
    } else {
      return std::size_t{0};
    }
  }();
  static constexpr auto bound = []<class... Ns>(detail::type_list<Ns...>) {
    return std::array<std::size_t, sizeof...(Ns) + 1>{source_of<Ns>..., 0};
  }(body_order{});
  static constexpr auto is_var = []<class... Ns>(detail::type_list<Ns...>) {
    return std::array<bool, sizeof...(Ns) + 1>{ctgrad::detail::is_var<Ns>::value..., false};
  }(body_order{});

  // The body's reverse sweep with respect to everything (the largest one; a gradient with
  // respect to fewer variables runs a subset of its rules).
  // The step inputs and free variables whose children's bits are set in Active.
  template <unsigned Active>
  using active_steps = typename detail::masked<Active, carries, detail::type_list<Steps...>>::type;
  template <unsigned Active>
  using active_frees =
      typename detail::masked<Active, carries + steps, detail::type_list<Frees...>>::type;
  // The variables the body's sweep differentiates for: every carry (the state's adjoint
  // travels back whatever is wanted) and the active step inputs and free variables, whose
  // adjoints are added to (Kept: the loop starts them at zero).
  template <unsigned Active>
  using wanted_vars = typename detail::concat<detail::type_list<Carries...>, active_steps<Active>,
                                              active_frees<Active>>::type;
  template <unsigned Active>
  using body_sweep =
      detail::sweep<body_order, wanted_vars<Active>,
                    typename detail::concat<active_steps<Active>, active_frees<Active>>::type>;
  using full_sweep = body_sweep<~0u>;

  // What the body's backward reads: a node's value is kept for every step when a rule that
  // runs reads it (as an input or as the rule's own output); the others are written to one
  // transient region that each step reuses.
  template <class N, std::size_t I> static constexpr unsigned long long node_reads() {
    if constexpr (ctgrad::detail::is_var<N>::value || detail::is_constant<N>::value) {
      return 0;
    } else {
      return []<std::size_t... Ks>(std::index_sequence<Ks...>) {
        return (0ull | ... |
                detail::rule_reads<abstract_t<N>, Ks, full_sweep::schedule.active[I][Ks]>());
      }
      (std::make_index_sequence<children_t<N>::size>{});
    }
  }
  static constexpr auto reads = []<std::size_t... Is>(std::index_sequence<Is...>) {
    return std::array<unsigned long long, sizeof...(Is) + 1>{
        node_reads<detail::at_t<Is, body_order>, Is>()..., 0};
  }
  (std::make_index_sequence<body_nodes>{});
  static constexpr auto sizes = []<class... Ns>(detail::type_list<Ns...>) {
    return std::array<std::size_t, sizeof...(Ns) + 1>{detail::slot_size<Ns>::value..., 0};
  }(body_order{});
  struct layout_t {
    std::array<bool, body_nodes + 1> kept{};
    std::array<std::size_t, body_nodes + 1> base{};      // from the cache's start, at step 0
    std::array<std::size_t, body_nodes + 1> per_step{};  // kept_size for kept nodes, else 0
    std::size_t transient = 0, kept_size = 0;
  };
  static constexpr layout_t layout = [] {
    layout_t l{};
    for (std::size_t node_i = 0; node_i < body_nodes; ++node_i) {
      if ((reads[node_i] & detail::self_bit) != 0) l.kept[node_i] = true;
      for (std::size_t kk = 0; kk < body_plan::arity[node_i]; ++kk)
        if (((reads[node_i] >> kk) & 1ull) != 0) l.kept[body_plan::child[node_i][kk]] = true;
    }
    std::array<std::size_t, body_nodes + 1> kept_at{};
    for (std::size_t node_i = 0; node_i < body_nodes; ++node_i) {
      if (is_var[node_i]) continue;
      std::size_t& end = l.kept[node_i] ? l.kept_size : l.transient;
      std::size_t const at = detail::slot_start(end, sizes[node_i]);
      (l.kept[node_i] ? kept_at[node_i] : l.base[node_i]) = at;
      end = at + sizes[node_i];
    }
    l.transient = detail::round_up_16(l.transient);
    l.kept_size = detail::round_up_16(l.kept_size);
    for (std::size_t node_i = 0; node_i < body_nodes; ++node_i)
      if (l.kept[node_i] && !is_var[node_i]) {
        l.base[node_i] = l.transient + kept_at[node_i];
        l.per_step[node_i] = l.kept_size;
      }
    return l;
  }();
  static constexpr std::size_t cache_at = detail::round_up_16(shape::size);
  static constexpr std::size_t cache_size =
      cache_at - shape::size + layout.transient + Trip * layout.kept_size;

  static constexpr print_style style{print_style::custom};
  static std::string print(auto const&... children) {
    std::string const args[] = {children...};
    std::string const vars[] = {std::string(Carries::name)..., std::string(Steps::name)...};
    std::string si = "scan<" + std::to_string(Trip) + ">(" + to_string(Body{});
    for (std::size_t kk = 0; kk < carries + steps; ++kk) si += ", " + vars[kk] + " = " + args[kk];
    return si + ")";
  }

  template <class T>
  static constexpr void step_sources(T const** src, T const* const* child, T const* out,
                                     std::size_t step_t) {
    for (std::size_t ci = 0; ci < carries; ++ci)
      src[ci] = step_t == 0 ? child[ci] : out + (step_t - 1) * state_size + carry_at[ci];
    for (std::size_t si = 0; si < steps; ++si)
      src[carries + si] = child[carries + si] + step_t * step_size[si];
  }

  static constexpr bool any_arity_forward = true;
  template <bool Acc, class T, class... In> static constexpr void forward_into(T* out, In... in) {
    static_assert(!Acc, "ctgrad: a loop's value is computed once, never added to");
    T const* const child[] = {in..., nullptr};
    std::array<T const*, sizeof...(Cs) + 1> src{};
    for (std::size_t kk = carries + steps; kk < sizeof...(Cs); ++kk) src[kk] = child[kk];
    std::array<T const*, body_nodes> val;
    std::array<std::size_t, body_nodes + 1> offset;
    for (std::size_t step_t = 0; step_t < Trip; ++step_t) {
      step_sources(src.data(), child, out, step_t);
      for (std::size_t node_i = 0; node_i < body_nodes; ++node_i)
        offset[node_i] = layout.base[node_i] + step_t * layout.per_step[node_i];
      detail::forward_steps<typename detail::forward_abstracts<body_order>::type>::template run<0>(
          std::make_index_sequence<body_nodes>{}, out + cache_at, val.data(),
          body_plan::child.data(), offset.data(), src.data(), bound.data(), body_nodes);
      kernels::copy<false, state_size>(out + step_t * state_size, val[body_nodes - 1]);
    }
  }

  // The body's reverse sweep for the children whose bits are set in Active (body_sweep):
  // the carries' adjoints are assigned (dh_{t-1}); step inputs' go to their sequence's
  // slice; the free variables' are summed over the steps (Kept: added to, from zero).
  static constexpr std::size_t state_at = detail::round_up_16(state_size);
  static constexpr std::size_t backward_scratch =
      2 * state_at + detail::round_up_16(full_sweep::workspace) + full_sweep::scratch + 1;

  template <unsigned Active, unsigned Acc, class T>
  static constexpr void backward(T* const* child_adj, T const* const* child_val, T const* self,
                                 T const* up, T* scratch) {
    using S = body_sweep<Active>;
    using wanted = wanted_vars<Active>;
    T* const dcarry = scratch;
    T* const g_sum = scratch + state_at;
    T* const adj_ws = g_sum + state_at;
    T* const rule_scratch = adj_ws + detail::round_up_16(S::workspace);

    // Every adjoint this loop sends is a sum (over steps, or with another slot holding the
    // same child: a state's initial value may also be a parameter of the cell). So each
    // child whose first contribution this is starts at zero, before any slot adds to it.
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      ((detail::bit_v<Active, Ks> && !detail::bit_v<Acc, Ks>
            ? kernels::fill_zero<shape_of_t<Cs>::size>(child_adj[Ks])
            : void()),
       ...);
    }
    (std::index_sequence_for<Cs...>{});
    for (std::size_t entry = 0; entry < state_size; ++entry) dcarry[entry] = T{};

    std::array<T const*, sizeof...(Cs) + 1> src{};
    for (std::size_t kk = carries + steps; kk < sizeof...(Cs); ++kk) src[kk] = child_val[kk];
    std::array<T const*, body_nodes> val;
    std::array<T*, body_nodes> adj;
    std::array<T*, wanted::size + 1> grad{};
    for (std::size_t step = 0; step < Trip; ++step) {
      std::size_t const step_t = Trip - 1 - step;
      for (std::size_t entry = 0; entry < state_size; ++entry)
        g_sum[entry] = up[step_t * state_size + entry] + dcarry[entry];
      step_sources(src.data(), child_val, self, step_t);
      // Values the backward reads are kept per step; the transient ones are not read.
      for (std::size_t node_i = 0; node_i < body_nodes; ++node_i)
        val[node_i] = is_var[node_i] ? src[bound[node_i]]
                                     : self + cache_at + layout.base[node_i] +
                                           step_t * layout.per_step[node_i];
      // The wanted variables' adjoints, in the order of `wanted`.
      [&]<class... Ws>(detail::type_list<Ws...>) {
        std::size_t wi = 0;
        ((grad[wi++] = [&]() -> T* {
           constexpr std::size_t kk = detail::index_of<sources, Ws>::value;
           if constexpr (kk < carries) {
             return dcarry + carry_at[kk];
           } else if constexpr (kk < carries + steps) {
             return child_adj[kk] + step_t * step_size[kk - carries];
           } else {
             return child_adj[kk];
           }
         }()),
         ...);
      }(wanted{});
      if constexpr (!(detail::contains<body_order, Carries>::value && ...))
        for (std::size_t entry = 0; entry < state_size; ++entry)
          dcarry[entry] = T{};  // a carry the cell ignores
      detail::adjoint_setup<typename S::adjoint_slots>::run(adj.data(), grad.data(), adj_ws);
      adj[body_nodes - 1] = g_sum;
      detail::backward_pass<typename S::reversed_steps>(adj.data(), val.data(), rule_scratch,
                                                        body_plan::child.data());
    }
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      ((detail::bit_v<Active, Ks>
            ? kernels::copy<true, shape_of_t<Carries>::size>(child_adj[Ks], dcarry + carry_at[Ks])
            : void()),
       ...);
    }
    (std::index_sequence_for<Carries...>{});
  }

  static constexpr auto vjp(auto...) {
    static_assert(detail::always_false<loop_node>,
                  "ctgrad::d(f, x): f contains a loop; a loop's derivative is run by grad and "
                  "grad_into, not built as an expression");
    return invalid_expression{};
  }
};

/// True when N is a loop node (scan).
template <class N> inline constexpr bool is_loop_v = false;
/// True: a loop_node.
template <class Spec, class... Cs> inline constexpr bool is_loop_v<loop_node<Spec, Cs...>> = true;

// ---- reading a loop's states
namespace detail {
// Count chunks of Chunk entries, the r-th read at Offset + r * Stride of the child.
template <std::size_t Offset, std::size_t Chunk, std::size_t Stride, std::size_t Count, class Shape,
          class Name>
struct gather_spec {};
}  // namespace detail

/// Reads Count chunks of a child's value into one value (a loop's per-step slices, last, states).
template <class E, class Spec> struct gather_node;
/// The gather for one gather_spec: chunk r of Chunk entries is read at Offset + r * Stride.
template <class E, std::size_t Offset, std::size_t Chunk, std::size_t Stride, std::size_t Count,
          class Shape, class Name>
struct gather_node<E, detail::gather_spec<Offset, Chunk, Stride, Count, Shape, Name>> : node<E> {
  using shape = Shape;
  static constexpr print_style style{print_style::call, Name::view()};
  static constexpr bool reads_no_values = true;
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* in) {
    for (std::size_t r = 0; r < Count; ++r)
      kernels::copy<Acc, Chunk>(out + r * Chunk, in + Offset + r * Stride);
  }
  static constexpr std::size_t backward_scratch = 0;
  template <unsigned Active, unsigned Acc, class T>
  static constexpr void backward(T* const* child_adj, T const* const*, T const*, T const* up, T*) {
    if constexpr (detail::bit_v<Active, 0>) {
      if constexpr (!detail::bit_v<Acc, 0>) kernels::fill_zero<shape_of_t<E>::size>(child_adj[0]);
      for (std::size_t r = 0; r < Count; ++r)
        kernels::copy<true, Chunk>(child_adj[0] + Offset + r * Stride, up + r * Chunk);
    }
  }
  static constexpr auto vjp(auto...) {
    static_assert(detail::always_false<gather_node>,
                  "ctgrad::d(f, x): f contains a loop; a loop's derivative is run by grad and "
                  "grad_into, not built as an expression");
    return invalid_expression{};
  }
};

namespace detail {
template <class L, std::size_t K> using carry_t = at_t<K, typename L::carry_vars>;
}  // namespace detail

/// The last state of a loop (state K when it carries several): the loop's result.
template <std::size_t K = 0, Expression L> constexpr auto last(L) {
  if constexpr (!is_loop_v<L>) {
    static_assert(is_loop_v<L>, "ctgrad::last(l): l must be a loop (ctgrad::scan)");
    return invalid_expression{};
  } else if constexpr (K >= L::carries) {
    static_assert(K < L::carries, "ctgrad::last<K>(l): the loop carries fewer states");
    return invalid_expression{};
  } else {
    using C = detail::carry_t<L, K>;
    return gather_node<
        L, detail::gather_spec<(L::trip - 1) * L::state_size + L::carry_at[K], shape_of_t<C>::size,
                               0, 1, shape_of_t<C>, detail::to_name_t<"last">>>{};
  }
}

/// State K of every step, [T, state K's shape...] (a loop of one state is that already).
template <std::size_t K, Expression L> constexpr auto states(L) {
  if constexpr (!is_loop_v<L>) {
    static_assert(is_loop_v<L>, "ctgrad::states<K>(l): l must be a loop (ctgrad::scan)");
    return invalid_expression{};
  } else if constexpr (K >= L::carries) {
    static_assert(K < L::carries, "ctgrad::states<K>(l): the loop carries fewer states");
    return invalid_expression{};
  } else {
    using C = detail::carry_t<L, K>;
    return gather_node<L, detail::gather_spec<L::carry_at[K], shape_of_t<C>::size, L::state_size,
                                              L::trip, prepend_dim_t<L::trip, shape_of_t<C>>,
                                              detail::to_name_t<"states">>>{};
  }
}

// ---- scan: building a loop, with the checks
namespace detail {
template <class Cell, class Carry>
inline constexpr bool cell_state_shape_v = same_shape_v<Cell, Carry>;
template <class Init, class Carry> inline constexpr bool init_shape_v = same_shape_v<Init, Carry>;
template <class Sequence, class StepInput>
inline constexpr bool sequence_shape_v = [] {
  if constexpr (Sequence::rank != StepInput::rank + 1) {
    return false;
  } else {
    for (std::size_t kk = 0; kk < StepInput::rank; ++kk)
      if (Sequence::dims[kk + 1] != StepInput::dims[kk]) return false;
    return true;
  }
}();
template <std::size_t SequenceLength, std::size_t LoopLength>
inline constexpr bool sequence_length_v = SequenceLength == LoopLength;

template <class Carry, class Next> constexpr bool require_cell_state() {
  static_assert(cell_state_shape_v<shape_of_t<Next>, shape_of_t<Carry>>,
                "ctgrad::scan(cell, h = h0, ...): the cell's next state must have the carried "
                "state's shape (the cell's shape, then the state's, are in this condition)");
  return cell_state_shape_v<shape_of_t<Next>, shape_of_t<Carry>>;
}
template <class B> constexpr bool require_binding_shape() {
  using V = typename B::variable;
  using E = typename B::expression;
  if constexpr (is_carry_v<V>) {
    static_assert(init_shape_v<shape_of_t<E>, shape_of_t<V>>,
                  "ctgrad::scan(cell, h = h0, ...): the initial state must have the carried "
                  "state's shape (h0's shape, then h's, are in this condition)");
    return init_shape_v<shape_of_t<E>, shape_of_t<V>>;
  } else {
    static_assert(sequence_shape_v<shape_of_t<E>, shape_of_t<V>>,
                  "ctgrad::scan(cell, x = X, ...): a sequence must be [T, <the step input's "
                  "shape>] (X's shape, then x's, are in this condition)");
    return sequence_shape_v<shape_of_t<E>, shape_of_t<V>>;
  }
}
template <class B, std::size_t Trip> constexpr bool require_length() {
  if constexpr (is_step_input_v<typename B::variable>) {
    static_assert(sequence_length_v<shape_of_t<typename B::expression>::dims[0], Trip>,
                  "ctgrad::scan(cell, x = X, ...): every sequence must have the loop's length (the "
                  "sequence's length, then the loop's, are in this condition)");
    return sequence_length_v<shape_of_t<typename B::expression>::dims[0], Trip>;
  } else {
    return true;
  }
}

template <class Cell, class CarryList> struct next_states { using type = type_list<Cell>; };
template <class... Es, class CarryList> struct next_states<bundle_node<Es...>, CarryList> {
  using type = detail::if_t<CarryList::size == 1, type_list<bundle_node<Es...>>, type_list<Es...>>;
};

template <std::size_t Given, class Steps> constexpr std::size_t trip_count() {
  if constexpr (Given != 0 || Steps::size == 0) {
    return Given;
  } else {
    return shape_of_t<typename at_t<0, Steps>::expression>::dims[0];
  }
}

template <class Body, class Carries, class Steps, class Frees, std::size_t Trip, class Children>
struct make_loop;
template <class Body, class Carries, class Steps, class Frees, std::size_t Trip, class... Cs>
struct make_loop<Body, Carries, Steps, Frees, Trip, type_list<Cs...>> {
  using type = loop_node<loop_spec<Body, Carries, Steps, Frees, Trip>, Cs...>;
};

template <class B> struct is_loop_binding : std::false_type {};
template <class V, class E> struct is_loop_binding<expr_binding<V, E>> : std::true_type {};

template <class... Carry, class... Next>
constexpr bool require_cells(type_list<Carry...>, type_list<Next...>) {
  return (require_cell_state<Carry, Next>() && ...);
}
}  // namespace detail

/// The loop running cell for each step, from the bindings h = h0 (carried states) and
/// x = X (sequences [T, ...], sliced per step); T is the sequences' length, or Trip when
/// there is no sequence. Its value is every step's state, [T, state...] (one state) or
/// [T, total size] (several; read them with states<K> and last<K>).
template <std::size_t Trip = 0, Expression Cell, class... Bindings>
constexpr auto scan(Cell, Bindings...) {
  using namespace detail;
  using all = type_list<Bindings...>;
  using carry_b = filter_t<is_carry_binding, all>;
  using step_b = filter_t<is_step_binding, all>;
  using carries = typename binding_vars<carry_b>::type;
  using steps = typename binding_vars<step_b>::type;
  constexpr std::size_t trip = trip_count<Trip, step_b>();
  using next = typename next_states<Cell, carries>::type;
  if constexpr (!(is_loop_binding<Bindings>::value && ...) ||
                carry_b::size + step_b::size != sizeof...(Bindings)) {
    static_assert(detail::always_false<Cell>,
                  "ctgrad::scan(cell, h = h0, x = X): pass carried states (ctgrad::carry) and step "
                  "inputs (ctgrad::step_input), each bound to an expression");
    return invalid_expression{};
  } else if constexpr (carry_b::size == 0) {
    static_assert(carry_b::size != 0,
                  "ctgrad::scan(cell, ...): bind at least one carried state, h = h0");
    return invalid_expression{};
  } else if constexpr (trip == 0) {
    static_assert(trip != 0,
                  "ctgrad::scan(cell, ...): without a sequence, give the trip count: scan<T>(...)");
    return invalid_expression{};
  } else if constexpr (next::size != carries::size) {
    static_assert(
        next::size == carries::size,
        "ctgrad::scan(bundle(...), ...): the cell must give one next state per carried state");
    return invalid_expression{};
  } else if constexpr (!(require_binding_shape<Bindings>() && ...)) {
    return invalid_expression{};
  } else if constexpr (!(require_length<Bindings, trip>() && ...)) {
    return invalid_expression{};
  } else if constexpr (!require_cells(carries{}, next{})) {
    return invalid_expression{};
  } else if constexpr (ctgrad::detail::is_var<Cell>::value) {
    static_assert(!ctgrad::detail::is_var<Cell>::value,
                  "ctgrad::scan(cell, ...): the cell must compute something");
    return invalid_expression{};
  } else {
    using frees = filter_t<is_free_var, topological_order_t<Cell>>;
    using children = typename concat<typename binding_exprs<carry_b>::type,
                                     typename binding_exprs<step_b>::type, frees>::type;
    return typename make_loop<Cell, carries, steps, frees, trip, children>::type{};
  }
}

}  // namespace ctgrad
