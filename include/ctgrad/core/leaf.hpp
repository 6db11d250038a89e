// SPDX-License-Identifier: BSL-1.0
// Named variables. The name is part of the type, so var<"x"> is the same node wherever it
// is written, and two variables with different names are different nodes.
//   constexpr auto x = ctgrad::var<"x">;   ctgrad::eval(x * x, x = 3.0) == 9.0
#pragma once

#include <ctgrad/core/node.hpp>
#include <ctgrad/detail/fixed_string.hpp>

#include <string>
#include <type_traits>

namespace ctgrad {

/// A value for variable Var, made by writing `x = 2.0`.
template <class Var, class T> struct binding {
  using variable = Var;
  T value;
};

template <class Name> struct var_node : node<> {
  static constexpr std::string_view name = Name::view();
  static constexpr print_style style{print_style::leaf};
  static std::string label() { return std::string(name); }

  /// `x = 2.0` binds x for ctgrad::eval; integers are evaluated as double.
  template <class T>
    requires std::is_arithmetic_v<T>
  constexpr auto operator=(T value) const {
    using value_t = std::conditional_t<std::is_floating_point_v<T>, T, double>;
    return binding<var_node, value_t>{static_cast<value_t>(value)};
  }
};

/// The variable named Name.   constexpr auto w = ctgrad::var<"w">;
template <detail::fixed_string Name> inline constexpr var_node<detail::to_name_t<Name>> var{};

template <class T> inline constexpr bool is_variable_v = false;
template <class Name> inline constexpr bool is_variable_v<var_node<Name>> = true;

}  // namespace ctgrad
