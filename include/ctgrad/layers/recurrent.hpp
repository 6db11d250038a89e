// SPDX-License-Identifier: BSL-1.0
// Recurrent layers with PyTorch's equations, gate order and parameter layout, so weights
// trained with torch.nn.RNN / GRU / LSTM map one to one (same names, same shapes):
//   weight_ih_l{k} [G*H, in], weight_hh_l{k} [G*H, H], bias_ih_l{k} [G*H], bias_hh_l{k} [G*H]
// with G = 1 (RNN), 3 (GRU: r, z, n), 4 (LSTM: i, f, g, o), each name after a prefix:
//   auto hs = gru<64, "gru.">(X);            X [T, B, in] -> hs [T, B, 64], "gru.weight_ih_l0"...
//   auto hs = lstm<32, "enc.", 2>(X);         two stacked layers (l0, l1)
//   auto y  = last_step(gru<64>(X));          [B, 64], the last step's state (PyTorch's h_n)
//   auto hs = gru<64>(X, h0);                 an initial state [B, H] (zeros when omitted)
//   auto hs = gru_batch_first<64>(Xb);        Xb [B, T, in] -> [B, T, 64]
// Each layer is one loop (engine/loop.hpp): the cell below is derived once and run T times.
// In sequential: sequential(X, layer::gru<64>, layer::last_step, layer::dense<10>).
#pragma once

#include <ctgrad/detail/fixed_string.hpp>
#include <ctgrad/engine/loop.hpp>
#include <ctgrad/engine/stream.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/matmul.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/relu.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/ops/tanh.hpp>
#include <ctgrad/ops/transpose.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace ctgrad {

/// The cells, by PyTorch's equations (x the step's input [B, in], h the state [B, H]).
struct rnn_tanh_cell {
  static constexpr std::size_t gates = 1;  ///< h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)
};
/// The Elman cell with ReLU: h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh).
struct rnn_relu_cell {
  static constexpr std::size_t gates = 1;  ///< h' = relu(...)
};
/// The GRU cell: r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r * gh_n),
/// h' = (1 - z) n + z h.
struct gru_cell {
  // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r * gh_n), h' = (1 - z) n + z h
  /// Number of gates (r, z, n): the weights are [3H, in] and [3H, H].
  static constexpr std::size_t gates = 3;
};
/// The LSTM cell: i, f, o = σ(.), g = tanh(.), c' = f c + i g, h' = o tanh(c').
struct lstm_cell {
  // i, f, o = σ(.), g = tanh(.), c' = f c + i g, h' = o tanh(c')
  /// Number of gates (i, f, g, o): the weights are [4H, in] and [4H, H].
  static constexpr std::size_t gates = 4;
};

namespace detail {

// The name Prefix + Stem + decimal Layer as a name<chars...> type ("gru." "weight_ih_l" 0).
template <fixed_string Prefix, fixed_string Stem, std::size_t Layer> struct rnn_param_name {
  static constexpr auto spelled = [] {
    std::array<char, Prefix.view().size() + Stem.view().size() + 21> text{};
    std::size_t length = 0;
    for (char ch : Prefix.view()) text[length++] = ch;
    for (char ch : Stem.view()) text[length++] = ch;
    char digits[21]{};
    std::size_t count = 0;
    for (std::size_t rest = Layer; rest != 0 || count == 0; rest /= 10)
      digits[count++] = static_cast<char>('0' + rest % 10);
    while (count != 0) text[length++] = digits[--count];
    return std::pair{text, length};
  }();
  template <std::size_t... Is>
  static auto make(std::index_sequence<Is...>) -> name<spelled.first[Is]...>;
  using type = decltype(make(std::make_index_sequence<spelled.second>{}));
};
template <fixed_string Prefix, fixed_string Stem, std::size_t Layer, std::size_t... Dims>
using rnn_param =
    var_node<typename rnn_param_name<Prefix, Stem, Layer>::type, shape<Dims...>, param_role>;

/// Columns [K*H, (K+1)*H) of a [B, G*H] value: gate K's pre-activation.
template <std::size_t K, std::size_t H, Expression E> constexpr auto gate(E) {
  constexpr std::size_t rows = shape_of_t<E>::dims[0];
  constexpr std::size_t width = shape_of_t<E>::dims[1];
  return gather_node<E, gather_spec<K * H, H, width, rows, shape<rows, H>, to_name_t<"gate">>>{};
}

template <class Cell, std::size_t H, fixed_string Prefix, std::size_t Layer, std::size_t In>
struct rnn_params {
  static constexpr std::size_t G = Cell::gates;
  using w_ih = rnn_param<Prefix, "weight_ih_l", Layer, G * H, In>;
  using w_hh = rnn_param<Prefix, "weight_hh_l", Layer, G * H, H>;
  using b_ih = rnn_param<Prefix, "bias_ih_l", Layer, G * H>;
  using b_hh = rnn_param<Prefix, "bias_hh_l", Layer, G * H>;
};

// The cell's next state(s) from the step input x and the state h (and c for an LSTM).
template <class Cell, std::size_t H, fixed_string Prefix, std::size_t Layer, class X, class Hs,
          class Cs = void>
constexpr auto cell_body() {
  using p = rnn_params<Cell, H, Prefix, Layer, shape_of_t<X>::dims[1]>;
  auto const gi = matmul(X{}, transpose(typename p::w_ih{})) + typename p::b_ih{};
  auto const gh = matmul(Hs{}, transpose(typename p::w_hh{})) + typename p::b_hh{};
  if constexpr (__is_same(Cell, rnn_tanh_cell)) {
    return tanh(gi + gh);
  } else if constexpr (__is_same(Cell, rnn_relu_cell)) {
    return relu(gi + gh);
  } else if constexpr (__is_same(Cell, gru_cell)) {
    auto const r_gate = sigmoid(gate<0, H>(gi) + gate<0, H>(gh));
    auto const z_gate = sigmoid(gate<1, H>(gi) + gate<1, H>(gh));
    auto const n_gate = tanh(gate<2, H>(gi) + r_gate * gate<2, H>(gh));
    return n_gate + z_gate * (Hs{} - n_gate);  // (1 - z) n + z h, one multiplication fewer
  } else {
    auto const i_gate = sigmoid(gate<0, H>(gi) + gate<0, H>(gh));
    auto const f_gate = sigmoid(gate<1, H>(gi) + gate<1, H>(gh));
    auto const g_gate = tanh(gate<2, H>(gi) + gate<2, H>(gh));
    auto const o_gate = sigmoid(gate<3, H>(gi) + gate<3, H>(gh));
    auto const c_next = f_gate * Cs{} + i_gate * g_gate;
    return bundle(o_gate * tanh(c_next), c_next);
  }
}

template <class S> inline constexpr bool sequence_rank_v = S::rank == 3;
template <class Given, class Expected>
inline constexpr bool initial_state_shape_v = same_shape_v<Given, Expected>;

// One layer over a sequence [T, B, In] from the initial state(s): the states [T, B, H].
template <class Cell, std::size_t H, fixed_string Prefix, std::size_t Layer, Expression Seq,
          class... Init>
constexpr auto rnn_layer(Seq, Init...) {
  using seq_shape = shape_of_t<Seq>;
  if constexpr (!sequence_rank_v<seq_shape>) {
    static_assert(sequence_rank_v<seq_shape>,
                  "ctgrad::gru/lstm/rnn: the input must be a sequence [T, batch, features] (or "
                  "[batch, T, features] for the _batch_first forms); its shape is in this "
                  "condition");
    return invalid_expression{};
  } else {
    constexpr std::size_t B = seq_shape::dims[1];
    constexpr std::size_t In = seq_shape::dims[2];
    constexpr auto x_var = step_input<"x", B, In>;
    constexpr auto h_var = carry<"h", B, H>;
    constexpr auto zeros = broadcast_to<shape<B, H>>(zero_t{});
    if constexpr (__is_same(Cell, lstm_cell)) {
      constexpr auto c_var = carry<"c", B, H>;
      auto const body =
          cell_body<Cell, H, Prefix, Layer, decltype(x_var), decltype(h_var), decltype(c_var)>();
      if constexpr (sizeof...(Init) == 0) {
        return states<0>(scan(body, h_var = zeros, c_var = zeros, x_var = Seq{}));
      } else {
        static_assert(sizeof...(Init) == 2,
                      "ctgrad::lstm(X, h0, c0): give both initial states or neither");
        using h0 = at_t<0, type_list<Init...>>;
        using c0 = at_t<sizeof...(Init) - 1, type_list<Init...>>;
        return states<0>(scan(body, h_var = h0{}, c_var = c0{}, x_var = Seq{}));
      }
    } else {
      auto const body = cell_body<Cell, H, Prefix, Layer, decltype(x_var), decltype(h_var)>();
      if constexpr (sizeof...(Init) == 0) {
        return scan(body, h_var = zeros, x_var = Seq{});
      } else {
        static_assert(sizeof...(Init) == 1, "ctgrad::gru/rnn(X, h0): one initial state");
        return scan(body, h_var = at_t<0, type_list<Init...>>{}, x_var = Seq{});
      }
    }
  }
}

template <class E> inline constexpr bool is_invalid_v = __is_same(E, invalid_expression);

// Layers stacked: layer k reads layer k-1's states. Initial states (if given) are per layer:
// h0 [Layers, B, H], as PyTorch's.
template <class Cell, std::size_t H, fixed_string Prefix, std::size_t Layer, std::size_t Layers,
          Expression Seq>
constexpr auto stacked(Seq seq) {
  if constexpr (Layer == Layers) {
    return seq;
  } else {
    auto const out = rnn_layer<Cell, H, Prefix, Layer>(seq);
    if constexpr (is_invalid_v<decltype(out)>) {
      return out;
    } else {
      return stacked<Cell, H, Prefix, Layer + 1, Layers>(out);
    }
  }
}

// [A, B, ...] -> [B, A, ...]: batch-first sequences to time-major and back.
// E is read as [A, Bd, inner] (its own leading dimensions by default).
template <class E, class Dims = std::index_sequence<shape_of_t<E>::dims[0], shape_of_t<E>::dims[1]>>
struct swap_leading_node;
template <class E, std::size_t A, std::size_t Bd>
struct swap_leading_node<E, std::index_sequence<A, Bd>> : node<E> {
  static constexpr std::size_t dim_a = A;
  static constexpr std::size_t dim_b = Bd;
  static constexpr std::size_t inner = shape_of_t<E>::size / (dim_a * dim_b);
  using shape = ctgrad::shape<dim_b, dim_a, inner>;
  static constexpr print_style style{print_style::call, "swap_leading"};
  static constexpr bool reads_no_values = true;
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* in) {
    for (std::size_t jj = 0; jj < dim_b; ++jj)
      for (std::size_t i_gate = 0; i_gate < dim_a; ++i_gate)
        kernels::copy<Acc, inner>(out + (jj * dim_a + i_gate) * inner,
                                  in + (i_gate * dim_b + jj) * inner);
  }
  static constexpr std::size_t backward_scratch = 0;
  template <unsigned Active, unsigned Acc, class T>
  static constexpr void backward(T* const* child_adj, T const* const*, T const*, T const* up, T*) {
    if constexpr (bit_v<Active, 0>) {
      for (std::size_t i_gate = 0; i_gate < dim_a; ++i_gate)
        for (std::size_t jj = 0; jj < dim_b; ++jj)
          kernels::copy<bit_v<Acc, 0>, inner>(child_adj[0] + (i_gate * dim_b + jj) * inner,
                                              up + (jj * dim_a + i_gate) * inner);
    }
  }
  static constexpr auto vjp(auto...) {
    static_assert(always_false<swap_leading_node>,
                  "ctgrad::d(f, x): f contains a recurrent layer; its derivative is run by grad "
                  "and grad_into, not built as an expression");
    return invalid_expression{};
  }
};
template <Expression E> constexpr auto swap_leading_impl(E) {
  if constexpr (shape_of_t<E>::rank < 2) {
    static_assert(shape_of_t<E>::rank >= 2,
                  "ctgrad::swap_leading(e): e must have two leading dimensions");
    return invalid_expression{};
  } else {
    return swap_leading_node<E>{};
  }
}

template <class Cell, std::size_t H, fixed_string Prefix, std::size_t Layers, Expression Seq,
          class... Init>
constexpr auto recurrent(Seq seq, Init... init) {
  static_assert(Layers >= 1, "ctgrad::gru/lstm/rnn<H, Prefix, Layers>: at least one layer");
  if constexpr (sizeof...(Init) == 0) {
    return stacked<Cell, H, Prefix, 0, Layers>(seq);
  } else {
    static_assert(Layers == 1,
                  "ctgrad::gru/lstm/rnn(X, h0): initial states are supported for one layer; "
                  "stack layers by hand to give each its own");
    using seq_shape = shape_of_t<Seq>;
    if constexpr (!sequence_rank_v<seq_shape>) {
      return rnn_layer<Cell, H, Prefix, 0>(seq);  // reports the rank
    } else if constexpr (!(initial_state_shape_v<shape_of_t<Init>, shape<seq_shape::dims[1], H>> &&
                           ...)) {
      static_assert((initial_state_shape_v<shape_of_t<Init>, shape<seq_shape::dims[1], H>> && ...),
                    "ctgrad::gru/lstm/rnn(X, h0): an initial state must be [batch, H] (its shape, "
                    "then the expected one, are in this condition)");
      return invalid_expression{};
    } else {
      return rnn_layer<Cell, H, Prefix, 0>(seq, init...);
    }
  }
}

}  // namespace detail

/// Elman RNN with tanh: X [T, B, in] -> states [T, B, H]; optional h0 [B, H].
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1, Expression X,
          class... Init>
constexpr auto rnn_tanh(X x_var, Init... init) {
  return detail::recurrent<rnn_tanh_cell, H, Prefix, Layers>(x_var, init...);
}
/// Elman RNN with relu (PyTorch's nonlinearity='relu').
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1, Expression X,
          class... Init>
constexpr auto rnn_relu(X x_var, Init... init) {
  return detail::recurrent<rnn_relu_cell, H, Prefix, Layers>(x_var, init...);
}
/// GRU: X [T, B, in] -> states [T, B, H]; optional h0 [B, H].
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1, Expression X,
          class... Init>
constexpr auto gru(X x_var, Init... init) {
  return detail::recurrent<gru_cell, H, Prefix, Layers>(x_var, init...);
}
/// LSTM: X [T, B, in] -> the h states [T, B, H]; optional h0, c0 [B, H].
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1, Expression X,
          class... Init>
constexpr auto lstm(X x_var, Init... init) {
  return detail::recurrent<lstm_cell, H, Prefix, Layers>(x_var, init...);
}

/// [A, B, ...] -> [B, A, ...] (batch-first to time-major and back).
template <Expression E> constexpr auto swap_leading(E e) { return detail::swap_leading_impl(e); }

/// Rows of features as a sequence: X [B, T * F] -> [T, B, F] (an image of T rows of F pixels
/// per sample becomes T steps of F inputs).
template <std::size_t T, Expression E> constexpr auto as_sequence(E) {
  using seq_shape = shape_of_t<E>;
  if constexpr (seq_shape::rank != 2 || seq_shape::dims[1] % T != 0) {
    static_assert(seq_shape::rank == 2 && seq_shape::dims[1] % T == 0,
                  "ctgrad::as_sequence<T>(X): X must be [batch, T * features]");
    return invalid_expression{};
  } else {
    return detail::swap_leading_node<E, std::index_sequence<seq_shape::dims[0], T>>{};
  }
}

/// The batch-first forms: X [B, T, in] -> [B, T, H] (PyTorch's batch_first=True).
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1, Expression X>
constexpr auto gru_batch_first(X x_var) {
  return swap_leading(gru<H, Prefix, Layers>(swap_leading(x_var)));
}
/// lstm over X [B, T, in], giving [B, T, H].
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1, Expression X>
constexpr auto lstm_batch_first(X x_var) {
  return swap_leading(lstm<H, Prefix, Layers>(swap_leading(x_var)));
}
/// rnn_tanh over X [B, T, in], giving [B, T, H].
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1, Expression X>
constexpr auto rnn_tanh_batch_first(X x_var) {
  return swap_leading(rnn_tanh<H, Prefix, Layers>(swap_leading(x_var)));
}

/// The last step of a sequence [T, ...] -> [...] (of a time-major layer's states: h_n).
template <Expression E> constexpr auto last_step(E) {
  using seq_shape = shape_of_t<E>;
  if constexpr (seq_shape::rank < 2) {
    static_assert(seq_shape::rank >= 2, "ctgrad::last_step(seq): seq must be a sequence [T, ...]");
    return invalid_expression{};
  } else {
    constexpr std::size_t rest = seq_shape::size / seq_shape::dims[0];
    using out = typename decltype([]<std::size_t T0, std::size_t... Ds>(shape<T0, Ds...>*) {
      return std::type_identity<shape<Ds...>>{};
    }(static_cast<seq_shape*>(nullptr)))::type;
    return gather_node<E, detail::gather_spec<(seq_shape::dims[0] - 1) * rest, rest, 0, 1, out,
                                              detail::to_name_t<"last_step">>>{};
  }
}

namespace detail {
template <class Cell, std::size_t H, fixed_string Prefix, std::size_t In, std::size_t B,
          std::size_t Layer>
constexpr auto cell_of() {
  constexpr auto x_var = step_input<"x", B, In>;
  constexpr auto h_var = carry<"h", B, H>;
  if constexpr (__is_same(Cell, lstm_cell)) {
    constexpr auto c_var = carry<"c", B, H>;
    using body = decltype(cell_body<Cell, H, Prefix, Layer, decltype(x_var), decltype(h_var),
                                    decltype(c_var)>());
    return recurrent_cell_t<body, type_list<decltype(h_var), decltype(c_var)>, decltype(x_var)>{};
  } else {
    using body = decltype(cell_body<Cell, H, Prefix, Layer, decltype(x_var), decltype(h_var)>());
    return recurrent_cell_t<body, type_list<decltype(h_var)>, decltype(x_var)>{};
  }
}
}  // namespace detail

/// One layer's cell (layer Layer of a stack, batch B, In inputs), for make_stream: the
/// same expression and parameter names the layer's loop runs.
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t In = 1, std::size_t B = 1,
          std::size_t Layer = 0>
constexpr auto gru_cell_of() {
  return detail::cell_of<gru_cell, H, Prefix, In, B, Layer>();
}
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t In = 1, std::size_t B = 1,
          std::size_t Layer = 0>
/// The LSTM layer's cell, for make_stream (as gru_cell_of).
constexpr auto lstm_cell_of() {
  return detail::cell_of<lstm_cell, H, Prefix, In, B, Layer>();
}
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t In = 1, std::size_t B = 1,
          std::size_t Layer = 0>
/// The tanh RNN layer's cell, for make_stream (as gru_cell_of).
constexpr auto rnn_tanh_cell_of() {
  return detail::cell_of<rnn_tanh_cell, H, Prefix, In, B, Layer>();
}

namespace layer {
/// A recurrent layer (Cell: gru_cell, lstm_cell or rnn_tanh_cell) of hidden size H and Layers
/// stacked layers, its parameters named with Prefix as PyTorch names them.
template <class Cell, std::size_t H, detail::fixed_string Prefix, std::size_t Layers>
struct recurrent_t {
  /// Runs the layer over the sequence x [T, B, in], giving [T, B, H].
  template <Expression X> constexpr auto operator()(X x_var) const {
    return detail::recurrent<Cell, H, Prefix, Layers>(x_var);
  }
};
/// In sequential:  sequential(X, layer::gru<64, "gru.">, layer::last_step, layer::dense<10>)
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1>
inline constexpr recurrent_t<gru_cell, H, Prefix, Layers> gru{};
/// An LSTM layer in a list of layers (as layer::gru).
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1>
inline constexpr recurrent_t<lstm_cell, H, Prefix, Layers> lstm{};
/// A tanh RNN layer in a list of layers (as layer::gru).
template <std::size_t H, detail::fixed_string Prefix = "", std::size_t Layers = 1>
inline constexpr recurrent_t<rnn_tanh_cell, H, Prefix, Layers> rnn{};
/// ctgrad::last_step as a layer of sequential.
struct last_step_t {
  /// Returns last_step(x).
  template <Expression X> constexpr auto operator()(X x_var) const {
    return ctgrad::last_step(x_var);
  }
};
/// ctgrad::last_step in a list of layers: `sequential(X, ..., layer::last_step, ...)`.
inline constexpr last_step_t last_step{};
/// ctgrad::as_sequence<T> as a layer of sequential.
template <std::size_t T> struct as_sequence_t {
  /// Returns as_sequence<T>(x).
  template <Expression X> constexpr auto operator()(X x_var) const {
    return ctgrad::as_sequence<T>(x_var);
  }
};
/// In sequential: sequential(X, layer::as_sequence<28>, layer::gru<64>, layer::last_step, ...)
template <std::size_t T> inline constexpr as_sequence_t<T> as_sequence{};
/// ctgrad::swap_leading as a layer of sequential.
struct swap_leading_t {
  /// Returns swap_leading(x).
  template <Expression X> constexpr auto operator()(X x_var) const {
    return ctgrad::swap_leading(x_var);
  }
};
/// ctgrad::swap_leading in a list of layers: `sequential(X, ..., layer::swap_leading, ...)`.
inline constexpr swap_leading_t swap_leading{};
}  // namespace layer

}  // namespace ctgrad
