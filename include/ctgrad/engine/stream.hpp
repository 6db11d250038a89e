// SPDX-License-Identifier: BSL-1.0
// Streaming inference: a recurrent cell advanced one input at a time, for real-time use (one
// audio sample or sensor reading per call), with the state kept between calls and no heap.
//   constexpr auto cell = ctgrad::gru_cell_of<16, "gru.", 1>();     hidden 16, 1 input, batch 1
//   auto s = ctgrad::make_stream<float>(cell);                       state zero
//   auto const& h = s.step(params, x);      x: tensor<float, shape<1, 1>>; h: [1, 16]
//   s.reset();                              back to the zero state
// The cell is the same expression a trained layer's loop runs (same parameter names), so
// a parameter set trained on whole sequences drives the stream as it is.
#pragma once

#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/engine/evaluate.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/tensor.hpp>

#include <cstddef>
#include <tuple>

namespace ctgrad {

/// A cell with its carried states (in the order of its bundle of next states) and its one
/// step input: what a stream runs.
template <class Body, class Carries, class StepInput> struct recurrent_cell_t {};

/// A recurrent cell advanced one input at a time (streaming inference), its carried states kept
/// between calls, no heap; made by make_stream.
/// Example: `auto s = make_stream<float>(gru_cell_of<16, "gru.", 1>());` then
/// `auto const& h = s.step(params, x);` per input.
template <class T, class Cell> class stream;
/// The stream of a recurrent_cell_t: one tensor per carried state.
template <class T, class Body, class... Carries, class StepInput>
class stream<T, recurrent_cell_t<Body, detail::type_list<Carries...>, StepInput>> {
  std::tuple<tensor<T, shape_of_t<Carries>>...> state_{};

 public:
  using input_type = tensor<T, shape_of_t<StepInput>>;

  /// The next state from one input x; returns the first carried state (h).
  template <class Params> constexpr auto const& step(Params const& params, input_type const& x) {
    auto const next = std::apply(
        [&](auto const&... st) { return eval(Body{}, params, Carries{} = st..., StepInput{} = x); },
        state_);
    if constexpr (sizeof...(Carries) == 1) {
      std::get<0>(state_) = next;
    } else {
      std::size_t at = 0;
      std::apply([&](auto&... st) { (copy_from(st, next, at), ...); }, state_);
    }
    return std::get<0>(state_);
  }
  /// Back to the zero state.
  constexpr void reset() { state_ = {}; }
  /// Carried state K (0: h; for an LSTM, 1: c), to read or to set.
  template <std::size_t K = 0> constexpr auto& state() { return std::get<K>(state_); }

 private:
  template <class S, class Flat>
  static constexpr void copy_from(S& st, Flat const& flat, std::size_t& at) {
    for (auto& v : st.data) v = flat.data[at++];
  }
};

/// A stream of cell, element type T, all states zero.
template <class T, class Body, class Carries, class StepInput>
constexpr stream<T, recurrent_cell_t<Body, Carries, StepInput>> make_stream(
    recurrent_cell_t<Body, Carries, StepInput>) {
  return {};
}

}  // namespace ctgrad
