// SPDX-License-Identifier: BSL-1.0
// rebatch<B>(e): the same expression at batch size B. The batch size is part of a net's type
// (input<"X", 32, 784>), so inference at batch 1 would need a second net written out again;
// rebatch rebuilds the type instead, with the leading dimension of every input of rank >= 1
// replaced by B:
//   constexpr auto loss = cross_entropy(softmax(sequential(X, layer::dense<128>, ...)), Y);
//   constexpr auto one = rebatch<1>(loss);     // X [1, 784], Y [1, 10]; same parameters
//   param_set<float, decltype(loss)> is param_set<float, decltype(one)>: one set serves both.
// Rules:
//   - parameters, constants and scalar inputs are kept; every input of rank >= 1 must have
//     the same leading dimension (the old batch size), else a static_assert names both shapes;
//   - a node gets the rebatched children (its shape follows from them, as do constants a
//     node derives from its shapes, e.g. cross_entropy's 1/B);
//   - ±1/n * sum(a), n the entries or the rows of a batched a, is a mean (mean, mse,
//     binary_cross_entropy, cross_entropy unfused) and divides by the new n; fused losses take
//     1/B from their shapes; any other constant times a sum over the batch is a compile error
//     (3 * mse(a, y) folds to 3/n * sum(...), whose batch dependence is lost: rebatch the
//     unscaled loss); constants elsewhere are kept as written;
//   - broadcast_to<S> whose S adds the batch dimension gets S with B in front, and a reshape
//     of a batched tensor whose target shape starts with the old batch size gets B there.
// A node template with non-type arguments declares `template <class...> with_children`
// (as for engine/abstract.hpp) and is then rebuilt like any other.
// Not supported: loops (scan, repeat, the recurrent layers). A loop holds the batch size in
// its body and carried state, which are not children, and a time-major sequence [T, B, in]
// has the batch on its second axis, so rebuilding it as above would silently keep the old
// batch: rebatch of an expression with a loop is a static_assert. Write such a net as a
// function of its input instead; its parameters do not depend on the batch, so both nets
// share one parameter set:
//   constexpr auto net_of = [](auto x) { return sequential(x, layer::gru<64>, layer::last_step,
//                                                          layer::dense<10>); };
//   constexpr auto train_net = net_of(input<"X", 28, 32, 28>), one = net_of(input<"X", 28, 1, 28>);
#pragma once

#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/engine/loop.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/reshape.hpp>
#include <ctgrad/ops/sum.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctgrad {

namespace detail {

template <class N> inline constexpr bool is_batched_input_v = false;
template <class Name, class Shape>
inline constexpr bool is_batched_input_v<var_node<Name, Shape, input_role>> = Shape::rank >= 1;
template <class N> struct is_batched_input : std::bool_constant<is_batched_input_v<N>> {};

// The batched inputs of E, in evaluation order: the first one fixes the old batch size, and
// `other` is the first whose leading dimension differs (the first itself when none does).
template <class Inputs> struct batch_of {
  static constexpr std::size_t value = 0;  // no batched input: nothing to rebatch
  using first = shape<>;
  using other = shape<>;
};
template <class I, class... Is> struct batch_of<type_list<I, Is...>> {
  static constexpr std::size_t value = shape_of_t<I>::dims[0];
  static constexpr std::size_t other_at = [] {
    constexpr bool differs[] = {shape_of_t<Is>::dims[0] != value..., false};
    std::size_t at = 0;  // not i: a user's global i would be shadowed (-Wshadow)
    while (at < sizeof...(Is) && !differs[at]) ++at;
    return at;
  }();
  using first = shape_of_t<I>;
  using other = shape_of_t<at_t<other_at, type_list<Is..., I>>>;
};

/// True when two inputs agree on the batch size (their leading dimension).
template <class A, class B> inline constexpr bool same_batch_v = A::dims[0] == B::dims[0];

// A loop anywhere in E (see the top of this file).
template <class List> inline constexpr bool contains_loop_v = false;
template <class... Ns>
inline constexpr bool contains_loop_v<type_list<Ns...>> = (is_loop_v<Ns> || ...);

template <std::size_t B, class S> struct with_batch;
template <std::size_t B, std::size_t D0, std::size_t... Ds> struct with_batch<B, shape<D0, Ds...>> {
  using type = shape<B, Ds...>;
};

// Nodes are rebuilt with engine/abstract.hpp's rebind (P's template with new children).

// rebatched<B, Old, N>: node N of an expression whose batch size was Old, at batch size B.
// A class template, so each distinct node is rebuilt once however often it is shared.
template <std::size_t B, std::size_t Old, class N, class Children = children_t<N>> struct rebatched;
template <std::size_t B, std::size_t Old, class N>
using rebatched_t = typename rebatched<B, Old, N>::type;

// Besides the type: sums_batch (N sums over a batched tensor somewhere) and ok (no constant
// multiplies such a sum other than as a mean: 3 * mse(a, y) folds to 3/n * sum(...),
// whose batch dependence cannot be told from the constant any more).
template <std::size_t B, std::size_t Old, class N, class... Cs>
struct rebatched<B, Old, N, type_list<Cs...>> {
  using type = typename rebind<N, type_list<rebatched_t<B, Old, Cs>...>>::type;
  static constexpr bool batched = (rebatched<B, Old, Cs>::batched || ...);
  static constexpr bool sums_batch = (rebatched<B, Old, Cs>::sums_batch || ...);
  static constexpr bool ok = (rebatched<B, Old, Cs>::ok && ...);
};
template <std::size_t B, std::size_t Old, class N> struct rebatched<B, Old, N, type_list<>> {
  using type = N;  // parameters, constants, scalar inputs
  static constexpr bool batched = false;
  static constexpr bool sums_batch = false;
  static constexpr bool ok = true;
};
template <std::size_t B, std::size_t Old, class Name, std::size_t D0, std::size_t... Ds>
struct rebatched<B, Old, var_node<Name, shape<D0, Ds...>, input_role>, type_list<>> {
  using type = var_node<Name, shape<B, Ds...>, input_role>;
  static constexpr bool batched = true;
  static constexpr bool sums_batch = false;
  static constexpr bool ok = true;
};
template <std::size_t B, std::size_t Old, class A, class S>
struct rebatched<B, Old, broadcast_to_node<A, S>, type_list<A>> {
  static constexpr bool adds_batch = S::rank > shape_of_t<A>::rank&& S::dims[0] == Old;
  using type = broadcast_to_node<
      rebatched_t<B, Old, A>,
      typename std::conditional_t<adds_batch, with_batch<B, S>, std::type_identity<S>>::type>;
  static constexpr bool batched = rebatched<B, Old, A>::batched;
  static constexpr bool sums_batch = rebatched<B, Old, A>::sums_batch;
  static constexpr bool ok = rebatched<B, Old, A>::ok;
};
// A reshape of a batched tensor names the batch in its target shape (reshape<shape<32, 1,
// 28, 28>>(x), flatten): the rebatched reshape has B there, as the rebatched input has.
template <std::size_t B, std::size_t Old, class A, class S>
struct rebatched<B, Old, reshape_node<A, S>, type_list<A>> {
  static constexpr bool keeps_batch =
      rebatched<B, Old, A>::batched && S::rank >= 1 && S::dims[0] == Old;
  using type = reshape_node<
      rebatched_t<B, Old, A>,
      typename std::conditional_t<keeps_batch, with_batch<B, S>, std::type_identity<S>>::type>;
  static constexpr bool batched = rebatched<B, Old, A>::batched;
  static constexpr bool sums_batch = rebatched<B, Old, A>::sums_batch;
  static constexpr bool ok = rebatched<B, Old, A>::ok;
};
template <std::size_t B, std::size_t Old, class A, class S>
struct rebatched<B, Old, sum_to_node<A, S>, type_list<A>> {
  using type = sum_to_node<rebatched_t<B, Old, A>, S>;
  // Summing leading dimensions of a batched tensor sums over the batch.
  static constexpr bool batched = rebatched<B, Old, A>::batched && S::rank >= shape_of_t<A>::rank;
  static constexpr bool sums_batch =
      rebatched<B, Old, A>::sums_batch ||
      (rebatched<B, Old, A>::batched && S::rank < shape_of_t<A>::rank);
  static constexpr bool ok = rebatched<B, Old, A>::ok;
};
template <std::size_t B, std::size_t Old, std::intmax_t N, std::intmax_t D, class E>
struct rebatched<B, Old, mul_node<constant_node<N, D>, E>, type_list<constant_node<N, D>, E>> {
  using type = mul_node<constant_node<N, D>, rebatched_t<B, Old, E>>;
  static constexpr bool batched = rebatched<B, Old, E>::batched;
  static constexpr bool sums_batch = rebatched<B, Old, E>::sums_batch;
  static constexpr bool ok = rebatched<B, Old, E>::ok && !sums_batch;
};
// ±1/n * sum(a), n the entries or the rows of a batched a: the means of mse,
// binary_cross_entropy and cross_entropy, recomputed for the new batch.
template <std::size_t B, std::size_t Old, std::intmax_t N, std::intmax_t D, class A>
struct rebatched<B, Old, mul_node<constant_node<N, D>, sum_to_node<A, shape<>>>,
                 type_list<constant_node<N, D>, sum_to_node<A, shape<>>>> {
  using SA = shape_of_t<A>;
  static constexpr bool sums_batch_here = rebatched<B, Old, A>::batched && SA::rank >= 1;
  static constexpr bool is_mean =
      (N == 1 || N == -1) && sums_batch_here && !rebatched<B, Old, A>::sums_batch &&
      (static_cast<std::size_t>(D) == SA::size || static_cast<std::size_t>(D) == SA::dims[0]);
  static constexpr std::intmax_t new_den =
      is_mean ? D / static_cast<std::intmax_t>(Old) * static_cast<std::intmax_t>(B) : D;
  using type = mul_node<constant_node<N, new_den>, sum_to_node<rebatched_t<B, Old, A>, shape<>>>;
  static constexpr bool batched = false;
  static constexpr bool sums_batch = sums_batch_here || rebatched<B, Old, A>::sums_batch;
  static constexpr bool ok = rebatched<B, Old, A>::ok && (is_mean || !sums_batch);
};

}  // namespace detail

/// e with every input's leading dimension (the batch size) replaced by B, sharing e's
/// parameters.   constexpr auto infer = ctgrad::rebatch<1>(net);   (see the top of this file)
template <std::size_t B, Expression E> constexpr auto rebatch(E) {
  using inputs = detail::filter_t<detail::is_batched_input, topological_order_t<E>>;
  using batch = detail::batch_of<inputs>;
  if constexpr (B == 0) {
    static_assert(B != 0, "ctgrad::rebatch<B>(e): the batch size B must be at least 1");
    return invalid_expression{};
  } else if constexpr (detail::contains_loop_v<topological_order_t<E>>) {
    static_assert(!detail::contains_loop_v<topological_order_t<E>>,
                  "ctgrad::rebatch<B>(e): e contains a loop (a recurrent layer, scan or repeat), "
                  "which rebatch does not rebuild yet; write the net as a function of its input "
                  "(constexpr auto net_of = [](auto x) { return sequential(x, ...); }) and call "
                  "it with each batch size: the nets share one parameter set");
    return invalid_expression{};
  } else if constexpr (!detail::same_batch_v<typename batch::first, typename batch::other>) {
    static_assert(detail::same_batch_v<typename batch::first, typename batch::other>,
                  "ctgrad::rebatch<B>(e): the inputs of e disagree on the batch size (their "
                  "leading dimension)");
    return invalid_expression{};
  } else if constexpr (!detail::rebatched<B, batch::value, E>::ok) {
    static_assert(detail::rebatched<B, batch::value, E>::ok,
                  "ctgrad::rebatch<B>(e): a constant multiplies a sum over the batch and is not "
                  "a mean's 1/n, so it may depend on the batch size (3 * mse(a, y) folds to "
                  "3/n * sum(...)); rebatch the unscaled loss and scale the result");
    return invalid_expression{};
  } else {
    return detail::rebatched_t<B, batch::value, E>{};
  }
}

}  // namespace ctgrad
