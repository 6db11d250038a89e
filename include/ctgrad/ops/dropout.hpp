// SPDX-License-Identifier: BSL-1.0
// dropout<Num, Den>(x, seed): inverted dropout with drop probability p = Num / Den
// (torch.nn.functional.dropout's scaling):
//   y_i = x_i * keep_i / (1 - p),   keep_i = (u(seed, i) >= p),  u uniform in [0, 1)
//   chain rule: dx = dropout(dy, seed), the same mask (dropout is linear in x); dseed = 0
// The mask is a counter-based hash of the seed and the entry's index (splitmix64), so it
// needs no state and no heap, the forward and backward passes agree, and a new seed (one per
// training step, bound like any input) draws a new mask. The seed is a scalar input holding
// a whole number; a negative seed means evaluation: y = x, no entry dropped (torch's
// module.eval()), so the mode is the value the caller binds, visible at every call.
// With the seed variable dropout_seed, train::fit binds it itself: a new whole number for
// every training step, and -1 (evaluation) when it scores validation data, as train::evaluate
// does:   sequential(X, layer::dense<128>, layer::relu, layer::dropout<1, 2>, layer::dense<10>)
#pragma once

#include <ctgrad/detail/fixed_string.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/elementwise.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace ctgrad {

namespace kernels {

/// A uniform number in [0, 1) for entry i of the mask drawn with seed (splitmix64).
constexpr double dropout_uniform(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + (i + 1) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

/// out (+)= x * mask / (1 - p) for N entries; a negative seed copies x.
template <bool Acc, std::size_t N, class T>
constexpr void dropout(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT x, T seed, double p) {
  if (seed < T(0)) {
    for (std::size_t i = 0; i < N; ++i) store<Acc>(out[i], x[i]);
    return;
  }
  auto const s = static_cast<std::uint64_t>(seed);
  T const scale = static_cast<T>(1.0 / (1.0 - p));
  for (std::size_t i = 0; i < N; ++i)
    store<Acc>(out[i], dropout_uniform(s, i) >= p ? x[i] * scale : T(0));
}

}  // namespace kernels

/// The node of dropout<Num, Den>(x, seed): inverted dropout, its mask a hash of the seed and the
/// index.
template <class X, class Seed, class P> struct dropout_node : node<X, Seed> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& x, std::string const& seed) {
    return "dropout(" + x + ", " + P::label() + ", " + seed + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* out, T const* x, T const* seed) {
    kernels::dropout<Acc, shape::size>(out, x, seed[0], P::template value<double>());
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, Seed, dropout_node, auto dy) {
    return make_adjoints(dropout_node<decltype(dy), Seed, P>{}, zero_t{});
  }
};

/// The seed train::fit and train::evaluate bind (a step number in training, -1 in evaluation).
using dropout_seed_t = var_node<detail::to_name_t<"dropout_seed">, shape<>, input_role>;
/// The scalar input dropout draws its mask from; train::fit binds a new value every step, -1 to
/// evaluate.
inline constexpr dropout_seed_t dropout_seed{};

/// True when the drop probability is in [0, 1).
template <std::intmax_t Num, std::intmax_t Den>
inline constexpr bool dropout_probability_valid_v = Den > 0 && Num >= 0 && Num < Den;

/// Inverted dropout of x with probability Num/Den, mask drawn from the scalar input seed
/// (negative: evaluation, y = x):  dropout<1, 2>(h, input<"seed">).
template <std::intmax_t Num, std::intmax_t Den, Expression X, Expression Seed>
constexpr auto dropout(X, Seed) {
  if constexpr (!dropout_probability_valid_v<Num, Den>) {
    static_assert(dropout_probability_valid_v<Num, Den>,
                  "ctgrad::dropout<Num, Den>(x, seed): the probability Num/Den must be in [0, 1)");
    return invalid_expression{};
  } else if constexpr (shape_of_t<Seed>::rank != 0) {
    static_assert(shape_of_t<Seed>::rank == 0,
                  "ctgrad::dropout(x, seed): the seed must be a scalar input");
    return invalid_expression{};
  } else {
    return dropout_node<X, Seed, std::remove_cv_t<decltype(constant<Num, Den>)>>{};
  }
}

namespace layer {
/// Inverted dropout with probability Num/Den, its mask drawn from ctgrad::dropout_seed.
template <std::intmax_t Num, std::intmax_t Den> struct dropout_t {
  /// Applies dropout<Num, Den>(x, dropout_seed).
  template <Expression X> constexpr auto operator()(X x) const {
    return ctgrad::dropout<Num, Den>(x, dropout_seed);
  }
};
/// A dropout layer for sequential: layer::dropout<1, 2> drops half, with ctgrad::dropout_seed.
template <std::intmax_t Num, std::intmax_t Den> inline constexpr dropout_t<Num, Den> dropout{};
}  // namespace layer

}  // namespace ctgrad
