// SPDX-License-Identifier: BSL-1.0
// Evaluation: every distinct node of the expression(s) gets one slot in a fixed-size
// workspace (std::array) and is computed exactly once, children first. Works at run time
// and in constant expressions (static_assert) alike.
//   ctgrad::eval(d(f, x), x = 2.0)              -> double
//   ctgrad::eval(grad(f, x, y), x = 1., y = 2.) -> std::array<double, 2>, one shared pass
#pragma once

#include <ctgrad/core/constant.hpp>
#include <ctgrad/core/graph.hpp>
#include <ctgrad/core/leaf.hpp>
#include <ctgrad/core/node.hpp>
#include <ctgrad/detail/static_for.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <boost/hana/tuple.hpp>

#include <array>
#include <type_traits>

namespace ctgrad {

namespace detail {

template <class... Bindings> struct binding_pack : Bindings... {};

template <class Var, class T> constexpr T binding_value(binding<Var, T> const& b) {
  return b.value;
}

template <class Var, class Binding> inline constexpr bool is_binding_for_v = false;
template <class Var, class T> inline constexpr bool is_binding_for_v<Var, binding<Var, T>> = true;

template <class... Bindings> struct value_type {
  using type = std::common_type_t<decltype(Bindings::value)...>;
};
template <> struct value_type<> {
  using type = double;
};

template <class Order, class Seq = std::make_index_sequence<Order::size>> struct variables;
template <class Order, std::size_t... Is> struct variables<Order, std::index_sequence<Is...>> {
  using type = typename concat<std::conditional_t<is_variable_v<at_t<Is, Order>>,
                                                  type_list<at_t<Is, Order>>, type_list<>>...>::type;
};

template <class Var, class... Bindings> struct is_bound {
  static constexpr bool value = (is_binding_for_v<Var, Bindings> || ...);
};
template <class VarList, class... Bindings> struct all_bound;
template <class... Vars, class... Bindings> struct all_bound<type_list<Vars...>, Bindings...> {
  static constexpr bool value = (is_bound<Vars, Bindings...>::value && ...);
};

// One static_assert per variable, so the compiler's note names the unbound one.
template <class Var, class... Bindings> constexpr bool require_bound() {
  static_assert(is_bound<Var, Bindings...>::value,
                "ctgrad::eval(f, x = value, ...): a variable of f has no value; bind every "
                "variable of f (the variable is named in the note below)");
  return true;
}
template <class... Vars, class... Bindings>
constexpr void require_all_bound(type_list<Vars...>, Bindings...) {
  (require_bound<Vars, Bindings...>(), ...);
}

template <class Var, class... Bindings> struct bound_once {
  static constexpr bool value = (0 + ... + int(is_binding_for_v<Var, Bindings>)) <= 1;
};

template <class N, class T, class Order, std::size_t Size, class Pack, class... Cs>
constexpr T compute(std::array<T, Size> const& ws, Pack const& pack, type_list<Cs...>) {
  if constexpr (is_constant_v<N>) {
    return N::template value<T>();
  } else if constexpr (is_variable_v<N>) {
    return static_cast<T>(binding_value<N>(pack));
  } else {
    return static_cast<T>(N::forward(ws[index_of_v<Order, Cs>]...));
  }
}

template <class Out, class Order, class T, std::size_t Size>
constexpr auto extract(std::array<T, Size> const& ws) {
  if constexpr (Expression<Out>) {
    return ws[index_of_v<Order, Out>];
  } else {
    return []<class... Ts>(boost::hana::tuple<Ts...> const*, std::array<T, Size> const& w) {
      if constexpr (sizeof...(Ts) == 0) {
        return std::array<T, 0>{};
      } else {
        using element_t = decltype(extract<at_t<0, type_list<Ts...>>, Order>(w));
        return std::array<element_t, sizeof...(Ts)>{extract<Ts, Order>(w)...};
      }
    }(static_cast<Out const*>(nullptr), ws);
  }
}

template <class Out> inline constexpr bool is_evaluable_v = Expression<Out>;
template <class... Ts>
inline constexpr bool is_evaluable_v<boost::hana::tuple<Ts...>> = (is_evaluable_v<Ts> && ...);

template <class B> inline constexpr bool is_binding_v = false;
template <class Var, class T> inline constexpr bool is_binding_v<binding<Var, T>> = true;

}  // namespace detail

namespace detail {
template <class Out, class... Bindings> constexpr auto eval_bound(Bindings... bindings) {
  using T = typename value_type<Bindings...>::type;
  using order = typename visit_children<type_list<>, typename outputs<Out>::type>::type;
  using vars = typename variables<order>::type;
  using result_t = decltype(extract<Out, order>(std::array<T, order::size>{}));
  if constexpr (!all_bound<vars, Bindings...>::value) {
    require_all_bound(vars{}, bindings...);
    return result_t{};
  } else if constexpr (!(bound_once<typename Bindings::variable, Bindings...>::value && ...)) {
    static_assert((bound_once<typename Bindings::variable, Bindings...>::value && ...),
                  "ctgrad::eval(f, ...): a variable is bound more than once");
    return result_t{};
  } else {
    std::array<T, order::size> ws{};
    binding_pack<Bindings...> const pack{bindings...};
    static_for<order::size>([&](auto i) {
      using N = at_t<decltype(i)::value, order>;
      ws[i] = compute<N, T, order>(ws, pack, children_t<N>{});
    });
    return extract<Out, order>(ws);
  }
}
}  // namespace detail

/// Evaluates an expression, or a hana::tuple of them (as from grad or hessian), with every
/// variable bound: eval(f, x = 1.0, y = 2.0). The result has the common type of the bound
/// values (double when none is bound); tuples give std::arrays. Each node is computed once.
template <class Out, class... Bindings> constexpr auto eval(Out, Bindings... bindings) {
  if constexpr (__is_same(Out, invalid_expression)) {
    return 0.0;  // the call that made it has already reported the error
  } else if constexpr (!detail::is_evaluable_v<Out>) {
    static_assert(detail::is_evaluable_v<Out>,
                  "ctgrad::eval(f, ...): f must be a ctgrad expression or a tuple of them");
    return 0.0;
  } else if constexpr (!(detail::is_binding_v<Bindings> && ...)) {
    static_assert((detail::is_binding_v<Bindings> && ...),
                  "ctgrad::eval(f, ...): pass each value as a binding, x = 2.0");
    return 0.0;
  } else {
    return detail::eval_bound<Out>(bindings...);
  }
}

}  // namespace ctgrad
