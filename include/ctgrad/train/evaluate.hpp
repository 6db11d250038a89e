// SPDX-License-Identifier: BSL-1.0
// Loss and accuracy of a network over a whole data set:
//   train::metrics m = train::evaluate(task, params, train::samples<float>{xt, yt});
// Every sample counts exactly once. The last partial batch is padded with copies of one
// sample s, and a batch of B copies of s gives s's loss to take back out:
// sum over the r real rows = B * L(padded) - (B - r) * L(s). This needs a loss that is a
// mean over the batch rows, each row's term depending on that row only: true of mse,
// cross_entropy and binary_cross_entropy on any network here.
#pragma once

#include <ctgrad/engine/evaluate.hpp>
#include <ctgrad/engine/memory.hpp>
#include <ctgrad/engine/workspace.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/train/task.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>

#include <cstddef>
#include <limits>
#include <memory>

namespace ctgrad::train {

/// Loss and accuracy over a data set (accuracy is NaN for a regressor).
struct metrics {
  /// Mean loss over the samples.
  double loss = 0;
  /// Fraction of samples classified right (NaN for a regressor).
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  /// Number of samples scored.
  std::size_t samples = 0;
};

namespace detail {
// What evaluate computes per batch: the loss, and for a classifier the scored output too.
template <class Loss, class Output> struct evaluated {
  using type = boost::hana::tuple<Loss, Output>;
};
template <class Loss> struct evaluated<Loss, void> { using type = Loss; };

/// One workspace for a task's gradient (fit) and its evaluation, allocated once per call.
template <class T, class Task> struct task_workspace;
template <class T, class XVar, class YVar, class Loss, class Output>
struct task_workspace<T, task<XVar, YVar, Loss, Output>> {
  using type =
      workspace<T, ctgrad::detail::max_of<eval_workspace_v<typename evaluated<Loss, Output>::type>,
                                          grad_workspace_v<Loss>>()>;
};
template <class T, class Task> using task_workspace_t = typename task_workspace<T, Task>::type;

// evaluate, in the caller's batch buffers x and y and workspace ws (fit reuses its own).
template <class XVar, class YVar, class Loss, class Output, class T, class... Vars, class Ws>
metrics evaluate_in(task<XVar, YVar, Loss, Output> const& t, var_set<T, Vars...> const& params,
                    samples<T> const& data, tensor<T, shape_of_t<XVar>>* x,
                    tensor<T, shape_of_t<YVar>>* y, Ws& ws) {
  using traits = task_traits<task<XVar, YVar, Loss, Output>>;
  constexpr std::size_t B = traits::batch;
  std::size_t const n = rows<traits>(data, "evaluate");
  // Loss of the batch in *x, *y; correct predictions among its first `scored` rows.
  auto run = [&](std::size_t scored, std::size_t& correct) -> double {
    if constexpr (traits::classifies) {
      // Evaluation mode: dropout (if any) keeps every entry, batch norm uses running statistics.
      auto const result = with_modes<Loss, T>(-1, [&](auto... mode) {
        return eval(boost::hana::make_tuple(Loss{}, Output{}), ws, params, XVar{} = *x, YVar{} = *y,
                    mode...);
      });
      auto const& out = boost::hana::at_c<1>(result);
      correct +=
          count_correct<traits::targets>(out.data.data(), y->data.data(), scored, t.threshold);
      return static_cast<double>(boost::hana::at_c<0>(result));
    } else {
      (void)scored;
      (void)correct;
      return static_cast<double>(with_modes<Loss, T>(-1, [&](auto... mode) {
        return eval(Loss{}, ws, params, XVar{} = *x, YVar{} = *y, mode...);
      }));
    }
  };
  double sum = 0;  // of per-row losses
  std::size_t correct = 0, unused = 0;
  std::size_t const full = n / B;
  for (std::size_t b = 0; b < full; ++b) {
    for (std::size_t r = 0; r < B; ++r) copy_row<traits>(data, b * B + r, *x, *y, r);
    sum += static_cast<double>(B) * run(B, correct);
  }
  if (std::size_t const rest = n - full * B; rest > 0) {
    std::size_t const s = full * B;  // the padding sample
    for (std::size_t r = 0; r < B; ++r) copy_row<traits>(data, s + (r < rest ? r : 0), *x, *y, r);
    double const padded = run(rest, correct);
    double alone = padded;
    if (rest < B) {
      for (std::size_t r = 0; r < B; ++r) copy_row<traits>(data, s, *x, *y, r);
      alone = run(0, unused);
    }
    sum += static_cast<double>(B) * padded - static_cast<double>(B - rest) * alone;
  }
  metrics m;
  m.samples = n;
  m.loss = n ? sum / static_cast<double>(n) : 0.0;
  if constexpr (traits::classifies)
    m.accuracy = n ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
  return m;
}
}  // namespace detail

/// Loss and accuracy of the network over every sample of data (see the top for how the last
/// partial batch is counted exactly).
template <class XVar, class YVar, class Loss, class Output, class T, class... Vars>
metrics evaluate(task<XVar, YVar, Loss, Output> const& t, var_set<T, Vars...> const& params,
                 samples<T> const& data) {
  auto x = std::make_unique<tensor<T, shape_of_t<XVar>>>();
  auto y = std::make_unique<tensor<T, shape_of_t<YVar>>>();
  auto ws = std::make_unique<detail::task_workspace_t<T, task<XVar, YVar, Loss, Output>>>();
  return detail::evaluate_in(t, params, data, x.get(), y.get(), *ws);
}

}  // namespace ctgrad::train
