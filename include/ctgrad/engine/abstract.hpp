// SPDX-License-Identifier: BSL-1.0
// Abstract nodes: a node with its (non-constant) children replaced by placeholders that
// carry only a position and a shape. tanh_node<mul_node<W, X>> becomes tanh_node<slot<0, S>>.
// Its forward and its VJP rules then depend only on the operation and the shapes, so a
// net with 64 equal layers instantiates one kernel, and kernel symbols stay short however
// large the net type grows.
//   rule_t<P, K>   the VJP rule of P for its K-th child, an expression of slot<k, S>s,
//                  P's abstract self (its cached output) and upstream<S> (P's adjoint).
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/detect.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <string>

namespace ctgrad {

namespace detail {

// P's template re-instantiated with new children. Every node template whose arguments are
// all types works as is (arguments that are not children, such as a shape, are kept); a
// node with non-type arguments (pow_node<A, N>) declares `template <class...> with_children`.
// (A partial specialisation, not a requires-expression: see detail/detect.hpp.)
template <class P, class New, class = void> struct has_with_children : std::false_type {};
template <class P, class... New>
struct has_with_children<P, type_list<New...>,
                         std::void_t<typename P::template with_children<New...>>> : std::true_type {
};
template <class P, class New, bool = has_with_children<P, New>::value> struct rebind;
// One argument: the new child in its slot, or itself when it is not a child (a shape).
template <class Old, class New, class Arg> struct rebind_arg {
  using type = typename detail::if_t<contains<Old, Arg>::value, at<index_of<Old, Arg>::value, New>,
                                     std::type_identity<Arg>>::type;
};
template <class P, class New, bool ArgsAreChildren> struct rebind_args;
template <template <class...> class Tpl, class... Args, class... New>
struct rebind_args<Tpl<Args...>, type_list<New...>, true> {
  using type = Tpl<New...>;  // the usual node: its arguments are its children
};
template <template <class...> class Tpl, class... Args, class... New>
struct rebind_args<Tpl<Args...>, type_list<New...>, false> {
  using type = Tpl<typename rebind_arg<children_t<Tpl<Args...>>, type_list<New...>, Args>::type...>;
};
template <template <class...> class Tpl, class... Args, class... New>
struct rebind<Tpl<Args...>, type_list<New...>, false>
    : rebind_args<Tpl<Args...>, type_list<New...>,
                  __is_same(type_list<Args...>, children_t<Tpl<Args...>>)> {};
template <class P, class... New> struct rebind<P, type_list<New...>, true> {
  using type = typename P::template with_children<New...>;
};

// Constants stay as they are, so rules still fold (the adjoint of 2*x is 2*dc, not #0*dc).
template <class C, std::size_t K>
using placeholder_t = detail::if_t<detail::is_constant<C>::value, C, slot_node<K, shape_of_t<C>>>;

template <class P, class Children = children_t<P>,
          class Seq = std::make_index_sequence<Children::size>>
struct abstract;
template <class P, class... Cs, std::size_t... Ks>
struct abstract<P, type_list<Cs...>, std::index_sequence<Ks...>> {
  using type = typename rebind<P, type_list<placeholder_t<Cs, Ks>...>>::type;
};
template <class P> struct abstract<P, type_list<>, std::index_sequence<>> { using type = P; };
// Every child a slot, constants too: what a forward step needs (see forward_abstract_t).
template <class P, class Children = children_t<P>,
          class Seq = std::make_index_sequence<Children::size>>
struct all_slots;
template <class P, class... Cs, std::size_t... Ks>
struct all_slots<P, type_list<Cs...>, std::index_sequence<Ks...>> {
  using type = typename rebind<P, type_list<slot_node<Ks, shape_of_t<Cs>>...>>::type;
};
template <class P> struct all_slots<P, type_list<>, std::index_sequence<>> { using type = P; };

}  // namespace detail

/// P with its children replaced by slot placeholders (leaves are their own abstraction).
template <class P> using abstract_t = typename detail::abstract<P>::type;

/// P with every child, constants included, replaced by a slot: the forward step computes P
/// from its children's values, and a constant child is a node with a value of its own. So
/// k*x for 300 different k is one forward step, not 300 (each an instantiated function: the
/// 300-term sum's derivative had about 600 distinct steps). The backward rules keep their
/// constants (abstract_t), so that they fold: the adjoint of 2*x is 2*dc.
template <class P> using forward_abstract_t = typename detail::all_slots<P>::type;

namespace detail {

template <class R> struct as_adjoints {
  using type = type_list<R>;  // a unary rule returns its single adjoint directly
};
template <class... As> struct as_adjoints<adjoints<As...>> { using type = type_list<As...>; };

template <class P, class Adj, class Children = children_t<P>> struct vjp_of;
template <class P, class Adj, class... Cs> struct vjp_of<P, Adj, type_list<Cs...>> {
  using type = typename as_adjoints<decltype(P::vjp(Cs{}..., P{}, Adj{}))>::type;
};

}  // namespace detail

/// All VJP rules of P as a type_list (one per child), for the upstream adjoint Adj.
template <class P, class Adj> using vjp_rules_t = typename detail::vjp_of<P, Adj>::type;

}  // namespace ctgrad
