// SPDX-License-Identifier: BSL-1.0
// The numeric gradient of a scalar loss (the reverse sweep of engine/sweep.hpp, with the
// checks that make a wrong call one readable error):
//   auto g = ctgrad::grad(loss, params, X = x, Y = y);   g[W1] is dL/dW1, same set type
//   float L = ctgrad::grad_into(loss, grads, params, X = x, Y = y);   no copy of the set
//   grad_into(loss, grads, capture(logits, out), params, X = x, Y = y);  also copies the
//       forward value of a subexpression (the logits, for accuracy) out of the same pass
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/config.hpp>
#include <ctgrad/engine/bindings.hpp>
#include <ctgrad/engine/sweep.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/expr/var_set.hpp>

#include <type_traits>

namespace ctgrad {

/// grad_into's request to copy the forward value of the subexpression Node into *out.
template <class Node, class T> struct capture_into {
  /// Where the value is copied.
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

// Which call the user wrote, for the messages.
enum class grad_api { grad, grad_into };

// The first of Vars that is not in Order (void if none).
template <class Order, class... Vars> struct first_missing { using type = void; };
template <class Order, class Var, class... Vars> struct first_missing<Order, Var, Vars...> {
  using type = typename detail::if_t<contains<Order, Var>::value, first_missing<Order, Vars...>,
                                     std::type_identity<Var>>::type;
};

// The condition names only the variable (its name and shape), not the whole network, so the
// compiler's note is short; one error for the first such variable, not one per variable.
template <class Var, bool InNetwork> inline constexpr bool variable_in_network_v = InNetwork;
template <grad_api Api, class Var> constexpr bool require_in_network() {
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

// The first variable of a parameter set among Sources that is not in Order (void if none):
// with a variable of the network unbound, another network's parameters, which would
// otherwise surface as "a variable of f has no value" once per unbound parameter.
template <class Order, class Source> struct foreign_in {
  using type = void;  // a binding X = x
};
template <class Order, class T, class... Vs> struct foreign_in<Order, var_set<T, Vs...>> {
  using type = typename first_missing<Order, std::remove_cv_t<Vs>...>::type;
};
template <class Order, class... Sources> struct first_foreign { using type = void; };
template <class Order, class Source, class... Sources>
struct first_foreign<Order, Source, Sources...> {
  using here = typename foreign_in<Order, Source>::type;
  using type = typename detail::if_t<__is_same(here, void), first_foreign<Order, Sources...>,
                                     std::type_identity<here>>::type;
};
template <grad_api Api, class Var> constexpr bool require_params_in_network() {
  if constexpr (Api == grad_api::grad) {
    static_assert(variable_in_network_v<Var, false>,
                  "ctgrad::grad(loss, params, ...): params names a variable that is not in the "
                  "network (is it another network's parameter set?); the variable, its name and "
                  "shape, is in this message's condition");
  } else {
    static_assert(variable_in_network_v<Var, false>,
                  "ctgrad::grad_into(loss, grads, params, ...): params names a variable that is "
                  "not in the network (is it another network's parameter set?); the variable, "
                  "its name and shape, is in this message's condition");
  }
  return true;
}

// grad_into's checks, then the sweep; Captured is void or the node capture() asked for; Ws
// is void (the workspace goes where its size says) or the caller's workspace type.
template <class Loss, class Captured, grad_api Api, class Ws = void, class T, class... Wanted,
          class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T checked_grad_into(var_set<T, Wanted...>& grads, T* captured,
                                                   Ws* ws, Sources const&... sources) {
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
  } else if constexpr (!all_of_v<contains<order, std::remove_cv_t<Wanted>>::value...>) {
    require_in_network<Api, typename first_missing<order, std::remove_cv_t<Wanted>...>::type>();
    return T{};
  } else if constexpr (!bound_check<vars, Sources...>::ok) {
    // A set with variables the network lacks is fine when every variable is bound (a
    // larger set serving a sub-network); with one unbound, it is the likely cause.
    if constexpr (!__is_same(typename first_foreign<order, Sources...>::type, void))
      require_params_in_network<Api, typename first_foreign<order, Sources...>::type>();
    else
      bound_check<vars, Sources...>::require();
    return T{};
  } else if constexpr (!__is_same(Captured, void) && !contains<order, Captured>::value) {
    static_assert(__is_same(Captured, void) || contains<order, Captured>::value,
                  "ctgrad::grad_into(loss, grads, capture(e, out), ...): e is not a "
                  "subexpression of the loss");
    return T{};
  } else {
    static_assert(__is_same(T, typename value_type<Sources...>::type),
                  "ctgrad::grad_into(loss, grads, ...): the gradient set's element type must be "
                  "that of the parameters and inputs");
    source_table<T, Sources...> const table{sources...};
    if constexpr (__is_same(Ws, void)) {
      return backprop<Loss, Captured>(grads, table, captured);
    } else {
      constexpr std::size_t need = sweep_of<Loss, typename var_set<T, Wanted...>::variables>::total;
      static_assert(__is_same(typename Ws::value_type, T),
                    "ctgrad::grad_into(loss, grads, ws, ...): the workspace's element type must be "
                    "that of the gradient set");
      if constexpr (!require_grad_workspace<Ws::size, need>()) {
        return T{};
      } else {
        return backprop<Loss, Captured>(grads, table, captured, ws->data);
      }
    }
  }
}
}  // namespace detail

/// Writes dloss/dv into grads[v] for every variable v of grads (parameters, and inputs if
/// the set names them) and returns the loss. Every variable of the loss must be bound by
/// exactly one source: a parameter set, or a binding X = tensor. One forward pass, one
/// reverse pass, no heap. Every gradient tensor is overwritten, not added to. The
/// intermediate values live where engine/workspace.hpp says (pass a workspace to choose).
template <Expression Loss, class T, class... Wanted, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T grad_into(Loss, var_set<T, Wanted...>& grads,
                                           Sources const&... sources) {
  return detail::checked_grad_into<Loss, void, detail::grad_api::grad_into>(
      grads, static_cast<T*>(nullptr), static_cast<void*>(nullptr), sources...);
}

/// grad_into with its intermediate values in the caller's workspace ws.
///   grad_into(loss, grads, *ws, params, X = x, Y = y)
template <Expression Loss, class T, class... Wanted, class U, std::size_t N, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T grad_into(Loss, var_set<T, Wanted...>& grads, workspace<U, N>& ws,
                                           Sources const&... sources) {
  return detail::checked_grad_into<Loss, void, detail::grad_api::grad_into>(
      grads, static_cast<T*>(nullptr), &ws, sources...);
}

/// grad_into, and the forward value of a subexpression copied out of the same pass:
///   grad_into(loss, grads, capture(logits, out), params, X = x, Y = y)
template <Expression Loss, class T, class... Wanted, class Node, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T grad_into(Loss, var_set<T, Wanted...>& grads,
                                           capture_into<Node, T> c, Sources const&... sources) {
  return detail::checked_grad_into<Loss, Node, detail::grad_api::grad_into>(
      grads, c.out->data.data(), static_cast<void*>(nullptr), sources...);
}

/// The same with a workspace:  grad_into(loss, grads, capture(logits, out), *ws, params, ...)
template <Expression Loss, class T, class... Wanted, class Node, class U, std::size_t N,
          class... Sources>
CTGRAD_ALWAYS_INLINE constexpr T grad_into(Loss, var_set<T, Wanted...>& grads,
                                           capture_into<Node, T> c, workspace<U, N>& ws,
                                           Sources const&... sources) {
  return detail::checked_grad_into<Loss, Node, detail::grad_api::grad_into>(
      grads, c.out->data.data(), &ws, sources...);
}

/// The gradient of loss with respect to every variable of the set wrt (typically the
/// network's parameter set, also a source of their values), as a set of the same type.
/// The set is returned by value, on the caller's stack: for a large network use grad_into
/// with a gradient set allocated once.
template <Expression Loss, class T, class... Vars, class... Sources>
constexpr var_set<T, Vars...> grad(Loss, var_set<T, Vars...> const& wrt,
                                   Sources const&... sources) {
  var_set<T, Vars...> grads{};
  detail::checked_grad_into<Loss, void, detail::grad_api::grad>(
      grads, static_cast<T*>(nullptr), static_cast<void*>(nullptr), wrt, sources...);
  return grads;
}

/// grad with its intermediate values in the caller's workspace ws.
template <Expression Loss, class T, class... Vars, class U, std::size_t N, class... Sources>
constexpr var_set<T, Vars...> grad(Loss, var_set<T, Vars...> const& wrt, workspace<U, N>& ws,
                                   Sources const&... sources) {
  var_set<T, Vars...> grads{};
  detail::checked_grad_into<Loss, void, detail::grad_api::grad>(grads, static_cast<T*>(nullptr),
                                                                &ws, wrt, sources...);
  return grads;
}

}  // namespace ctgrad
