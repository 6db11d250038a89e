// SPDX-License-Identifier: BSL-1.0
// A training loop over data held in memory, and the evaluation it reports with:
//   auto task = train::classifier(X, Y, loss, logits);   // or train::regressor(X, Y, loss)
//   auto history = train::fit(task, params, opt, train::samples<float>{x, y},
//                             {.epochs = 10, .validation = {xv, yv}});
//   train::metrics m = train::evaluate(task, params, train::samples<float>{xt, yt});
// It is the loop examples/xor.cpp writes by hand (grad_into, opt.step), plus the policies:
// - Batches have the network's batch size B, fixed by the type. Each epoch draws a fresh
//   permutation of the samples (from the seed, identical on every standard library). With
//   last_batch::drop (the default) its last n % B samples wait for a later epoch, where
//   another permutation puts them elsewhere; with last_batch::fill the last batch is
//   completed from the start of the permutation, so every sample is used every epoch and a
//   few twice.
// - Training loss and accuracy are the means over the epoch's batches, each measured in the
//   forward pass of its own gradient (before that batch's step): no extra pass.
// - Evaluation (train/evaluate.hpp) covers every sample exactly once.
// - A non-finite training loss or gradient stops fit with an error naming the epoch and
//   batch and the first non-finite gradient entry and parameter entry (check/finite.hpp),
//   before that batch's step: the parameters keep the last finite state.
// - So does a diverging loss, before it overflows (train::diverged): a learning rate far
//   too high makes the loss grow by orders of magnitude per step, and it may stay finite
//   (a stable cross-entropy of huge logits is huge, not NaN) while the run is useless.
//   The test is on a smoothed loss (an exponential moving average, weight 1/10 for each
//   new batch, so that one hard batch alone must exceed about 100 times the start) against
//   the first batch's loss, which the initial parameters give: stop when smoothed >
//   divergence_factor * first (default 10).
// - Modes: fit binds train_mode = 1 (batch norm normalises with the batch's statistics) and
//   a new dropout seed every step; after each step's gradient, the running statistics
//   (buffers in params) follow the batch's (train/running_stats.hpp). Evaluation binds
//   train_mode = 0 and dropout_seed = -1.
// - Threads (fit_options::threads, sharded): each batch's gradient in fixed shards on a pool
//   of threads, summed in shard order (train/parallel.hpp): the same bits for any number of
//   threads, equal to the one-piece gradient to rounding; the reduction tests the gradient for
//   non-finite entries, and the optimiser's step is split over the threads by ranges of
//   entries (train::parallel_update), the same bits too. Dropout draws a mask per shard;
//   batch norm is refused (std::invalid_argument), its statistics being the whole batch's.
// Heap: the buffers (batch, gradient set, workspace, permutation, history, and with threads
// the pool and the shards' buffers) are allocated once per call; the epochs and steps
// allocate nothing.
#pragma once

#include <ctgrad/check/finite.hpp>
#include <ctgrad/engine/backprop.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/init/initializers.hpp>
#include <ctgrad/train/evaluate.hpp>
#include <ctgrad/train/parallel.hpp>
#include <ctgrad/train/progress.hpp>
#include <ctgrad/train/running_stats.hpp>
#include <ctgrad/train/task.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace ctgrad::train {

/// What fit does with the n % B samples that do not fill a last batch (see the top).
enum class last_batch { drop, fill };

/// One epoch of fit: training loss and accuracy (means over its batches), the validation
/// metrics (NaN without a validation set), and the training time (validation excluded).
struct epoch_stats {
  std::size_t epoch = 0;  ///< from 1
  /// Mean training loss over the epoch's batches.
  double loss = 0;
  /// Mean training accuracy over the epoch's batches (NaN for a regressor).
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  /// Loss on the validation set (NaN without one).
  double val_loss = std::numeric_limits<double>::quiet_NaN();
  /// Accuracy on the validation set (NaN without one or for a regressor).
  double val_accuracy = std::numeric_limits<double>::quiet_NaN();
  /// Training time of the epoch in seconds, validation excluded.
  double seconds = 0;
  /// Training samples per second.
  double samples_per_second = 0;
  std::size_t samples = 0;  ///< rows trained on
};

template <class T>
/// The options of train::fit, given by name in this order:
/// `{.epochs = 10, .seed = 1, .last = train::last_batch::fill, .validation = {xv, yv}, ...}`
/// then `.show = train::progress::lines, .out = stderr, .on_epoch = f`; each has a default.
struct fit_options {
  /// Number of epochs (passes over the training set).
  std::size_t epochs = 1;
  std::uint64_t seed = 1;  ///< of the permutations
  /// What to do with the last, partial batch: `drop` it (another permutation uses those
  /// samples next epoch) or `fill` it from the start of the permutation.
  last_batch last = last_batch::drop;
  samples<T> validation{};  ///< evaluated after every epoch when not empty
  /// Progress display: a bar on a terminal and one line per epoch elsewhere (`automatic`),
  /// `bar`, `lines` or `none`.
  progress show = progress::automatic;
  /// Where progress and epoch lines go.
  std::FILE* out = stdout;
  /// Called after each epoch (after validation): a learning-rate schedule, a checkpoint,
  /// a curve file.
  std::function<void(epoch_stats const&)> on_epoch{};
  /// Stop with train::diverged when the smoothed training loss exceeds this multiple of
  /// the first batch's loss (see the top); 0 never stops. Not applied when the first loss
  /// is not positive (a loss that can be negative has no scale to compare with).
  double divergence_factor = 10;
  /// Threads that compute each step's gradient (train/parallel.hpp): 1 computes it in one
  /// piece on the calling thread, as always; n > 1 splits the batch into its fixed shards
  /// (train::default_shards, or fit<K>), computed on a pool of n threads created once per
  /// call and summed in shard order, so that every n gives the same bits.
  std::size_t threads = 1;
  /// Split the batch into its shards even with threads = 1, for the bits of any thread count
  /// (threads > 1 always does). Without batch norm only (a runtime error says so).
  bool sharded = false;
};

/// What fit throws when the training loss diverges (see fit_options::divergence_factor).
struct diverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

// The epoch's summary, into a buffer (a std::string of this length would allocate).
// Each field is at most 31 characters (loss_text, percent), so the line fits in 256.
inline void epoch_line(char (&buf)[256], epoch_stats const& s, std::size_t epochs, bool validated) {
  char acc[32], val_acc[32], loss[32], val_loss[32];
  percent(acc, s.accuracy);
  percent(val_acc, s.val_accuracy);
  loss_text(loss, s.loss);
  loss_text(val_loss, s.val_loss);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f s  %.0f samples/s", s.seconds, s.samples_per_second);
  if (validated)
    std::snprintf(buf, sizeof buf, "epoch %2zu/%zu  loss %s  acc %s  val loss %s  val acc %s  %s",
                  s.epoch, epochs, loss, acc, val_loss, val_acc, seconds);
  else
    std::snprintf(buf, sizeof buf, "epoch %2zu/%zu  loss %s  acc %s  %s", s.epoch, epochs, loss,
                  acc, seconds);
}

// A number in an error message: never the 300 digits std::to_string gives 1e300.
inline std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// The advice names the optimiser's learning rate when it has one (opt.lr(), as sgd and adam).
template <class Opt>
std::string divergence_message(Opt& opt, std::size_t epoch, std::size_t batch, double loss,
                               double smoothed, double first, double factor) {
  std::string advice = "learning rate too high? try a smaller one, or gradient clipping";
  if constexpr (requires { static_cast<double>(opt.lr()); }) {
    double const lr = static_cast<double>(opt.lr());
    advice = "learning rate too high? it is " + short_number(lr) + ": try " +
             short_number(lr / 10) + " or " + short_number(lr / 100) + ", or gradient clipping";
  }
  return "ctgrad::train::fit: the training loss diverged at epoch " + std::to_string(epoch) +
         ", batch " + std::to_string(batch) + ": " + short_number(loss) + " (smoothed " +
         short_number(smoothed) + ") is more than " + short_number(factor) +
         " times the first batch's " + short_number(first) +
         " (parameters kept from before this batch; fit_options::divergence_factor sets the "
         "limit); " +
         advice;
}

}  // namespace detail

namespace detail {

/// What one step's gradient gave: the batch's loss and, for a classifier, the correct rows.
template <class T> struct step_result {
  T loss;
  std::size_t correct;
  /// 1 or 0 when the step has tested the gradient for non-finite entries itself (a sharded
  /// step does, in its reduction), -1 when fit must (check::all_finite).
  int finite = -1;
};

// The optimiser's step on the calling thread (fit's default).
struct serial_update {
  template <class Opt, class Set> void operator()(Opt& opt, Set& params, Set const& grads) const {
    opt.step(params, grads);
  }
};

// The buffers of fit, allocated once per call.
template <class T, class Task> struct fit_buffers;
template <class T, class XVar, class YVar, class Loss, class Output>
struct fit_buffers<T, task<XVar, YVar, Loss, Output>> {
  using task_t = task<XVar, YVar, Loss, Output>;
  using x_t = tensor<T, shape_of_t<XVar>>;
  using y_t = tensor<T, shape_of_t<YVar>>;
  std::unique_ptr<x_t> x = std::make_unique<x_t>();
  std::unique_ptr<y_t> y = std::make_unique<y_t>();
  std::unique_ptr<y_t> out = std::make_unique<y_t>();
  std::unique_ptr<task_workspace_t<T, task_t>> ws = std::make_unique<task_workspace_t<T, task_t>>();
};

/// The epochs of fit (see the top); step(buffers, grads, step_seed) computes the batch's
/// gradient from the rows in buffers.x, buffers.y into grads; update(opt, params, grads) is
/// the optimiser's step (serial_update, or parallel_update on fit's pool). train/mpi.hpp
/// reuses it.
template <class XVar, class YVar, class Loss, class Output, class T, class... Vars, class Opt,
          class Step, class Update = serial_update>
std::vector<epoch_stats> fit_loop(task<XVar, YVar, Loss, Output> const& t,
                                  var_set<T, Vars...>& params, Opt& opt, samples<T> const& data,
                                  fit_options<T> const& o,
                                  fit_buffers<T, task<XVar, YVar, Loss, Output>>& buf, Step&& step,
                                  Update&& update = {}) {
  using traits = detail::task_traits<task<XVar, YVar, Loss, Output>>;
  using params_t = var_set<T, Vars...>;
  constexpr std::size_t B = traits::batch;
  std::size_t const n = detail::rows<traits>(data, "fit, training data");
  bool const validated = !o.validation.x.empty();
  if (validated) detail::rows<traits>(o.validation, "fit, validation data");
  std::size_t const batches = o.last == last_batch::drop ? n / B : (n + B - 1) / B;
  if (batches == 0)
    throw std::invalid_argument("ctgrad::train::fit: " + std::to_string(n) +
                                " training samples do not fill one batch of " + std::to_string(B) +
                                " (last_batch::fill pads a short set)");

  auto& x = buf.x;
  auto& y = buf.y;
  auto grads = std::make_unique<params_t>();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  init::rng shuffler(o.seed);
  std::vector<epoch_stats> history;
  history.reserve(o.epochs);
  detail::progress_report report(o.show, o.out);
  double first_loss = 0, smoothed_loss = 0;  // for the divergence test (see the top)

  for (std::size_t epoch = 1; epoch <= o.epochs; ++epoch) {
    // Fisher-Yates with ctgrad's own draws: std::shuffle differs between libraries.
    for (std::size_t i = n - 1; i > 0; --i)
      std::swap(order[i],
                order[static_cast<std::size_t>(shuffler.uniform01() * static_cast<double>(i + 1))]);
    auto const start = std::chrono::steady_clock::now();
    double loss_sum = 0;
    std::size_t correct = 0;
    for (std::size_t b = 0; b < batches; ++b) {
      for (std::size_t r = 0; r < B; ++r)
        detail::copy_row<traits>(data, order[(b * B + r) % n], *x, *y, r);
      // A dropout mask per step (when the net has dropout): whole numbers below 2^24, exact
      // in float, different for every step of the run and for every fit seed.
      double const step_seed = static_cast<double>((o.seed * 1000003u + (epoch - 1) * batches + b) %
                                                   (std::uint64_t{1} << 24));
      step_result<T> const res = step(buf, *grads, step_seed);
      T const loss = res.loss;
      correct += res.correct;
      // One pass of comparisons over the gradient: a finite loss with an infinite or NaN
      // gradient would otherwise corrupt the parameters silently.
      bool const finite_grads = res.finite >= 0 ? res.finite == 1 : check::all_finite(*grads);
      if (!std::isfinite(static_cast<double>(loss)) || !finite_grads) {
        check::finite_report const bad_grad = check::first_non_finite(*grads);
        check::finite_report const bad_param = check::first_non_finite(params);
        throw std::runtime_error(
            "ctgrad::train::fit: the loss is " + detail::short_number(static_cast<double>(loss)) +
            " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(b + 1) +
            (bad_grad ? std::string()
                      : "; first non-finite gradient dL/d" + check::to_string(bad_grad)) +
            (bad_param ? std::string()
                       : "; first non-finite parameter " + check::to_string(bad_param)) +
            " (parameters kept from before this batch; a lower learning rate or gradient "
            "clipping may help)");
      }
      if (epoch == 1 && b == 0) first_loss = smoothed_loss = static_cast<double>(loss);
      smoothed_loss += 0.1 * (static_cast<double>(loss) - smoothed_loss);
      if (o.divergence_factor > 0 && first_loss > 0 &&
          smoothed_loss > o.divergence_factor * first_loss)
        throw diverged(detail::divergence_message(opt, epoch, b + 1, static_cast<double>(loss),
                                                  smoothed_loss, first_loss, o.divergence_factor));
      // Batch norm's running statistics, from this step's batch (before the step changes
      // the parameters, as torch updates them in the forward pass).
      update_running_statistics<Loss, XVar>(params, *buf.ws, *x);
      update(opt, params, *grads);
      loss_sum += static_cast<double>(loss);
      double const secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      double const seen = static_cast<double>((b + 1) * B);
      report.batch(epoch, o.epochs, b + 1, batches, loss_sum / static_cast<double>(b + 1),
                   traits::classifies ? static_cast<double>(correct) / seen
                                      : std::numeric_limits<double>::quiet_NaN(),
                   secs > 0 ? seen / secs : 0.0);
    }
    epoch_stats s;
    s.epoch = epoch;
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    s.samples = batches * B;
    s.samples_per_second = s.seconds > 0 ? static_cast<double>(s.samples) / s.seconds : 0.0;
    s.loss = loss_sum / static_cast<double>(batches);
    if constexpr (traits::classifies)
      s.accuracy = static_cast<double>(correct) / static_cast<double>(s.samples);
    if (validated) {
      metrics const v = detail::evaluate_in(t, params, o.validation, x.get(), y.get(), *buf.ws);
      s.val_loss = v.loss;
      s.val_accuracy = v.accuracy;
    }
    history.push_back(s);
    char line[256];
    detail::epoch_line(line, s, o.epochs, validated);
    report.epoch(line);
    if (o.on_epoch) o.on_epoch(s);
  }
  return history;
}

/// The one-piece gradient of a batch, on the calling thread (fit's default).
template <class XVar, class YVar, class Loss, class Output, class T, class... Vars>
auto whole_batch_step(task<XVar, YVar, Loss, Output> const& the_task, var_set<T, Vars...>& params) {
  using traits = detail::task_traits<task<XVar, YVar, Loss, Output>>;
  return [&the_task, &params](auto& buf, var_set<T, Vars...>& grads, double step_seed) {
    step_result<T> res{T{}, 0};
    if constexpr (traits::classifies) {
      res.loss = detail::with_modes<Loss, T>(step_seed, [&](auto... mode) {
        return grad_into(Loss{}, grads, capture(Output{}, *buf.out), *buf.ws, params,
                         XVar{} = *buf.x, YVar{} = *buf.y, mode...);
      });
      res.correct = detail::count_correct<traits::targets>(buf.out->data.data(), buf.y->data.data(),
                                                           traits::batch, the_task.threshold);
    } else {
      res.loss = detail::with_modes<Loss, T>(step_seed, [&](auto... mode) {
        return grad_into(Loss{}, grads, *buf.ws, params, XVar{} = *buf.x, YVar{} = *buf.y, mode...);
      });
      (void)the_task;
    }
    return res;
  };
}

/// The batch's gradient in its shards on the pool, into grads (train/parallel.hpp), and the
/// correct rows (for a classifier).
template <class XVar, class YVar, class Loss, class Output, class T, class... Vars, class Sg,
          class Buf>
step_result<T> shard_step(task<XVar, YVar, Loss, Output> const& t, var_set<T, Vars...>& params,
                          thread_pool& pool, Sg& sg, Buf& buf, var_set<T, Vars...>& grads,
                          double step_seed) {
  using traits = detail::task_traits<task<XVar, YVar, Loss, Output>>;
  step_result<T> res{T{}, 0};
  res.loss = detail::with_modes<Loss, T>(step_seed, [&](auto... mode) {
    return sg.gradient(pool, grads, params, XVar{} = *buf.x, YVar{} = *buf.y, mode...);
  });
  res.finite = sg.gradient_finite() ? 1 : 0;
  if constexpr (traits::classifies) {
    constexpr std::size_t rows = Sg::rows, C = traits::targets;
    for (std::size_t sh = 0; sh < Sg::shards; ++sh)
      res.correct += detail::count_correct<C>(
          sg[sh].out.data.data(), buf.y->data.data() + sh * rows * C, rows, t.threshold);
  } else {
    (void)t;
  }
  return res;
}

/// Why fit cannot shard this task's batch (the text of shard_problem).
template <class Loss, std::size_t K> std::string shard_refusal(std::size_t threads) {
  return "ctgrad::train::fit: threads = " + std::to_string(threads) +
         " (or sharded) splits each batch into " + std::to_string(K) + " shards, but " +
         shard_problem_text(shard_problem<Loss, K>()) + "; use threads = 1";
}

}  // namespace detail

/// Trains params with opt (anything with opt.step(params, grads)) for o.epochs epochs over
/// data; returns one epoch_stats per epoch. Throws std::invalid_argument for data that do
/// not fit the network (or fewer samples than one batch with last_batch::drop, or threads
/// for a net that cannot be sharded), std::runtime_error for a non-finite loss or gradient,
/// and train::diverged (a runtime_error) for a diverging loss. Shards (with threads > 1 or
/// sharded): train::default_shards of the batch, or fit<Shards>(...).
template <std::size_t Shards = 0, class XVar, class YVar, class Loss, class Output, class T,
          class... Vars, class Opt>
std::vector<epoch_stats> fit(task<XVar, YVar, Loss, Output> const& t, var_set<T, Vars...>& params,
                             Opt& opt, samples<T> const& data,
                             std::type_identity_t<fit_options<T>> const& o = {}) {
  using task_t = task<XVar, YVar, Loss, Output>;
  using traits = detail::task_traits<task_t>;
  detail::fit_buffers<T, task_t> buf;
  if (o.threads <= 1 && !o.sharded)
    return detail::fit_loop(t, params, opt, data, o, buf, detail::whole_batch_step(t, params));
  constexpr std::size_t K = Shards != 0 ? Shards : default_shards(traits::batch);
  if constexpr (detail::shard_problem<Loss, K>() != 0) {
    throw std::invalid_argument(detail::shard_refusal<Loss, K>(o.threads));
  } else {
    thread_pool pool(o.threads);
    auto sg = std::make_unique<sharded_gradient<T, Loss, K, var_set<T, Vars...>, Output>>();
    return detail::fit_loop(
        t, params, opt, data, o, buf,
        [&](auto& bufs, var_set<T, Vars...>& grads, double step_seed) {
          return detail::shard_step(t, params, pool, *sg, bufs, grads, step_seed);
        },
        [&pool](Opt& step_opt, var_set<T, Vars...>& step_params,
                var_set<T, Vars...> const& step_grads) {
          parallel_update(pool, step_opt, step_params, step_grads);
        });
  }
}

}  // namespace ctgrad::train
