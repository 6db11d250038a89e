// SPDX-License-Identifier: BSL-1.0
// Where a call's values come from: bindings (x = 2.0, X = tensor) and variable sets
// (parameters). Each variable of an expression must be provided by exactly one source;
// the source table holds one pointer per value a source provides, built once per call.
//   provider_count/_index<Var, Sources...>  how many sources provide Var, the first that does
//   source_table<T, Sources...>     the pointers, tensors read where the caller keeps them
//   bound_check<Vars, Sources...>   one static_assert per unbound or twice-bound variable
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad::detail {

// ---- where values come from: bindings (x = 2.0, X = tensor) and variable sets (parameters)
template <class Source, class Var> struct provides : std::false_type {};
template <class Var, class V> struct provides<binding<Var, V>, Var> : std::true_type {};
template <class T, class... Vs, class Var>
struct provides<var_set<T, Vs...>, Var> : contains<typename var_set<T, Vs...>::variables, Var> {};

template <class S> inline constexpr bool is_source_v = false;
template <class Var, class V> inline constexpr bool is_source_v<binding<Var, V>> = true;
template <class T, class... Vs> inline constexpr bool is_source_v<var_set<T, Vs...>> = true;

template <class S> struct source_element { using type = void; };
template <class Var, class V> struct source_element<binding<Var, V>> { using type = V; };
template <class Var, class T, class S> struct source_element<binding<Var, tensor<T, S> const*>> {
  using type = T;
};
template <class T, class... Vs> struct source_element<var_set<T, Vs...>> { using type = T; };
template <class... Sources> struct value_type {
  using type = std::common_type_t<typename source_element<Sources>::type...>;
};
template <> struct value_type<> { using type = double; };

template <bool... Found> constexpr std::size_t first_true() {
  bool const found[] = {Found..., true};
  std::size_t i = 0;
  while (!found[i]) ++i;
  return i;
}

// Values of bases, not static members: a static member is a symbol whose name (Sources...: a
// set of all of a net's parameters) g++ mangles, once per variable (see type_list.hpp).
template <class Var, class... Sources>
struct provider_count
    : std::integral_constant<std::size_t, sum_of<provides<Sources, Var>::value...>()> {};
template <class Var, class... Sources>
struct provider_index
    : std::integral_constant<std::size_t, first_true<provides<Sources, Var>::value...>()> {};

// ---- the source table: one pointer per value a source provides (a binding: one; a set:
// one per tensor), built once per call. Numbers bound as x = 2.0 are converted to T and
// kept in the table; tensors are read where the caller keeps them.
template <class S> inline constexpr std::size_t source_width_v = 1;
template <class T, class... Vs>
inline constexpr std::size_t source_width_v<var_set<T, Vs...>> = sizeof...(Vs);
template <class S> inline constexpr bool is_number_binding_v = false;
template <class Var, class V>
inline constexpr bool is_number_binding_v<binding<Var, V>> = std::is_arithmetic_v<V>;

template <class S, class Var> struct index_in_source : std::integral_constant<std::size_t, 0> {};
template <class T, class... Vs, class Var>
struct index_in_source<var_set<T, Vs...>, Var>
    : index_of<typename var_set<T, Vs...>::variables, Var> {};

/// Where variable Var's value is in the table of Sources (0 for a node that is not one).
/// A fold, not a lambda: see child_position below.
template <class Var, std::size_t P, class Seq, class... Sources> struct table_index_impl;
template <class Var, std::size_t P, std::size_t... Is, class... Sources>
struct table_index_impl<Var, P, std::index_sequence<Is...>, Sources...>
    : std::integral_constant<std::size_t,
                             sum_of<(Is < P ? source_width_v<Sources> : 0)...>() +
                                 index_in_source<at_t<P, type_list<Sources...>>, Var>::value> {};
template <class Var, class... Sources>
struct table_index : table_index_impl<Var, provider_index<Var, Sources...>::value,
                                      std::index_sequence_for<Sources...>, Sources...> {};
template <class N, class... Sources>
struct bound_index
    : std::integral_constant<
          std::size_t, detail::if_t<ctgrad::detail::is_var<N>::value, table_index<N, Sources...>,
                                    std::integral_constant<std::size_t, 0>>::value> {};

template <class S, class T> inline constexpr bool same_element_v = true;
template <class Var, class U, class Sh, class T>
inline constexpr bool same_element_v<binding<Var, tensor<U, Sh> const*>, T> = __is_same(U, T);
template <class U, class... Vs, class T>
inline constexpr bool same_element_v<var_set<U, Vs...>, T> = __is_same(U, T);

template <class T, class... Sources> class source_table {
  static constexpr std::size_t count = sum_of<source_width_v<Sources>...>();
  static constexpr std::size_t numbers = sum_of<is_number_binding_v<Sources>...>();
  std::array<T, numbers + 1> number_;
  std::size_t k_ = 0, j_ = 0;

  template <class Var, class V> constexpr void add(binding<Var, V> const& b) {
    if constexpr (std::is_arithmetic_v<V>) {
      number_[j_] = static_cast<T>(b.value);
      ptr[k_++] = &number_[j_++];
    } else {
      ptr[k_++] = b.value->data.data();
    }
  }
  template <class... Vs> constexpr void add(var_set<T, Vs...> const& s) {
    for (T const* p : s.pointers()) ptr[k_++] = p;
  }

 public:
  std::array<T const*, count + 1> ptr{};  // every entry read is set; {} for the unused last

  constexpr explicit source_table(Sources const&... sources) {
    static_assert(all_of_v<same_element_v<Sources, T>...>,
                  "ctgrad: every tensor and variable set in one call must have the same "
                  "element type (all float or all double)");
    if constexpr (all_of_v<same_element_v<Sources, T>...>) {
      // An array, not a comma fold: clang 14 stops at folds of more than 256 (bindings).
      [[maybe_unused]] int const added[] = {(add(sources), 0)..., 0};
    }
  }
  source_table(source_table const&) = delete;
  source_table& operator=(source_table const&) = delete;
};

// ---- which variables a graph reads, and the check that each is bound once
template <class N> struct is_variable : is_var<N> {};
template <class Order> struct variables { using type = filter_t<is_variable, Order>; };

// The unbound variable's name and shape lead the error line on clang, which prints the
// condition has_a_value_v<name<'y'>, shape<>, is_bound> (a condition on provider<...> would
// put every source first); g++ names Var first in the line that opens the diagnostic, and
// prints has_a_value_v<name<'y'>, shape<>, false> in the note after the error.
template <class Var> struct name_and_shape {
  using name = Var;
  using shape = void;
};
template <class Name, class Shape, class Role> struct name_and_shape<var_node<Name, Shape, Role>> {
  using name = Name;
  using shape = Shape;
};
template <class Name, class Shape, bool Bound> inline constexpr bool has_a_value_v = Bound;

// One static_assert per variable, so the compiler names the unbound one.
template <class Var, class... Sources> constexpr bool require_bound() {
  using var_name = typename name_and_shape<Var>::name;
  using var_shape = typename name_and_shape<Var>::shape;
  constexpr bool is_bound = provider_count<Var, Sources...>::value != 0;
  static_assert(has_a_value_v<var_name, var_shape, is_bound>,
                "ctgrad::eval(f, x = value, ...): a variable of f has no value; bind every "
                "variable of f (the variable's name and shape open this diagnostic)");
  static_assert(provider_count<Var, Sources...>::value <= 1,
                "ctgrad::eval(f, ...): a variable is bound more than once");
  return true;
}
template <class Vars, class... Sources> struct bound_check;
template <class... Vars, class... Sources> struct bound_check<type_list<Vars...>, Sources...> {
  static constexpr bool ok = all_of_v<(provider_count<Vars, Sources...>::value == 1)...>;
  static constexpr void require() {
    bool const done[] = {require_bound<Vars, Sources...>()..., true};
    (void)done;
  }
};

}  // namespace ctgrad::detail
