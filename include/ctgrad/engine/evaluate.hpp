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
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>

namespace ctgrad {

namespace detail {

template <class Out, class Order, class T> constexpr auto extract(T const* const* val) {
  if constexpr (Expression<Out>) {
    T const* p = val[index_of_v<Order, Out>];
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
      } else if constexpr ((__is_same(decltype(extract<Ts, Order>(val)),
                                      decltype(extract<at_t<0, type_list<Ts...>>, Order>(val))) &&
                            ...)) {
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
inline constexpr bool is_evaluable_v<boost::hana::tuple<Ts...>> = (is_evaluable_v<Ts> && ...);

template <class Out, class... Sources> constexpr auto eval_bound(Sources const&... given) {
  using T = typename value_type<Sources...>::type;
  using order = typename visit_children<type_list<>, empty_set, typename outputs<Out>::type>::type;
  using vars = typename variables<order>::type;
  using result_t = decltype(extract<Out, order>(static_cast<T const* const*>(nullptr)));
  if constexpr (!bound_check<vars, Sources...>::ok) {
    bound_check<vars, Sources...>::require();
    return result_t{};
  } else {
    source_table<T, Sources...> const table{given...};
    // Every slot is written before it is read, so no zero-fill. + 1: never zero-sized.
    alignas(64) std::array<T, plan<order>::workspace + 1> ws;
    std::array<T const*, order::size> val;
    forward_pass<order>(ws.data(), val.data(), table);
    return extract<Out, order>(val.data());
  }
}

}  // namespace detail

/// Evaluates an expression, or a hana::tuple of them (as from grad or hessian), with every
/// variable bound: eval(f, x = 1.0, y = 2.0), eval(net, params, X = batch). The result has
/// the common type of the bound values (double when none is bound); tensors give tensors,
/// tuples of scalars give std::arrays. Each node is computed once.
template <class Out, class... Sources> constexpr auto eval(Out, Sources const&... sources) {
  if constexpr (__is_same(Out, invalid_expression)) {
    return 0.0;  // the call that made it has already reported the error
  } else if constexpr (!detail::is_evaluable_v<Out>) {
    static_assert(detail::is_evaluable_v<Out>,
                  "ctgrad::eval(f, ...): f must be a ctgrad expression or a tuple of them");
    return 0.0;
  } else if constexpr (!(detail::is_source_v<Sources> && ...)) {
    static_assert((detail::is_source_v<Sources> && ...),
                  "ctgrad::eval(f, ...): pass each value as a binding, x = 2.0, or a "
                  "parameter set");
    return 0.0;
  } else {
    return detail::eval_bound<Out>(sources...);
  }
}

}  // namespace ctgrad
