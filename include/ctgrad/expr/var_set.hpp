// SPDX-License-Identifier: BSL-1.0
// var_set<T, Vars...>: one tensor per variable, its structure (names and shapes) fixed at
// compile time. A network's parameter set and its gradient set are var_sets of its
// parameters, in the order the network first uses them:
//   ctgrad::param_set<float, decltype(loss)> params;   params[W1] is a tensor<float, [4, 8]>
//   params.for_each([](auto var, auto& t) { ... var.name ... t.data ... });
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <cstddef>
#include <array>
#include <type_traits>
#include <utility>

namespace ctgrad {

namespace detail {
// A flat tuple: one base per tensor, keyed by position and variable. std::tuple nests one
// level per element, so a 130-tensor set meant 130 instantiations of ever longer packs.
template <std::size_t I, class Var, class Tensor> struct var_slot {
  Tensor tensor{};
  friend constexpr bool operator==(var_slot const&, var_slot const&) = default;
};
template <class From, class To>
using copy_const_t = detail::if_t<std::is_const_v<From>, To const, To>;
template <class Seq, class... Slots> struct var_storage;
template <std::size_t... Is, class... Vars, class... Tensors>
struct var_storage<std::index_sequence<Is...>, type_list<Vars, Tensors>...>
    : var_slot<Is, Vars, Tensors>... {
  friend constexpr bool operator==(var_storage const&, var_storage const&) = default;
};

template <class Var, std::size_t I, class X> constexpr X& slot_by_var(var_slot<I, Var, X>& s) {
  return s.tensor;
}
template <class Var, std::size_t I, class X>
constexpr X const& slot_by_var(var_slot<I, Var, X> const& s) {
  return s.tensor;
}
template <std::size_t I, class Var, class X> constexpr X& slot_at(var_slot<I, Var, X>& s) {
  return s.tensor;
}
template <std::size_t I, class Var, class X>
constexpr X const& slot_at(var_slot<I, Var, X> const& s) {
  return s.tensor;
}
}  // namespace detail

/// One tensor per variable, by variable: a network's parameters (param_set), its gradients, an
/// optimiser's state.
template <class T, class... Vars> struct var_set {
  static_assert(std::is_floating_point_v<T>, "ctgrad::var_set<T, ...>: T must be float or double");
  static_assert(detail::all_of_v<ctgrad::detail::is_var<std::remove_cv_t<Vars>>::value...>,
                "ctgrad::var_set<T, Vars...>: each Var must be a variable (param, input or var)");
  /// The element type, float or double.
  using value_type = T;
  // decltype of a constexpr variable is const-qualified: var_set<T, decltype(W1)> is fine.
  /// The variables, in order, as a type list.
  using variables = detail::type_list<std::remove_cv_t<Vars>...>;
  /// Number of tensors, and of scalars in all of them.
  static constexpr std::size_t size = sizeof...(Vars);
  /// Number of scalars in all the tensors.
  static constexpr std::size_t scalar_count = detail::sum_of<shape_of_t<Vars>::size...>();

  detail::var_storage<std::index_sequence_for<Vars...>,
                      detail::type_list<std::remove_cv_t<Vars>, tensor<T, shape_of_t<Vars>>>...>
      /// The tensors (an internal type: use operator[], get or for_each).
      tensors{};

  /// True when V is one of the set's variables.
  template <class V> static constexpr bool has = detail::contains<variables, V>::value;

  /// The tensor of variable v.   grads[W1](0, 3)
  template <class V> constexpr auto& operator[](V) {
    static_assert(detail::contains<variables, V>::value,
                  "ctgrad::var_set[v]: v is not one of this set's variables");
    return detail::slot_by_var<V>(tensors);
  }
  /// The tensor of variable v, read-only.
  template <class V> constexpr auto const& operator[](V) const {
    static_assert(detail::contains<variables, V>::value,
                  "ctgrad::var_set[v]: v is not one of this set's variables");
    return detail::slot_by_var<V>(tensors);
  }

  /// The I-th tensor, in the set's order.
  template <std::size_t I> constexpr auto& get() { return detail::slot_at<I>(tensors); }
  /// The I-th tensor, read-only.
  template <std::size_t I> constexpr auto const& get() const { return detail::slot_at<I>(tensors); }

  /// f(variable, tensor&) for each variable, in order (for optimisers, initialisers, printing).
  template <class F> constexpr void for_each(F&& f) {
    each(*this, f, std::index_sequence_for<Vars...>{});
  }
  /// f(variable, tensor const&) for each variable, in order.
  template <class F> constexpr void for_each(F&& f) const {
    each(*this, f, std::index_sequence_for<Vars...>{});
  }

  /// The first element of each tensor, in order: for loops over all parameters at once.
  constexpr std::array<T*, size> pointers() {
    return pointers_of<T*>(*this, std::index_sequence_for<Vars...>{});
  }
  /// The first element of each tensor, read-only.
  constexpr std::array<T const*, size> pointers() const {
    return pointers_of<T const*>(*this, std::index_sequence_for<Vars...>{});
  }

  /// Sets every entry to zero.
  constexpr void zero() { tensors = {}; }

  /// Tensor by tensor.
  friend constexpr bool operator==(var_set const&, var_set const&) = default;

 private:
  template <std::size_t I, class V>
  using slot_t = detail::var_slot<I, std::remove_cv_t<V>, tensor<T, shape_of_t<V>>>;

  // Braced lists, not folds: clang rejects folds over more than 256 elements. Each tensor
  // is reached by a cast in the expansion, not through get<I>(): one function per tensor
  // named after the whole set cost compile time cubic in the number of parameters.
  template <class Self, class F, std::size_t... Is>
  static constexpr void each(Self& self, F& f, std::index_sequence<Is...>) {
    using storage = std::remove_reference_t<decltype((self.tensors))>;
    bool const done[] = {
        (f(std::remove_cv_t<Vars>{},
           static_cast<detail::copy_const_t<storage, slot_t<Is, Vars>>&>(self.tensors).tensor),
         true)...,
        true};
    (void)done;
  }
  template <class P, class Self, std::size_t... Is>
  static constexpr std::array<P, size> pointers_of(Self& self, std::index_sequence<Is...>) {
    using storage = std::remove_reference_t<decltype((self.tensors))>;
    return {static_cast<detail::copy_const_t<storage, slot_t<Is, Vars>>&>(self.tensors)
                .tensor.data.data()...};
  }
};

namespace detail {
template <class T, class Vars> struct var_set_of;
template <class T, class... Vars> struct var_set_of<T, type_list<Vars...>> {
  using type = var_set<T, Vars...>;
};

template <class N> struct is_param : is_par<N> {};
template <class Order> struct params_in { using type = filter_t<is_param, Order>; };
}  // namespace detail

/// The parameters of an expression, in the order a forward pass first uses them.
template <class E> using params_of_t = typename detail::params_in<topological_order_t<E>>::type;

/// The parameter set of a network (also the type of its gradient set).
template <class T, class Net>
using param_set = typename detail::var_set_of<T, params_of_t<Net>>::type;

/// A zero-initialised parameter set of net with element type T.   auto p = params<float>(loss);
template <class T, Expression Net> constexpr param_set<T, Net> params(Net) { return {}; }

}  // namespace ctgrad
