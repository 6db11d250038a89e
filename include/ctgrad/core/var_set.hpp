// SPDX-License-Identifier: BSL-1.0
// var_set<T, Vars...>: one tensor per variable, its structure (names and shapes) fixed at
// compile time. A network's parameter set and its gradient set are var_sets of its
// parameters, in the order the network first uses them:
//   ctgrad::param_set<float, decltype(loss)> params;   params[W1] is a tensor<float, [4, 8]>
//   params.for_each([](auto var, auto& t) { ... var.name ... t.data ... });
#pragma once

#include <ctgrad/core/graph.hpp>
#include <ctgrad/core/leaf.hpp>
#include <ctgrad/core/tensor.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctgrad {

template <class T, class... Vars> struct var_set {
  static_assert(std::is_floating_point_v<T>, "ctgrad::var_set<T, ...>: T must be float or double");
  static_assert((is_variable_v<std::remove_cv_t<Vars>> && ...),
                "ctgrad::var_set<T, Vars...>: each Var must be a variable (param, input or var)");
  using value_type = T;
  // decltype of a constexpr variable is const-qualified: var_set<T, decltype(W1)> is fine.
  using variables = detail::type_list<std::remove_cv_t<Vars>...>;
  /// Number of tensors, and of scalars in all of them.
  static constexpr std::size_t size = sizeof...(Vars);
  static constexpr std::size_t scalar_count = (std::size_t{0} + ... + shape_of_t<Vars>::size);

  std::tuple<tensor<T, shape_of_t<Vars>>...> tensors{};

  template <class V> static constexpr bool has = detail::contains_v<variables, V>;

  /// The tensor of variable v.   grads[W1](0, 3)
  template <class V> constexpr auto& operator[](V) {
    static_assert(has<V>, "ctgrad::var_set[v]: v is not one of this set's variables");
    return std::get<detail::index_of_v<variables, V>>(tensors);
  }
  template <class V> constexpr auto const& operator[](V) const {
    static_assert(has<V>, "ctgrad::var_set[v]: v is not one of this set's variables");
    return std::get<detail::index_of_v<variables, V>>(tensors);
  }

  /// f(variable, tensor&) for each variable, in order (for optimisers, initialisers, printing).
  template <class F> constexpr void for_each(F&& f) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (f(std::remove_cv_t<Vars>{}, std::get<Is>(tensors)), ...);
    }(std::index_sequence_for<Vars...>{});
  }
  template <class F> constexpr void for_each(F&& f) const {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (f(std::remove_cv_t<Vars>{}, std::get<Is>(tensors)), ...);
    }(std::index_sequence_for<Vars...>{});
  }

  /// Sets every entry to zero.
  constexpr void zero() {
    for_each([](auto, auto& t) { t = {}; });
  }

  friend constexpr bool operator==(var_set const&, var_set const&) = default;
};

namespace detail {
template <class T, class Vars> struct var_set_of;
template <class T, class... Vars> struct var_set_of<T, type_list<Vars...>> {
  using type = var_set<T, Vars...>;
};

template <class Order, class Seq = std::make_index_sequence<Order::size>> struct params_in;
template <class Order, std::size_t... Is> struct params_in<Order, std::index_sequence<Is...>> {
  using type = typename concat<std::conditional_t<is_param_v<at_t<Is, Order>>,
                                                  type_list<at_t<Is, Order>>, type_list<>>...>::type;
};
}  // namespace detail

/// The parameters of an expression, in the order a forward pass first uses them.
template <class E> using params_of_t = typename detail::params_in<topological_order_t<E>>::type;

/// The parameter set of a network (also the type of its gradient set).
template <class T, class Net>
using param_set = typename detail::var_set_of<T, params_of_t<Net>>::type;

/// A zero-initialised parameter set of net with element type T.   auto p = params<float>(loss);
template <class T, Expression Net> constexpr param_set<T, Net> params(Net) { return {}; }

}  // namespace ctgrad
