// SPDX-License-Identifier: BSL-1.0
// Evaluation: every distinct node of the expression(s) gets one slot range in a fixed-size
// workspace (std::array) and is computed exactly once, children first. Tensor inputs and
// parameters are read where the caller keeps them (no copy). Works at run time and in
// constant expressions (static_assert) alike.
//   ctgrad::eval(d(f, x), x = 2.0)              -> double
//   ctgrad::eval(grad(f, x, y), x = 1., y = 2.) -> std::array<double, 2>, one shared pass
//   ctgrad::eval(net, params, X = batch)        -> ctgrad::tensor<float, shape<B, 10>>
#pragma once

#include <ctgrad/engine/bindings.hpp>
#include <ctgrad/engine/forward.hpp>
#include <ctgrad/engine/plan.hpp>
#include <ctgrad/engine/workspace.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/detail/config.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>

namespace ctgrad {

namespace detail {

template <class Out, class Order, class T> constexpr auto extract(T const* const* val) {
  if constexpr (Expression<Out>) {
    T const* p = val[position_of<Order, Out>::value];
    if constexpr (shape_of_t<Out>::rank == 0) {
      return *p;
    } else {
      tensor<T, shape_of_t<Out>> t{};
      for (std::size_t i = 0; i < shape_of_t<Out>::size; ++i) t.data[i] = p[i];
      return t;
    }
  } else {
    return [&]<class... Ts>(boost::hana::tuple<Ts...> const*) {
      if constexpr (sizeof...(Ts) == 0) {
        return std::array<T, 0>{};
      } else if constexpr (all_of_v<__is_same(
                               decltype(extract<Ts, Order>(val)),
                               decltype(extract<at_t<0, type_list<Ts...>>, Order>(val)))...>) {
        using element_t = decltype(extract<at_t<0, type_list<Ts...>>, Order>(val));
        return std::array<element_t, sizeof...(Ts)>{extract<Ts, Order>(val)...};
      } else {
        return boost::hana::make_tuple(extract<Ts, Order>(val)...);
      }
    }(static_cast<Out const*>(nullptr));
  }
}

template <class Out> inline constexpr bool is_evaluable_v = Expression<Out>;
template <class... Ts>
inline constexpr bool is_evaluable_v<boost::hana::tuple<Ts...>> = all_of_v<is_evaluable_v<Ts>...>;

/// Every node of the outputs Out, each once, children first.
template <class Out> using eval_order_t = order_of_t<typename outputs<Out>::type>;

/// The entries of workspace eval(Out, ...) needs.
template <class Out> inline constexpr std::size_t eval_size_v = plan<eval_order_t<Out>>::workspace;

// The forward pass with the workspace in ws (eval_size_v<Out> entries; every slot is written
// before it is read, so no zero-fill).
template <class Out, class T, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr auto eval_in(T* ws, Sources const&... given) {
  using order = eval_order_t<Out>;
  source_table<T, Sources...> const table{given...};
  std::array<T const*, order::size> val;
  forward_pass<order>(ws, val.data(), table);
  return extract<Out, order>(val.data());
}
template <class Out, class T, class... Sources> constexpr auto eval_local(Sources const&... given) {
  alignas(64) std::array<T, eval_size_v<Out> + 1> ws;  // + 1: never zero-sized
  return eval_in<Out>(ws.data(), given...);
}

// Ws is void (the workspace goes where its size says: engine/workspace.hpp) or the caller's
// workspace type.
template <class Out, class Ws, class... Sources>
constexpr auto eval_bound(Ws* ws, Sources const&... given) {
  using T = typename value_type<Sources...>::type;
  using order = eval_order_t<Out>;
  using vars = typename variables<order>::type;
  using result_t = decltype(extract<Out, order>(static_cast<T const* const*>(nullptr)));
  constexpr std::size_t need = eval_size_v<Out>;
  if constexpr (!bound_check<vars, Sources...>::ok) {
    bound_check<vars, Sources...>::require();
    return result_t{};
  } else if constexpr (!__is_same(Ws, void)) {
    static_assert(__is_same(typename Ws::value_type, T),
                  "ctgrad::eval(f, ws, ...): the workspace's element type must be that of the "
                  "bound values");
    if constexpr (!require_eval_workspace<Ws::size, need>()) {
      return result_t{};
    } else {
      return eval_in<Out>(ws->data, given...);
    }
  } else if constexpr (fits_stack_v<(need + 1) * sizeof(T), stack_workspace_bytes>) {
    return eval_local<Out, T>(given...);
  } else {
#ifdef CTGRAD_NO_IMPLICIT_HEAP
    require_eval_on_stack<(need + 1) * sizeof(T), stack_workspace_bytes>();
    return result_t{};
#else
    return eval_in<Out>(thread_workspace<T, need>(), given...);
#endif
  }
}

}  // namespace detail

namespace detail {
template <class Out, class Ws, class... Sources>
constexpr auto checked_eval(Ws* ws, Sources const&... sources) {
  if constexpr (__is_same(Out, invalid_expression)) {
    return 0.0;  // the call that made it has already reported the error
  } else if constexpr (!is_evaluable_v<Out>) {
    static_assert(is_evaluable_v<Out>,
                  "ctgrad::eval(f, ...): f must be a ctgrad expression or a tuple of them");
    return 0.0;
  } else if constexpr (!all_of_v<is_source_v<Sources>...>) {
    static_assert(all_of_v<is_source_v<Sources>...>,
                  "ctgrad::eval(f, ...): pass each value as a binding, x = 2.0, or a "
                  "parameter set");
    return 0.0;
  } else {
    return eval_bound<Out>(ws, sources...);
  }
}
}  // namespace detail

/// Evaluates an expression, or a hana::tuple of them (as from grad or hessian), with every
/// variable bound: eval(f, x = 1.0, y = 2.0), eval(net, params, X = batch). The result has
/// the common type of the bound values (double when none is bound); tensors give tensors,
/// tuples of scalars give std::arrays. Each node is computed once; the intermediate values
/// live where engine/workspace.hpp says.
template <class Out, class... Sources> constexpr auto eval(Out, Sources const&... sources) {
  return detail::checked_eval<Out>(static_cast<void*>(nullptr), sources...);
}

/// eval with the intermediate values in the caller's workspace:  eval(net, *ws, params, X = x)
template <class Out, class U, std::size_t N, class... Sources>
constexpr auto eval(Out, workspace<U, N>& ws, Sources const&... sources) {
  return detail::checked_eval<Out>(&ws, sources...);
}

}  // namespace ctgrad
