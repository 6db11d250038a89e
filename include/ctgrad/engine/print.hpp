// SPDX-License-Identifier: BSL-1.0
// to_string: any expression in ordinary math notation, with only the parentheses that
// precedence needs:  2*x,  4*y*cos(z)*x,  -(x + y),  x^(-1),  (z > 0).
// A hana::tuple (from grad or hessian) prints as (a, b, ...).
#pragma once

#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/named.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <boost/hana/tuple.hpp>

#include <string>
#include <type_traits>

namespace ctgrad {

namespace detail {

// Names in scope: an expression that contains named<"a">(e) prints every other occurrence
// of e as a too, so a derivative reads  2*(a - y)*a*(1 - a)  rather than repeating e.
template <class N, class P> struct names_child { static constexpr bool value = false; };
template <class N, class Name> struct names_child<N, named_node<Name, N>> {
  static constexpr bool value = true;
};

template <class Scope, class N> struct name_in_scope;
template <class... Ps, class N> struct name_in_scope<type_list<Ps...>, N> {
  static constexpr std::size_t index = first_same<names_child<N, Ps>::value...>();
  static constexpr bool found = index < sizeof...(Ps);
};

template <class Scope, class N> std::string print_node();

template <class Scope, class C> std::string print_operand(int min_precedence) {
  std::string s = print_node<Scope, C>();
  constexpr int precedence = name_in_scope<Scope, C>::found ? 50 : C::style.precedence;
  return precedence < min_precedence ? "(" + s + ")" : s;
}

template <class Scope, class N, class... Cs> std::string print_with_children(type_list<Cs...>) {
  constexpr print_style style = N::style;
  if constexpr (style.kind == print_style::leaf) {
    return N::label();
  } else if constexpr (style.kind == print_style::call) {
    std::string args;
    ((args += (args.empty() ? "" : ", ") + print_node<Scope, Cs>()), ...);
    return std::string(style.symbol) + "(" + args + ")";
  } else if constexpr (style.kind == print_style::infix) {
    using L = at_t<0, type_list<Cs...>>;
    using R = at_t<1, type_list<Cs...>>;
    return print_operand<Scope, L>(style.left_min) + std::string(style.symbol) +
           print_operand<Scope, R>(style.right_min);
  } else if constexpr (style.kind == print_style::prefix) {
    return std::string(style.symbol) + (print_operand<Scope, Cs>(style.right_min) + ...);
  } else {
    return N::print(print_operand<Scope, Cs>(style.left_min)...);
  }
}

template <class Scope, class N> std::string print_node() {
  using name = name_in_scope<Scope, N>;
  if constexpr (name::found) {
    return at_t<name::index, Scope>::label();
  } else {
    return print_with_children<Scope, N>(typename N::children{});
  }
}

}  // namespace detail

/// The expression in math notation.   to_string(d(x * x, x)) == "2*x"
template <Expression E> std::string to_string(E) {
  return detail::print_node<topological_order_t<E>, E>();
}

namespace detail {
template <class Scope, class E> std::string print_in_scope(E e) {
  if constexpr (Expression<E>) {
    return print_node<Scope, E>();
  } else {
    return [&]<class... Es>(boost::hana::tuple<Es...> const*) {
      std::string s;
      ((s += (s.empty() ? "" : ", ") + print_in_scope<Scope>(Es{})), ...);
      return "(" + s + ")";
    }(&e);
  }
}
}  // namespace detail

/// A tuple of expressions (from grad or hessian) as "(a, b, ...)".
template <class... Es> std::string to_string(boost::hana::tuple<Es...> const& t) {
  using namespace detail;
  using scope = order_of_t<typename outputs<boost::hana::tuple<Es...>>::type>;
  return print_in_scope<scope>(t);
}

}  // namespace ctgrad
