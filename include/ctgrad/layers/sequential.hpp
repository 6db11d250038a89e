// SPDX-License-Identifier: BSL-1.0
// sequential: a plain chain of layers written as a list, the shorthand for the DAG form.
//   constexpr auto X = ctgrad::input<"X", 32, 4>;
//   constexpr auto net = ctgrad::sequential(X, layer::dense<8>, layer::relu, layer::dense<2>);
//   constexpr auto loss = ctgrad::cross_entropy(ctgrad::softmax(net), Y);
// is the same type as dense(relu(dense(X, W1, b1)), W2, b2) with W1 = param<"W1", 4, 8>,
// b1 = param<"b1", 8>, W2 = param<"W2", 8, 2>, b2 = param<"b2", 2>: the k-th dense layer
// owns parameters "Wk" and "bk" (sequential<"enc.">(...) names them "enc.Wk", "enc.bk"); layers
// with parameters of other kinds (layer::conv2d, layers/conv.hpp) are counted with them.
// Everything else in the list is applied as a function of the previous output: the
// activations below, or any callable such as [](auto z) { return z + relu(z); }.
#pragma once

#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/fixed_string.hpp>
#include <ctgrad/ops/dense.hpp>
#include <ctgrad/ops/leaky_relu.hpp>
#include <ctgrad/ops/relu.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/softmax.hpp>
#include <ctgrad/ops/tanh.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace ctgrad {

namespace layer {

/// A dense layer with Out outputs: x @ W + b, its parameters named by sequential.
template <std::size_t Out> struct dense_t {
  static_assert(Out > 0, "ctgrad::layer::dense<Out>: a layer needs at least one output");
};
/// A dense layer with Out outputs in a list of layers: `layer::dense<8>`.
template <std::size_t Out> inline constexpr dense_t<Out> dense{};

/// ctgrad::relu as a layer of sequential.
struct relu_t {
  /// Returns relu(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::relu(z); }
};
/// ctgrad::sigmoid as a layer of sequential.
struct sigmoid_t {
  /// Returns sigmoid(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::sigmoid(z); }
};
/// ctgrad::tanh as a layer of sequential.
struct tanh_t {
  /// Returns tanh(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::tanh(z); }
};
/// ctgrad::softmax as a layer of sequential.
struct softmax_t {
  /// Returns softmax(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::softmax(z); }
};
/// ctgrad::leaky_relu<Num, Den> as a layer of sequential.
template <std::intmax_t Num, std::intmax_t Den> struct leaky_relu_t {
  /// Returns leaky_relu<Num, Den>(x).
  template <Expression Z> constexpr auto operator()(Z z) const {
    return ctgrad::leaky_relu<Num, Den>(z);
  }
};

/// ctgrad::relu in a list of layers: `sequential(X, ..., layer::relu, ...)`.
inline constexpr relu_t relu{};
/// ctgrad::sigmoid in a list of layers: `sequential(X, ..., layer::sigmoid, ...)`.
inline constexpr sigmoid_t sigmoid{};
/// ctgrad::tanh in a list of layers: `sequential(X, ..., layer::tanh, ...)`.
inline constexpr tanh_t tanh{};
/// ctgrad::softmax in a list of layers: `sequential(X, ..., layer::softmax, ...)`.
inline constexpr softmax_t softmax{};
/// ctgrad::leaky_relu in a list of layers, slope Num/Den (default 1/100): `layer::leaky_relu<>`.
template <std::intmax_t Num = 1, std::intmax_t Den = 100>
inline constexpr leaky_relu_t<Num, Den> leaky_relu{};

}  // namespace layer

namespace detail {

// The name Prefix + Letter + decimal K, as a name<chars...> type.
template <fixed_string Prefix, char Letter, std::size_t K> struct layer_param_name {
  static constexpr auto spelled = [] {
    std::array<char, Prefix.view().size() + 22> text{};
    std::size_t length = 0;
    for (char ch : Prefix.view()) text[length++] = ch;
    text[length++] = Letter;
    char digits[21]{};
    std::size_t count = 0;
    for (std::size_t rest = K; rest != 0 || count == 0; rest /= 10)
      digits[count++] = static_cast<char>('0' + rest % 10);
    while (count != 0) text[length++] = digits[--count];
    return std::pair{text, length};
  }();
  template <std::size_t... Is>
  static auto make(std::index_sequence<Is...>) -> name<spelled.first[Is]...>;
  using type = decltype(make(std::make_index_sequence<spelled.second>{}));
};

template <fixed_string Prefix, std::size_t K, class E, std::size_t Out>
constexpr auto apply_layer(E e, layer::dense_t<Out>) {
  using s = shape_of_t<E>;
  if constexpr (s::rank != 2) {
    static_assert(s::rank == 2,
                  "ctgrad::sequential: a dense layer needs a [batch, features] input (a single "
                  "sample is a batch of one row)");
    return invalid_expression{};
  } else {
    using W = var_node<typename layer_param_name<Prefix, 'W', K>::type, shape<s::dims[1], Out>,
                       param_role>;
    using B = var_node<typename layer_param_name<Prefix, 'b', K>::type, shape<Out>, param_role>;
    return ctgrad::dense(e, W{}, B{});
  }
}
template <class F, class E> inline constexpr bool is_layer_for_v = requires(F f, E e) { f(e); };

// A layer with parameters of its own (layers/conv.hpp) says so with a `numbered` member and
// builds itself from its number K: F::apply<Prefix, K>(e).
template <class F> inline constexpr bool is_numbered_layer_v = requires { F::numbered; };

template <fixed_string Prefix, std::size_t K, class E, class F>
constexpr auto apply_layer(E e, F f) {
  if constexpr (is_numbered_layer_v<F>) {
    return F::template apply<Prefix, K>(e);
  } else if constexpr (!is_layer_for_v<F, E>) {
    static_assert(is_layer_for_v<F, E>,
                  "ctgrad::sequential: each layer is a layer::dense<n> or a function of the "
                  "previous layer's output");
    return invalid_expression{};
  } else {
    return f(e);
  }
}

template <class L> inline constexpr bool is_dense_layer_v = false;
template <std::size_t Out> inline constexpr bool is_dense_layer_v<layer::dense_t<Out>> = true;
template <class L>
inline constexpr bool has_params_v = is_dense_layer_v<L> || is_numbered_layer_v<L>;

// Applies the layers left to right, counting layers with parameters from 1.
template <fixed_string Prefix, std::size_t K, class E> constexpr auto chain(E e) { return e; }
template <fixed_string Prefix, std::size_t K, class E, class L, class... Ls>
constexpr auto chain(E e, L l, Ls... ls) {
  constexpr std::size_t next = K + (has_params_v<L> ? 1 : 0);
  auto const out = apply_layer<Prefix, next>(e, l);
  if constexpr (__is_same(std::remove_cv_t<decltype(out)>, invalid_expression)) {
    return out;  // the error is reported; do not cascade
  } else {
    return chain<Prefix, next>(out, ls...);
  }
}

}  // namespace detail

/// The chain x -> layers[0] -> layers[1] -> ... as one expression (see the top of this file).
template <detail::fixed_string Prefix = "", Expression X, class... Layers>
constexpr auto sequential(X x, Layers... layers) {
  return detail::chain<Prefix, 0>(x, layers...);
}

}  // namespace ctgrad
