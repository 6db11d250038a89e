// SPDX-License-Identifier: BSL-1.0
// The numeric gradient of a scalar loss: one forward pass that caches every node's value,
// then one reverse sweep that runs each node's VJP rules (the same rules d(f, x) derives
// with), all scheduled at compile time.
//   auto g = ctgrad::grad(loss, params, X = x, Y = y);   g[W1] is dL/dW1, same set type
//   float L = ctgrad::grad_into(loss, grads, params, X = x, Y = y);   no copy of the set
//   grad_into(loss, grads, capture(logits, out), params, X = x, Y = y);  also copies the
//       forward value of a subexpression (the logits, for accuracy) out of the same pass
// What is planned at compile time, per node: which nodes need an adjoint (those between
// the loss and a wanted variable, through rules that are not structurally zero), where
// each adjoint lives, and which contribution comes first (it assigns; later ones add), so
// no buffer is zeroed and nothing is computed that the gradient does not use.
#pragma once

#include <ctgrad/core/abstract.hpp>
#include <ctgrad/core/derive.hpp>
#include <ctgrad/core/evaluate.hpp>
#include <ctgrad/core/execute.hpp>
#include <ctgrad/core/var_set.hpp>

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

namespace ctgrad {

/// grad_into's request to copy the forward value of the subexpression Node into *out.
template <class Node, class T> struct capture_into {
  tensor<T, shape_of_t<Node>>* out;
};

/// capture(e, out): e's value in the gradient's forward pass, written to out (same shape).
/// It is read from the cache the reverse sweep uses anyway, so it costs one copy.
template <Expression Node, class T, class S>
constexpr capture_into<Node, T> capture(Node, tensor<T, S>& out) {
  if constexpr (!same_shape_v<S, shape_of_t<Node>>) {
    static_assert(same_shape_v<S, shape_of_t<Node>>,
                  "ctgrad::capture(e, out): out must have the shape of e");
    return {nullptr};  // one error, not a failed conversion after it
  } else {
    return {&out};
  }
}

namespace detail {

/// The VJP rule of the abstract node Pa for its K-th child, brought to the child's shape:
/// summed where the child was broadcast, repeated where the rule is a scalar.
template <class Pa, std::size_t K> struct rule {
  using raw = at_t<K, vjp_rules_t<Pa, upstream_node<shape_of_t<Pa>>>>;
  using type = std::conditional_t<is_zero_v<raw>, zero_t,
                                  decltype(as_shape<shape_of_t<at_t<K, children_t<Pa>>>>(raw{}))>;
};
template <class Pa, std::size_t K> using rule_t = typename rule<Pa, K>::type;

template <class Pa, std::size_t K> inline constexpr bool rule_nonzero_v = !is_zero_v<rule_t<Pa, K>>;

// Scalar, not a function per node: see child_position in evaluate.hpp.
template <class N, std::size_t K, bool = (K < children_t<N>::size)>
struct rule_nonzero_at : std::false_type {};
template <class N, std::size_t K>
struct rule_nonzero_at<N, K, true> : std::bool_constant<rule_nonzero_v<abstract_t<N>, K>> {};

template <class N, class Wanted>
struct wanted_index
    : std::integral_constant<std::size_t,
                             std::conditional_t<is_variable_v<N> && contains_v<Wanted, N>,
                                                index_of<Wanted, N>,
                                                std::integral_constant<std::size_t, 0>>::value> {};

/// One node's backward step: its abstract node, and bit k set when the rule for child k
/// runs (Active) / adds to earlier contributions (Acc).
template <class Pa, unsigned Active, unsigned Acc> struct backward_step {};

/// Where one node's adjoint lives: the caller's gradient tensor WantedIndex (zeroed when the
/// loss does not depend on it), workspace at Offset, or nowhere.
template <bool Wanted, bool HasAdj, std::size_t Size, std::size_t WantedIndex, std::size_t Offset>
struct adjoint_slot {};

template <class Slots> struct adjoint_setup;
template <bool... Wanted, bool... HasAdj, std::size_t... Size, std::size_t... WantedIndex,
          std::size_t... Offset>
struct adjoint_setup<type_list<adjoint_slot<Wanted, HasAdj, Size, WantedIndex, Offset>...>> {
  template <bool W, bool H, std::size_t Sz, std::size_t WI, std::size_t Off, class T>
  CTGRAD_ALWAYS_INLINE static constexpr T* one(T* const* grad, T* ws) {
    if constexpr (W) {
      if constexpr (!H)
        for (std::size_t e = 0; e < Sz; ++e) grad[WI][e] = T{};
      return grad[WI];
    } else if constexpr (H) {
      return ws + Off;
    } else {
      return nullptr;
    }
  }
  template <class T>
  CTGRAD_ALWAYS_INLINE static constexpr void run(T** adj, T* const* grad, T* ws) {
    std::size_t i = 0;
    bool const done[] = {(adj[i++] = one<Wanted, HasAdj, Size, WantedIndex, Offset>(grad, ws),
                          true)...,
                         true};
    (void)done;
  }
};

template <class Order, class Wanted> struct sweep;
template <class... Ns, class Wanted> struct sweep<type_list<Ns...>, Wanted> {
  using order = type_list<Ns...>;
  using P = plan<order>;
  static constexpr std::size_t n = P::n;
  static constexpr std::size_t root = n - 1;

  static constexpr std::array<bool, n> wanted{contains<Wanted, Ns>::value...};
  static constexpr std::array<std::array<bool, max_arity>, n> nonzero{
      std::array<bool, max_arity>{rule_nonzero_at<Ns, 0>::value, rule_nonzero_at<Ns, 1>::value,
                                  rule_nonzero_at<Ns, 2>::value, rule_nonzero_at<Ns, 3>::value}...};

  struct schedule_t {
    // (One object, so the runtime code references one symbol named after the net.)
    std::array<bool, n> wanted{};                              // node is a wanted variable
    std::array<std::size_t, n> wanted_index{};                 // ... at this position in grads
    std::array<std::size_t, n> size{};                         // node's number of entries
    std::array<std::array<unsigned, 2>, n> mask{};             // bits of active, accumulate
    std::array<bool, n> has_adj{};                             // node receives a nonzero adjoint
    std::array<std::array<bool, max_arity>, n> active{};       // parent i sends to its child k
    std::array<std::array<bool, max_arity>, n> accumulate{};   // ... adding to earlier ones
    std::array<std::size_t, n + 1> offset{};                   // adjoint workspace layout
  };
  static constexpr schedule_t schedule = [] {
    schedule_t s{};
    std::array<bool, n> needs{};  // depends on a wanted variable
    for (std::size_t i = 0; i < n; ++i) {
      needs[i] = wanted[i];
      for (std::size_t k = 0; k < P::arity[i]; ++k) needs[i] = needs[i] || needs[P::child[i][k]];
    }
    s.has_adj[root] = needs[root];
    std::array<bool, n> assigned{};
    for (std::size_t j = 0; j < n; ++j) {
      std::size_t const i = n - 1 - j;
      if (!s.has_adj[i]) continue;
      for (std::size_t k = 0; k < P::arity[i]; ++k) {
        std::size_t const c = P::child[i][k];
        if (!needs[c] || !nonzero[i][k]) continue;
        s.active[i][k] = true;
        s.accumulate[i][k] = assigned[c];
        assigned[c] = true;
        s.has_adj[c] = true;
      }
    }
    s.wanted = wanted;
    s.wanted_index = {wanted_index<Ns, Wanted>::value...};
    s.size = {shape_of_t<Ns>::size...};
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t const next = i + 1 < n && s.has_adj[i + 1] && !wanted[i + 1] ? s.size[i + 1] : 0;
      s.offset[i + 1] =
          slot_start(s.offset[i] + (s.has_adj[i] && !wanted[i] ? s.size[i] : 0), next);
      for (std::size_t k = 0; k < max_arity; ++k) {
        s.mask[i][0] |= unsigned{s.active[i][k]} << k;
        s.mask[i][1] |= unsigned{s.accumulate[i][k]} << k;
      }
    }
    return s;
  }();
  static constexpr std::size_t workspace = schedule.offset[n];

  // The steps in reverse order, with their masks as template arguments (constants, so
  // only the rules that run are instantiated).
  template <class Seq> struct reversed;
  template <std::size_t... Js> struct reversed<std::index_sequence<Js...>> {
    using type = type_list<backward_step<at_t<n - 1 - Js, typename P::abstracts>,
                                         schedule.mask[n - 1 - Js][0],
                                         schedule.mask[n - 1 - Js][1]>...>;
  };
  using reversed_steps = typename reversed<std::make_index_sequence<n>>::type;

  template <class Seq> struct slots;
  template <std::size_t... Is> struct slots<std::index_sequence<Is...>> {
    using type =
        type_list<adjoint_slot<schedule.wanted[Is], schedule.has_adj[Is], schedule.size[Is],
                               schedule.wanted_index[Is], schedule.offset[Is]>...>;
  };
  using adjoint_slots = typename slots<std::make_index_sequence<n>>::type;
};

// The backward step of one node, keyed on its abstract node and two bit masks only (see
// forward_node): for each child k whose bit is set in Active, child's adjoint (+)= rule k,
// adding when bit k of Acc is set. Rules that do not run are not instantiated.
template <class Pa, std::size_t K, bool Active, bool Acc, class T>
constexpr void send(T* const* adj, std::size_t c, rule_inputs<T> const& in) {
  if constexpr (Active) run_expr<rule_t<Pa, K>, Pa, Acc>(adj[c], in);
}

template <class Pa, unsigned Active, unsigned Acc, class T>
CTGRAD_ALWAYS_INLINE constexpr void backward_node(T* const* adj, T const* const* val, std::size_t i,
                             std::array<std::size_t, max_arity> const& child,
                             [[maybe_unused]] std::size_t n) {
  if constexpr (Active != 0) {
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      T const* const slots[] = {val[child[Ks]]...};
      rule_inputs<T> const in{slots, val[i], adj[i]};
      (send<Pa, Ks, ((Active >> Ks) & 1u) != 0, ((Acc >> Ks) & 1u) != 0>(adj, child[Ks], in), ...);
    }(std::make_index_sequence<children_t<Pa>::size>{});
#ifdef CTGRAD_INSTRUMENT
    if (!std::is_constant_evaluated()) ctgrad_on_backward(i, n);
#endif
  }
}

// The backward steps of a graph in reverse order (see forward_steps).
template <class Steps> struct backward_steps;
template <class... Pas, unsigned... Active, unsigned... Acc>
struct backward_steps<type_list<backward_step<Pas, Active, Acc>...>> {
  template <class T, std::size_t... Js>
  CTGRAD_ALWAYS_INLINE static constexpr void run(std::index_sequence<Js...>, T* const* adj,
                                                 T const* const* val,
                                                 std::array<std::size_t, max_arity> const* child) {
    constexpr std::size_t n = sizeof...(Pas);
    bool const done[] = {(backward_node<Pas, Active, Acc>(adj, val, n - 1 - Js, child[n - 1 - Js],
                                                          n),
                          true)...,
                         true};
    (void)done;
  }
};

template <class Loss, class Captured, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T backprop_inline(var_set<T, Wanted...>& grads,
                                                 source_table<T, Sources...> const& table,
                                                 T* captured) {
  using order = topological_order_t<Loss>;
  using S = sweep<order, typename var_set<T, Wanted...>::variables>;
  using P = typename S::P;
  constexpr std::size_t n = S::n;
  constexpr std::size_t root = S::root;

  // Not zero-filled: the schedule writes every slot before it is read (forward values in
  // order; each adjoint's first contribution assigns). + 1: never a zero-sized array.
  alignas(64) std::array<T, P::workspace + 1> ws;
  std::array<T const*, n> val;
  forward_pass<order>(ws.data(), val.data(), table);
  if constexpr (!__is_same(Captured, void)) {
    T const* from = val[index_of_v<order, Captured>];
    for (std::size_t i = 0; i < shape_of_t<Captured>::size; ++i) captured[i] = from[i];
  }

  // Where each adjoint lives: the caller's gradient tensor for a wanted variable (zeroed
  // when the loss does not depend on it), else a workspace slot if the node needs one.
  std::array<T*, sizeof...(Wanted) + 1> grad_ptr{};  // + 1: never empty
  std::size_t g = 0;
  for (T* p : grads.pointers()) grad_ptr[g++] = p;
  alignas(64) std::array<T, S::workspace + 1> adj_ws;
  std::array<T*, n> adj;
  adjoint_setup<typename S::adjoint_slots>::run(adj.data(), grad_ptr.data(), adj_ws.data());
  if constexpr (S::schedule.has_adj[root]) adj[root][0] = T{1};

  backward_steps<typename S::reversed_steps>::run(std::make_index_sequence<n>{}, adj.data(),
                                                  val.data(), P::child.data());
  return val[root][0];
}

// The sweep as a function of its own, called: one copy however many call sites a net has.
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
constexpr T backprop_outlined(var_set<T, Wanted...>& grads,
                              source_table<T, Sources...> const& table, T* captured) {
  return backprop_inline<Loss, Captured>(grads, table, captured);
}

// Small graphs (a scalar formula, a tiny net) are inlined into the caller: a call and reading
// the inputs through the source table cost a nanosecond, 20% of the lesson's chain rule
// (sin(x^2)^2: 5.9 ns against 4.8 ns hand-written). Larger ones stay one function.
inline constexpr std::size_t inline_nodes = 8;
template <class Loss, class Captured, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T backprop(var_set<T, Wanted...>& grads,
                                          source_table<T, Sources...> const& table, T* captured) {
  if constexpr (topological_order_t<Loss>::size <= inline_nodes) {
    return backprop_inline<Loss, Captured>(grads, table, captured);
  } else {
    return backprop_outlined<Loss, Captured>(grads, table, captured);
  }
}

// Which call the user wrote, for the messages.
enum class grad_api { grad, grad_into };

// The first of Vars that is not in Order (void if none).
template <class Order, class... Vars>
struct first_missing {
  using type = void;
};
template <class Order, class Var, class... Vars>
struct first_missing<Order, Var, Vars...> {
  using type = typename std::conditional_t<contains_v<Order, Var>, first_missing<Order, Vars...>,
                                           std::type_identity<Var>>::type;
};

// The condition names only the variable (its name and shape), not the whole network, so the
// compiler's note is short; one error for the first such variable, not one per variable.
template <class Var, bool InNetwork>
inline constexpr bool variable_in_network_v = InNetwork;
template <grad_api Api, class Var>
constexpr bool require_in_network() {
  if constexpr (Api == grad_api::grad) {
    static_assert(variable_in_network_v<Var, false>,
                  "ctgrad::grad(loss, params, ...): params names a variable that is not in the "
                  "network (is it another network's parameter set?); the variable, its name and "
                  "shape, is in this message's condition");
  } else {
    static_assert(variable_in_network_v<Var, false>,
                  "ctgrad::grad_into(loss, grads, ...): grads names a variable that is not in the "
                  "network (a variable is its name and its shape); the variable is in this "
                  "message's condition");
  }
  return true;
}

}  // namespace detail

namespace detail {
// grad_into's checks, then the sweep; Captured is void or the node capture() asked for.
template <class Loss, class Captured, grad_api Api, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T checked_grad_into(var_set<T, Wanted...>& grads, T* captured,
                              Sources const&... sources) {
  using order = topological_order_t<Loss>;
  using vars = typename variables<order>::type;
  if constexpr (shape_of_t<Loss>::rank != 0) {
    static_assert(shape_of_t<Loss>::rank == 0,
                  "ctgrad::grad(loss, ...): the loss must be a scalar; reduce it with sum or mean");
    return T{};
  } else if constexpr (!(is_source_v<Sources> && ...)) {
    static_assert((is_source_v<Sources> && ...),
                  "ctgrad::grad(loss, ...): pass parameter sets and bindings X = tensor");
    return T{};
  } else if constexpr (!all_of_v<contains_v<order, std::remove_cv_t<Wanted>>...>) {
    require_in_network<Api, typename first_missing<order, std::remove_cv_t<Wanted>...>::type>();
    return T{};
  } else if constexpr (!bound_check<vars, Sources...>::ok) {
    bound_check<vars, Sources...>::require();
    return T{};
  } else if constexpr (!__is_same(Captured, void) && !contains_v<order, Captured>) {
    static_assert(__is_same(Captured, void) || contains_v<order, Captured>,
                  "ctgrad::grad_into(loss, grads, capture(e, out), ...): e is not a "
                  "subexpression of the loss");
    return T{};
  } else {
    static_assert(__is_same(T, typename value_type<Sources...>::type),
                  "ctgrad::grad_into(loss, grads, ...): the gradient set's element type must be "
                  "that of the parameters and inputs");
    source_table<T, Sources...> const table{sources...};
    return backprop<Loss, Captured>(grads, table, captured);
  }
}
}  // namespace detail

/// Writes dloss/dv into grads[v] for every variable v of grads (parameters, and inputs if
/// the set names them) and returns the loss. Every variable of the loss must be bound by
/// exactly one source: a parameter set, or a binding X = tensor. One forward pass, one
/// reverse pass, no heap. Every gradient tensor is overwritten, not added to.
template <Expression Loss, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T grad_into(Loss, var_set<T, Wanted...>& grads, Sources const&... sources) {
  return detail::checked_grad_into<Loss, void, detail::grad_api::grad_into>(
      grads, static_cast<T*>(nullptr), sources...);
}

/// grad_into, and the forward value of a subexpression copied out of the same pass:
///   grad_into(loss, grads, capture(logits, out), params, X = x, Y = y)
template <Expression Loss, class T, class... Wanted, class Node, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T grad_into(Loss, var_set<T, Wanted...>& grads, capture_into<Node, T> c,
                      Sources const&... sources) {
  return detail::checked_grad_into<Loss, Node, detail::grad_api::grad_into>(
      grads, c.out->data.data(), sources...);
}

/// The gradient of loss with respect to every variable of the set wrt (typically the
/// network's parameter set, also a source of their values), as a set of the same type.
template <Expression Loss, class T, class... Vars, class... Sources>
constexpr var_set<T, Vars...> grad(Loss, var_set<T, Vars...> const& wrt,
                                   Sources const&... sources) {
  var_set<T, Vars...> grads{};
  detail::checked_grad_into<Loss, void, detail::grad_api::grad>(grads, static_cast<T*>(nullptr),
                                                                wrt, sources...);
  return grads;
}

}  // namespace ctgrad
