// SPDX-License-Identifier: BSL-1.0
// Leaves: named variables with a compile-time shape. The name is part of the type, so
// var<"x"> is the same node wherever it is written, and different names are different
// nodes. Inputs (and targets) are bound to values at each call; parameters are what a
// parameter set holds and what a network's gradient is taken with respect to.
//   constexpr auto x = ctgrad::var<"x">;             a scalar input:   eval(x * x, x = 3.0)
//   constexpr auto X = ctgrad::input<"X", 32, 4>;     a batch of 32 rows of 4 features
//   constexpr auto W = ctgrad::param<"W1", 4, 8>;     a 4x8 parameter
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/detail/fixed_string.hpp>

#include <string>
#include <type_traits>

namespace ctgrad {

/// The role of an input (var, input): data bound at each call, no gradient unless asked.
struct input_role {};
/// The role of a parameter (param): part of the parameter set.
struct param_role {};
/// A buffer (PyTorch's word): state kept with the parameters (saved, loaded, in the parameter
/// set) that no optimiser trains, such as batch norm's running statistics.
struct buffer_role {};
struct carry_role {};  ///< a loop's carried state (engine/loop.hpp)
struct step_role {};   ///< a loop's per-step input slice

/// A value for variable Var: a number (scalars), or a pointer to the caller's tensor.
template <class Var, class V> struct binding {
  /// The variable bound.
  using variable = Var;
  /// The number or the pointer to the caller's tensor.
  V value;
};

/// Var bound to an expression: a loop's initial state (h = h0) or its sequence (x = X).
template <class Var, class E> struct expr_binding {
  /// The variable bound.
  using variable = Var;
  /// The expression it is bound to.
  using expression = E;
};

/// A variable, input, parameter or loop variable: a named leaf of a compile-time shape (made by
/// var, input, param, carry, step_input).
template <class Name, class Shape, class Role> struct var_node : node<> {
  /// The variable's shape.
  using shape = Shape;
  /// input_role, param_role, carry_role or step_role.
  using role = Role;
  /// The variable's name.
  static constexpr std::string_view name = Name::view();
  /// Variables print as their name.
  static constexpr print_style style{print_style::leaf};
  /// The variable's name as text.
  static std::string label() { return std::string(name); }

  /// `x = 2.0` binds a scalar for ctgrad::eval; integers are evaluated as double.
  template <class T>
    requires std::is_arithmetic_v<T>
  constexpr auto operator=(T value) const {
    static_assert(Shape::rank == 0,
                  "ctgrad: binding x = number: x is a tensor; bind a ctgrad::tensor of its shape");
    using value_t = detail::if_t<std::is_floating_point_v<T>, T, double>;
    return binding<var_node, value_t>{static_cast<value_t>(value)};
  }
  /// `X = t` binds a tensor by pointer (no copy): t must outlive the call it is passed to.
  template <class T, class S> constexpr auto operator=(tensor<T, S> const& t) const {
    static_assert(same_shape_v<S, Shape>,
                  "ctgrad: binding x = t: the tensor's shape must equal the variable's shape");
    return binding<var_node, tensor<T, S> const*>{&t};
  }
  /// `h = e` in a loop: the loop's state h starts at e, or its step input runs over e.
  template <Expression E>
    requires(!__is_same(E, var_node))
  constexpr expr_binding<var_node, E> operator=(E) const { return {}; }
};

/// The scalar input variable Name.   constexpr auto w = ctgrad::var<"w">;
template <detail::fixed_string Name, class Shape = shape<>>
inline constexpr var_node<detail::to_name_t<Name>, Shape, input_role> var{};

/// An input (or target) of shape Dims...   constexpr auto X = ctgrad::input<"X", 32, 4>;
template <detail::fixed_string Name, std::size_t... Dims>
inline constexpr var_node<detail::to_name_t<Name>, shape<Dims...>, input_role> input{};

/// A trainable parameter of shape Dims...   constexpr auto W1 = ctgrad::param<"W1", 4, 8>;
template <detail::fixed_string Name, std::size_t... Dims>
inline constexpr var_node<detail::to_name_t<Name>, shape<Dims...>, param_role> param{};

/// Non-trainable state of shape Dims..., kept in the parameter set (saved and loaded with it)
/// but skipped by the optimisers:  ctgrad::buffer<"bn1.running_mean", 16>
template <detail::fixed_string Name, std::size_t... Dims>
inline constexpr var_node<detail::to_name_t<Name>, shape<Dims...>, buffer_role> buffer{};

namespace detail {
// Classes, used inside the library: g++ gives every instantiated variable template a symbol
// and mangles its name (a node's, as long as its subtree) when the translation unit ends;
// a class whose value is a base's has none (see detail/type_list.hpp's hashed_check).
template <class T> struct is_var : std::false_type {};
template <class Name, class Shape, class Role>
struct is_var<var_node<Name, Shape, Role>> : std::true_type {};
template <class T> struct is_par : std::false_type {};
template <class Name, class Shape>
struct is_par<var_node<Name, Shape, param_role>> : std::true_type {};
template <class Name, class Shape>
struct is_par<var_node<Name, Shape, buffer_role>> : std::true_type {};
}  // namespace detail

/// True when T is a variable (var_node of any role).
template <class T> inline constexpr bool is_variable_v = ctgrad::detail::is_var<T>::value;

/// A loop's carried state:  constexpr auto h = ctgrad::carry<"h", B, H>;
template <detail::fixed_string Name, std::size_t... Dims>
inline constexpr var_node<detail::to_name_t<Name>, shape<Dims...>, carry_role> carry{};

/// A loop's per-step input (one slice of a sequence):  ctgrad::step_input<"x", B, In>
template <detail::fixed_string Name, std::size_t... Dims>
inline constexpr var_node<detail::to_name_t<Name>, shape<Dims...>, step_role> step_input{};

/// True when T is a parameter (param) or a buffer: buffers belong to the parameter set
/// (param_set, io::save) like parameters.
template <class T> inline constexpr bool is_param_v = ctgrad::detail::is_par<T>::value;
/// True when T is a buffer (state saved with the parameters, not trained).
template <class T> inline constexpr bool is_buffer_v = false;
/// True: a buffer.
template <class Name, class Shape>
inline constexpr bool is_buffer_v<var_node<Name, Shape, buffer_role>> = true;

/// True when T is a loop's carried state (carry).
template <class T> inline constexpr bool is_carry_v = false;
/// True: a carried state.
template <class Name, class Shape>
inline constexpr bool is_carry_v<var_node<Name, Shape, carry_role>> = true;
/// True when T is a loop's per-step input (step_input).
template <class T> inline constexpr bool is_step_input_v = false;
/// True: a step input.
template <class Name, class Shape>
inline constexpr bool is_step_input_v<var_node<Name, Shape, step_role>> = true;

}  // namespace ctgrad
