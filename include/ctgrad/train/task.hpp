// SPDX-License-Identifier: BSL-1.0
// What train::fit and train::evaluate need to know of a network: its input and target
// variables, its scalar loss and, for a classifier, the output whose rows are scored; the
// data as rows in memory; and the small helpers both share (rows, accuracy, copying a row).
//   auto task = train::classifier(X, Y, loss, logits);   // or train::regressor(X, Y, loss)
//   train::samples<float> data{x, y};                     // n rows each, borrowed
// Accuracy: the arg-max of each output row against the arg-max of the target row (one-hot
// targets); with one output column, output > threshold against target > 0.5.
#pragma once

#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/ops/batch_norm.hpp>
#include <ctgrad/ops/dropout.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace ctgrad::train {

/// n samples, row by row: x holds n rows of the input's width, y n rows of the target's.
/// Borrowed: the storage must outlive the call.
template <class T> struct samples {
  /// n rows of the input's width, row-major.
  std::span<T const> x;
  /// n rows of the target's width, row-major.
  std::span<T const> y;
};

/// The network's roles for fit and evaluate: its input and target variables, its scalar
/// loss, and (for a classifier) the output whose rows are scored.
template <class XVar, class YVar, class Loss, class Output> struct task {
  double threshold = 0.5;  ///< one output column: output > threshold is class 1
};

namespace detail {
// The task's checks, in order; only the first that fails is reported (one error, not one
// per consequence: a batch mismatch also makes the output's shape differ from Y's).
template <class XVar, class YVar, class Loss> constexpr bool check_task() {
  using sx = shape_of_t<XVar>;
  using sy = shape_of_t<YVar>;
  if constexpr (!(ctgrad::detail::is_var<XVar>::value && ctgrad::detail::is_var<YVar>::value &&
                  !ctgrad::detail::is_par<XVar>::value && !ctgrad::detail::is_par<YVar>::value)) {
    static_assert(ctgrad::detail::is_var<XVar>::value && ctgrad::detail::is_var<YVar>::value &&
                      !ctgrad::detail::is_par<XVar>::value && !ctgrad::detail::is_par<YVar>::value,
                  "ctgrad::train task: X and Y must be input variables, input<\"X\", B, n>");
    return false;
  } else if constexpr (!(sx::rank == 2 && sy::rank == 2 && sx::dims[0] == sy::dims[0])) {
    static_assert(sx::rank == 2 && sy::rank == 2 && sx::dims[0] == sy::dims[0],
                  "ctgrad::train task: X and Y must be batches [B, n] with the same B");
    return false;
  } else if constexpr (shape_of_t<Loss>::rank != 0) {
    static_assert(shape_of_t<Loss>::rank == 0, "ctgrad::train task: the loss must be a scalar");
    return false;
  } else {
    return true;
  }
}
}  // namespace detail

/// A classifier: accuracy compares each row of output (logits or probabilities) with the
/// target row (see the top). output must be a subexpression of loss.
template <Expression XVar, Expression YVar, Expression Loss, Expression Output>
constexpr task<XVar, YVar, Loss, Output> classifier(XVar, YVar, Loss, Output,
                                                    double threshold = 0.5) {
  using so = shape_of_t<Output>;
  using sy = shape_of_t<YVar>;
  if constexpr (!detail::check_task<XVar, YVar, Loss>()) {
    return {threshold};
  } else if constexpr (!same_shape_v<so, sy>) {
    static_assert(same_shape_v<so, sy>,
                  "ctgrad::train::classifier(X, Y, loss, output): output must have Y's shape "
                  "[B, classes]");
    return {threshold};
  } else {
    static_assert(ctgrad::detail::contains<topological_order_t<Loss>, Output>::value,
                  "ctgrad::train::classifier(X, Y, loss, output): output is not a "
                  "subexpression of loss");
    return {threshold};
  }
}

/// A regressor: loss only.
template <Expression XVar, Expression YVar, Expression Loss>
constexpr task<XVar, YVar, Loss, void> regressor(XVar, YVar, Loss) {
  detail::check_task<XVar, YVar, Loss>();
  return {};
}

namespace detail {

template <class Task> struct task_traits;
template <class XVar, class YVar, class Loss, class Output>
struct task_traits<task<XVar, YVar, Loss, Output>> {
  static constexpr std::size_t batch = shape_of_t<XVar>::dims[0];
  static constexpr std::size_t width = shape_of_t<XVar>::dims[1];
  static constexpr std::size_t targets = shape_of_t<YVar>::dims[1];
  static constexpr bool classifies = !std::is_void_v<Output>;
};

/// The number of rows, after checking that x and y hold whole rows of the same count.
template <class Traits, class T> std::size_t rows(samples<T> const& d, char const* what) {
  std::size_t const n = d.x.size() / Traits::width;
  if (d.x.size() % Traits::width != 0 || d.y.size() != n * Traits::targets)
    throw std::invalid_argument(std::string("ctgrad::train: ") + what + ": x has " +
                                std::to_string(d.x.size()) + " values and y " +
                                std::to_string(d.y.size()) + "; the network wants rows of " +
                                std::to_string(Traits::width) + " inputs and " +
                                std::to_string(Traits::targets) + " targets");
  return n;
}

template <class T> std::size_t arg_max(T const* row, std::size_t n) {
  std::size_t best = 0;
  for (std::size_t c = 1; c < n; ++c)
    if (row[c] > row[best]) best = c;
  return best;
}

/// Correct predictions among the first `rows` rows of out against the targets y.
template <std::size_t C, class T>
std::size_t count_correct(T const* out, T const* y, std::size_t rows, double threshold) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if constexpr (C == 1) {
      correct += (static_cast<double>(out[r]) > threshold) == (static_cast<double>(y[r]) > 0.5);
    } else {
      correct += arg_max(out + r * C, C) == arg_max(y + r * C, C);
    }
  }
  return correct;
}

/// f(bindings...) with the bindings of the modes the loss uses: dropout_seed (the step's
/// seed in training, a whole number; -1 for evaluation) and train_mode (1 in training, 0
/// for evaluation: batch norm's statistics); f() for a loss with neither.
template <class Loss, class T, class F> decltype(auto) with_modes(double seed, F f) {
  using order = topological_order_t<Loss>;
  constexpr bool drops = ctgrad::detail::contains<order, dropout_seed_t>::value;
  constexpr bool switches = ctgrad::detail::contains<order, train_mode_t>::value;
  T const training = seed >= 0 ? T(1) : T(0);
  if constexpr (drops && switches) {
    return f(dropout_seed = static_cast<T>(seed), train_mode = training);
  } else if constexpr (drops) {
    return f(dropout_seed = static_cast<T>(seed));
  } else if constexpr (switches) {
    return f(train_mode = training);
  } else {
    (void)seed;
    (void)training;
    return f();
  }
}

/// Row `from` of the data set into row `to` of the batch tensors.
template <class Traits, class T, class TX, class TY>
void copy_row(samples<T> const& d, std::size_t from, TX& x, TY& y, std::size_t to) {
  std::copy_n(d.x.data() + from * Traits::width, Traits::width, x.data.data() + to * Traits::width);
  std::copy_n(d.y.data() + from * Traits::targets, Traits::targets,
              y.data.data() + to * Traits::targets);
}

}  // namespace detail

}  // namespace ctgrad::train
