// SPDX-License-Identifier: BSL-1.0
// Reverse-mode differentiation at compile time. For f with nodes in topological order,
//   adjoint(f) = 1,   adjoint(n) = Σ over parents p of n:  (p's VJP rule for the slot of n),
// where each VJP rule is an expression of p's inputs, p itself and adjoint(p). The sum and
// the rules are built with the primitives' simplifying constructors, so the result is an
// ordinary (simplified) expression: it prints, evaluates, and can be differentiated again.
// Adjoints are class templates keyed by node type, so each is derived once and shared by
// every parent, by grad(f, x, y, ...) and by the evaluator.
#pragma once

#include <ctgrad/detail/if.hpp>
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

#include <array>
#include <cstddef>
#include <initializer_list>
#include <utility>

namespace ctgrad {

namespace detail {

// Adjoints are keyed by position in the order: a node's parents are positions in the parent
// table, so no node's position is ever looked up (each lookup a separate evaluation, see
// expr/graph.hpp's child_table), except the one asked for.
// The root is the order's last node (expr/graph.hpp: post-order); its adjoint is 1.
template <class Root, class Order, std::size_t I, bool IsRoot = (I + 1 == Order::size)>
struct adjoint_at;
template <class Root, class Order, class N, bool = contains<Order, N>::value> struct adjoint;

// A class, not a function: the derivation asks it once per edge, and a function with a deduced
// return type is instantiated with its body each time (and given a symbol by g++).
template <class S, class E, bool = (shape_of_t<E>::size > S::size)> struct unbroadcast_c {
  using type = E;
};
template <class S, class E> struct unbroadcast_c<S, E, true> {
  using type = decltype(sum_to<S>(E{}));
};
template <class S, class E> constexpr auto unbroadcast(E) {
  return typename unbroadcast_c<S, E>::type{};
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
// Class templates, not functions: g++ gives every instantiated function a symbol and names it
// after its arguments, and P is a parent whose type can hold most of the graph (a long sum's
// add_n node), so a function per (parent, child) pair made megabytes of names. (Nor static
// members of a class keyed on P, for the same reason.)
// Only the slots that hold N are added: a fold over every slot cost one operator+ (an
// overload resolution, a simplifying constructor) per slot, 32 per term of an add_n node.
constexpr std::size_t count_true(std::initializer_list<bool> bits) {
  std::size_t count = 0;
  for (bool bit : bits) count += bit ? 1 : 0;
  return count;
}
constexpr std::size_t nth_true(std::size_t nth, std::initializer_list<bool> bits) {  // its slot
  std::size_t slot = 0;
  for (bool bit : bits) {
    if (bit && nth-- == 0) return slot;
    ++slot;
  }
  return slot;
}
template <class N, class Cs> struct slot_count;
template <class N, class... Cs>
struct slot_count<N, type_list<Cs...>>
    : std::integral_constant<std::size_t, count_true({__is_same(Cs, N)...})> {};
template <class N, class Cs> struct slot_seq {
  using type = std::make_index_sequence<slot_count<N, Cs>::value>;
};
template <class N, class C> struct slot_seq<N, type_list<C>> {
  using type = std::index_sequence<0>;
};
template <class N, class C0, class C1> struct slot_seq<N, type_list<C0, C1>> {
  using type = void;  // decided by the specialisation for two inputs
};
template <class P, class N, class Rules, class Cs = children_t<P>,
          class Seq = typename slot_seq<N, Cs>::type>
struct sum_slots;
template <class P, class N, class Rules, class... Cs>
struct sum_slots<P, N, Rules, type_list<Cs...>, std::index_sequence<0>> {
  using type = at_t<nth_true(0, {__is_same(Cs, N)...}), Rules>;  // the usual case: one slot
};
template <class P, class N, class Rules, class... Cs, std::size_t... Ks>
struct sum_slots<P, N, Rules, type_list<Cs...>, std::index_sequence<Ks...>> {
  using type = decltype((zero_t{} + ... + at_t<nth_true(Ks, {__is_same(Cs, N)...}), Rules>{}));
};
// One and two inputs (most primitives) without a constant evaluation: each call of count_true
// or nth_true is one, and the derivation asks one per edge.
template <class P, class N, class R, class C>
struct sum_slots<P, N, type_list<R>, type_list<C>, std::index_sequence<0>> {
  using type = R;
};
template <class T> struct just { using type = T; };
template <class R0, class R1> struct sum_of_two { using type = decltype(R0{} + R1{}); };
template <class P, class N, class R0, class R1, class C0, class C1, class Seq>
struct sum_slots<P, N, type_list<R0, R1>, type_list<C0, C1>, Seq> {
  using type = typename if_t<__is_same(C0, N), if_t<__is_same(C1, N), sum_of_two<R0, R1>, just<R0>>,
                             just<R1>>::type;
};
template <class P, class N, class AdjointP, bool = is_zero_c<AdjointP>::value>
struct contribution_of {
  // A child that was broadcast (a bias added to every row) receives the sum over the
  // repeated dimensions.
  using type =
      typename unbroadcast_c<shape_of_t<N>,
                             typename sum_slots<P, N, vjp_rules_t<P, AdjointP>>::type>::type;
};
template <class P, class N, class AdjointP> struct contribution_of<P, N, AdjointP, true> {
  using type = zero_t;
};
// Parent number Pi of the order passes this down to N (the parent table lists only parents).
template <class Root, class Order, std::size_t Pi, class N> struct contribution {
  using type = typename contribution_of<at_t<Pi, Order>, N,
                                        typename adjoint_at<Root, Order, Pi>::type>::type;
};

// Each node's parents, found once per graph: a constexpr table (positions in Order) read by
// every node's adjoint, so an adjoint sums over its parents only. (Folding over every node
// of the graph for every node cost n^2 instantiations: 31 s at a 100-term sum, and clang
// stops at folds of 256.) Parents are in topological order, each once.
// (child_table: expr/graph.hpp.)
template <class Order> struct parent_table;
template <class... Ns> struct parent_table<type_list<Ns...>> {
  using order = type_list<Ns...>;
  static constexpr std::size_t n = sizeof...(Ns);
  static constexpr std::size_t edges = child_table<order>::edges;
  struct table_t {
    std::array<std::size_t, n + 1> begin{};  // node i's parents: list[begin[i] .. begin[i + 1])
    std::array<std::size_t, edges + 1> list{};
  };
  static constexpr table_t table = [] {
    table_t tab{};
    auto const& kids = child_table<order>::table;
    std::array<std::size_t, n + 1> count{};
    std::array<std::size_t, n + 1> last{};  // the last parent recorded per child, + 1
    for (std::size_t parent = 0; parent < n; ++parent)
      for (std::size_t edge = kids.begin[parent]; edge < kids.begin[parent + 1]; ++edge)
        if (last[kids.list[edge]] != parent + 1) {
          last[kids.list[edge]] = parent + 1;
          ++count[kids.list[edge]];
        }
    for (std::size_t node = 0; node < n; ++node)
      tab.begin[node + 1] = tab.begin[node] + count[node];
    std::array<std::size_t, n + 1> fill = {};
    last = {};
    for (std::size_t parent = 0; parent < n; ++parent)
      for (std::size_t edge = kids.begin[parent]; edge < kids.begin[parent + 1]; ++edge) {
        std::size_t const child = kids.list[edge];
        if (last[child] == parent + 1) continue;
        last[child] = parent + 1;
        tab.list[tab.begin[child] + fill[child]++] = parent;
      }
    return tab;
  }();
};

// The sum over N's parents, left to right as a hand derivation adds them, in folds of at most
// `fold_chunk` terms: clang stops at folds of 256 (a variable used by 300 terms has 300
// parents), and each fold continues the previous one's sum.
inline constexpr std::size_t fold_chunk = 128;
template <class Root, class Order, class N, class Acc, std::size_t First, class Seq>
struct adjoint_sum_chunk;
template <class Root, class Order, class N, class Acc, std::size_t First, std::size_t... Js>
struct adjoint_sum_chunk<Root, Order, N, Acc, First, std::index_sequence<Js...>> {
  using type = decltype((
      Acc{} + ... +
      typename contribution<Root, Order, parent_table<Order>::table.list[First + Js], N>::type{}));
};
template <class Root, class Order, class N, class Acc, std::size_t First, std::size_t Count,
          bool Last = (Count <= fold_chunk)>
struct adjoint_sum_of {
  using type =
      typename adjoint_sum_chunk<Root, Order, N, Acc, First, std::make_index_sequence<Count>>::type;
};
template <class Root, class Order, class N, class Acc, std::size_t First, std::size_t Count>
struct adjoint_sum_of<Root, Order, N, Acc, First, Count, false> {
  using head = typename adjoint_sum_chunk<Root, Order, N, Acc, First,
                                          std::make_index_sequence<fold_chunk>>::type;
  using type =
      typename adjoint_sum_of<Root, Order, N, head, First + fold_chunk, Count - fold_chunk>::type;
};
// The usual node has one parent (a term of a sum, the argument of sin): its adjoint is that
// parent's contribution, with no sum at all; a longer sum starts from its first contribution,
// not from zero. (zero + c was an operator+ instantiation per node: about 10 classes each.)
template <class Root, class Order, std::size_t I, class N, std::size_t First, std::size_t Count>
struct adjoint_sum {
  using type = typename adjoint_sum_of<
      Root, Order, N,
      typename contribution<Root, Order, parent_table<Order>::table.list[First], N>::type,
      First + 1, Count - 1>::type;
};
template <class Root, class Order, std::size_t I, class N, std::size_t First>
struct adjoint_sum<Root, Order, I, N, First, 1> {
  using type = typename contribution<Root, Order, parent_table<Order>::table.list[First], N>::type;
};
template <class Root, class Order, std::size_t I, class N, std::size_t First>
struct adjoint_sum<Root, Order, I, N, First, 0> {
  using type = zero_t;
};
template <class Root, class Order, std::size_t I, bool IsRoot>
struct adjoint_at
    : adjoint_sum<Root, Order, I, at_t<I, Order>, parent_table<Order>::table.begin[I],
                  parent_table<Order>::table.begin[I + 1] - parent_table<Order>::table.begin[I]> {};
template <class Root, class Order, std::size_t I> struct adjoint_at<Root, Order, I, true> {
  using type = one_t;
};

template <class Root, class Order, class N, bool> struct adjoint {
  using type = zero_t;  // N is not in the graph
};
template <class Root, class Order, class N> struct adjoint<Root, Order, N, true> {
  using type = typename adjoint_at<Root, Order, position_of<Order, N>::value>::type;
};
template <class Root, class Order> struct adjoint<Root, Order, Root, true> { using type = one_t; };

// An adjoint asks for its parents' adjoints, so deriving the leaf of a long chain (a sum of
// 300 terms is 300 nested +) would recurse once per level, past g++'s depth of 900. In a long
// graph (more nodes than any chain g++ can recurse through) the adjoints are therefore asked
// for from the root down first, by one pack expansion, so each finds its parents' already
// derived. Only nodes that depend on a variable are asked (their parents do too): a constant
// subexpression's adjoint can be a costly sum nothing reads (a constant shared by 64 terms of
// a deep composition: 10 s of 13.5 s with clang). The set does not depend on x, so grad over
// 300 variables warms up once, not 300 times. Smaller graphs skip the warm-up.
inline constexpr std::size_t warm_up_above = 256;
template <class X>
struct is_differentiation_variable_c : std::bool_constant<(ctgrad::detail::is_var<X>::value)> {};
template <class Name, class A>
struct is_differentiation_variable_c<named_node<Name, A>> : std::true_type {};

template <class N, class Cs = children_t<N>> struct has_variable;
template <class N, class... Cs>
struct has_variable<N, type_list<Cs...>>
    : std::bool_constant<is_differentiation_variable_c<N>::value ||
                         (has_variable<Cs>::value || ...)> {};
template <class Root, class Order, std::size_t I, bool = has_variable<at_t<I, Order>>::value>
struct warm_adjoint {
  using type = void;
};
template <class Root, class Order, std::size_t I> struct warm_adjoint<Root, Order, I, true> {
  using type = typename adjoint_at<Root, Order, I>::type;
};
template <class Root, class Order, class Seq> struct root_down;
template <class Root, class Order, std::size_t... Is>
struct root_down<Root, Order, std::index_sequence<Is...>> {
  using type = type_list<typename warm_adjoint<Root, Order, Order::size - 1 - Is>::type...>;
};
template <class Root, class Order, class N> constexpr auto adjoint_of() {
  if constexpr (Order::size > warm_up_above) {
    using warm [[maybe_unused]] =
        typename root_down<Root, Order, std::make_index_sequence<Order::size>>::type;
  }
  return typename adjoint<Root, Order, N>::type{};
}

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
  } else if constexpr (!detail::is_differentiation_variable_c<X>::value) {
    static_assert(detail::is_differentiation_variable_c<X>::value,
                  "ctgrad::d(f, x): x must be a variable declared as ctgrad::var<\"x\"> (or a "
                  "ctgrad::named intermediate), not an expression or a number");
    return invalid_expression{};
  } else {
    return detail::adjoint_of<F, topological_order_t<F>, X>();
  }
}

/// (df/dx, df/dy, ...) as a boost::hana::tuple; one shared reverse sweep.
template <class F, class... Xs> constexpr auto grad(F f, Xs... xs) {
  return boost::hana::make_tuple(d(f, xs)...);
}

/// The matrix of second derivatives d²f/(dxi dxj), as a tuple of rows.
template <class F, class... Xs> constexpr auto hessian(F f, Xs... xs) {
  if constexpr (!Expression<F>) {
    static_assert(Expression<F>, "ctgrad::hessian(f, x, ...): f must be a ctgrad expression");
    return invalid_expression{};
  } else if constexpr (shape_of_t<F>::rank != 0) {
    // Without this, a tensor f fails deep inside the second sweep (in transpose or matmul).
    static_assert(shape_of_t<F>::rank == 0,
                  "ctgrad::hessian(f, x, ...): f must be a scalar function (a loss), not a "
                  "tensor; reduce it first, e.g. hessian(sum(f), x, ...)");
    return invalid_expression{};
  } else if constexpr (((shape_of_t<Xs>::rank != 0) || ...)) {
    static_assert(((shape_of_t<Xs>::rank == 0) && ...),
                  "ctgrad::hessian(f, x, ...): the variables must be scalars; for a tensor "
                  "parameter use check::gradcheck or differentiate d(f, w) entry by entry");
    return invalid_expression{};
  } else {
    return boost::hana::make_tuple(grad(d(f, xs), xs...)...);
  }
}

}  // namespace ctgrad
