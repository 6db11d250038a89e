// SPDX-License-Identifier: BSL-1.0
// Reverse-mode differentiation at compile time. For f with nodes in topological order,
//   adjoint(f) = 1,   adjoint(n) = Σ over parents p of n:  (p's VJP rule for the slot of n),
// where each VJP rule is an expression of p's inputs, p itself and adjoint(p). The sum and
// the rules are built with the primitives' simplifying constructors, so the result is an
// ordinary (simplified) expression: it prints, evaluates, and can be differentiated again.
// Adjoints are class templates keyed by node type, so each is derived once and shared by
// every parent, by grad(f, x, y, ...) and by the evaluator.
#pragma once

#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/named.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/sum.hpp>

#include <boost/hana/tuple.hpp>

namespace ctgrad {

namespace detail {

template <class Root, class Order, class N> struct adjoint;

template <class S, class E> constexpr auto unbroadcast(E e) {
  if constexpr (shape_of_t<E>::size > S::size) {
    return sum_to<S>(e);
  } else {
    return e;
  }
}

/// e with exactly shape S: a scalar (or smaller) adjoint is repeated, a larger one summed.
template <class S, class E> constexpr auto as_shape(E e) {
  if constexpr (shape_of_t<E>::size < S::size) {
    return broadcast_to<S>(e);
  } else {
    return unbroadcast<S>(e);
  }
}

// What parent P passes down to child N: the sum of P's rules for every slot holding N
// (x*x holds x twice). Nothing is derived for a P that does not have N as a child.
template <class Root, class Order, class P, class N, bool = contains_v<children_t<P>, N>>
struct contribution {
  using type = zero_t;
};
template <class Root, class Order, class P, class N> struct contribution<Root, Order, P, N, true> {
  using adjoint_p = typename adjoint<Root, Order, P>::type;

  template <class Rules, std::size_t... Slots>
  static constexpr auto sum_slots(std::index_sequence<Slots...>) {
    return (zero_t{} + ... +
            std::conditional_t<__is_same(at_t<Slots, children_t<P>>, N), at_t<Slots, Rules>,
                               zero_t>{});
  }
  static constexpr auto compute() {
    if constexpr (is_zero_v<adjoint_p>) {
      return zero_t{};
    } else {
      using rules = vjp_rules_t<P, adjoint_p>;
      // A child that was broadcast (a bias added to every row) receives the sum over the
      // repeated dimensions.
      return unbroadcast<shape_of_t<N>>(
          sum_slots<rules>(std::make_index_sequence<children_t<P>::size>{}));
    }
  }
  using type = decltype(compute());
};

template <class Root, class Order, class N> struct adjoint_sum;
template <class Root, class... Ps, class N> struct adjoint_sum<Root, type_list<Ps...>, N> {
  using type =
      decltype((zero_t{} + ... + typename contribution<Root, type_list<Ps...>, Ps, N>::type{}));
};

template <class Root, class Order, class N> struct adjoint {
  using type = std::conditional_t<__is_same(Root, N), one_t,
                                  typename adjoint_sum<Root, Order, N>::type>;
};
template <class Root, class Order> struct adjoint<Root, Order, Root> {
  using type = one_t;
};

template <class X> inline constexpr bool is_differentiation_variable_v = is_variable_v<X>;
template <class Name, class A>
inline constexpr bool is_differentiation_variable_v<named_node<Name, A>> = true;

}  // namespace detail

/// The adjoint of node N in f: df/dN as an expression (zero if f does not depend on N).
template <Expression F, class N>
using adjoint_t = typename detail::adjoint<F, topological_order_t<F>, N>::type;

/// df/dx, derived at compile time.   d(x * x, x)  is  2*x
/// x is a variable (ctgrad::var<"x">) or a named intermediate (ctgrad::named<"z">(...)).
template <class F, class X> constexpr auto d(F, X) {
  if constexpr (!Expression<F>) {
    static_assert(Expression<F>, "ctgrad::d(f, x): f must be a ctgrad expression");
    return invalid_expression{};
  } else if constexpr (!detail::is_differentiation_variable_v<X>) {
    static_assert(detail::is_differentiation_variable_v<X>,
                  "ctgrad::d(f, x): x must be a variable declared as ctgrad::var<\"x\"> (or a "
                  "ctgrad::named intermediate), not an expression or a number");
    return invalid_expression{};
  } else {
    return adjoint_t<F, X>{};
  }
}

/// (df/dx, df/dy, ...) as a boost::hana::tuple; one shared reverse sweep.
template <class F, class... Xs> constexpr auto grad(F f, Xs... xs) {
  return boost::hana::make_tuple(d(f, xs)...);
}

/// The matrix of second derivatives d²f/(dxi dxj), as a tuple of rows.
template <class F, class... Xs> constexpr auto hessian(F f, Xs... xs) {
  return boost::hana::make_tuple(grad(d(f, xs), xs...)...);
}

}  // namespace ctgrad
