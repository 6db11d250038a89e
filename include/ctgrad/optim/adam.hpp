// SPDX-License-Identifier: BSL-1.0
// Adam and AdamW over a parameter set, in PyTorch's formulation (step t counts from 1):
//   g' = g + weight_decay * W                  (Adam: L2 decay through the gradient)
//   W := W * (1 - lr * weight_decay)           (AdamW: decoupled decay; g' = g)
//   m  = beta1 * m + (1 - beta1) * g'
//   v  = beta2 * v + (1 - beta2) * g'^2
//   W := W - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
// Both moment sets are held in the optimiser: no heap.
//   optim::adam<decltype(params)> opt({.lr = 1e-3f});
//   optim::adam<decltype(params)> opt({.lr = 1e-3f, .weight_decay = 0.01f, .decoupled = true});
#pragma once

#include <ctgrad/train/set_ops.hpp>

#include <cmath>
#include <cstddef>

namespace ctgrad::optim {

/// The options of optim::adam, given by name:
/// `{.lr = 1e-3f, .weight_decay = 0.01f, .decoupled = true}`.
template <class T> struct adam_options {
  /// Learning rate.
  T lr = T(0.001);
  /// Decay of the first moment (the gradients' running mean).
  T beta1 = T(0.9);
  /// Decay of the second moment (the squared gradients' running mean).
  T beta2 = T(0.999);
  /// Added to the second moment's square root, against division by zero.
  T eps = T(1e-8);
  /// L2 decay (Adam, through the gradient) or decoupled decay (AdamW).
  T weight_decay = T(0);
  /// True: AdamW (decoupled decay); false: Adam with L2 decay.
  bool decoupled = false;  // true: AdamW
};

/// Adam and AdamW over a parameter set Set, in PyTorch's formulation; the moments are held in the
/// optimiser (no heap).
/// Example: `optim::adam<decltype(params)> opt({.lr = 1e-3f}); opt.step(params, grads);`
template <class Set> class adam {
 public:
  /// The element type of the set.
  using value_type = typename Set::value_type;
  /// adam_options of that type.
  using options = adam_options<value_type>;

  /// An optimiser with those options and zero moments.
  explicit adam(options o = {}) : opt_(o) {}

  /// One update of params from grads (a set of the same structure).
  template <class Params, class Grads> void step(Params& params, Grads const& grads) {
    // A template, so that a set of another network is named in one sentence instead of a
    // failed conversion between two set types.
    if constexpr (!__is_same(Params, Set)) {
      static_assert(__is_same(Params, Set),
                    "ctgrad::optim::adam::step(params, grads): params must be the parameter set "
                    "the optimiser was made for (optim::adam<decltype(params)>)");
    } else if constexpr (!__is_same(Grads, Set)) {
      static_assert(__is_same(Grads, Set),
                    "ctgrad::optim::adam::step(params, grads): grads must be a gradient set of the "
                    "optimiser's network, of the same type as its parameter set");
    } else {
      start_step();
      update([&](auto const& f, auto&... sets) { train::each_trainable(f, params, sets...); },
             grads);
    }
  }

  /// The part of step that is done once per step, before step_range (train/parallel.hpp:
  /// parallel_update splits a step over threads): the step count t and its bias corrections.
  void start_step() {
    ++t_;
    c1_ = value_type(1) - static_cast<value_type>(std::pow(static_cast<double>(opt_.beta1), t_));
    c2_ = value_type(1) - static_cast<value_type>(std::pow(static_cast<double>(opt_.beta2), t_));
  }

  /// The update of entries [from, to) of the sets' flat order only (after one start_step per
  /// step): a step split into ranges, each entry updated as step updates it (the same bits).
  void step_range(Set& params, Set const& grads, std::size_t from, std::size_t to) {
    update([&](auto const& f,
               auto&... sets) { train::each_trainable_in(from, to, f, params, sets...); },
           grads);
  }

 private:
  // Each(f, sets...) runs f over params and the sets given, entry by entry.
  template <class Each> void update(Each const& each, Set const& grads) {
    using T = value_type;
    T const lr = opt_.lr, b1 = opt_.beta1, b2 = opt_.beta2, eps = opt_.eps;
    T const wd = opt_.weight_decay;
    bool const decoupled = opt_.decoupled;
    T const c1 = c1_, c2 = c2_;
    each(
        [&](T& weight, T const& grad, T& moment1, T& moment2) {
          T step = grad;
          if (decoupled) {
            weight *= T(1) - lr * wd;
          } else {
            step += wd * weight;
          }
          moment1 = b1 * moment1 + (T(1) - b1) * step;
          moment2 = b2 * moment2 + (T(1) - b2) * step * step;
          weight -= lr * (moment1 / c1) / (std::sqrt(moment2 / c2) + eps);
        },
        grads, m_, v_);
  }

 public:
  /// The learning rate, for schedules: `opt.lr() = schedule(epoch)`.
  value_type& lr() { return opt_.lr; }
  /// Number of steps taken (t, from which the bias corrections are computed).
  long steps() const { return t_; }
  /// The first moment m, a set of the parameters' structure.
  Set const& first_moment() const { return m_; }
  /// The second moment v.
  Set const& second_moment() const { return v_; }
  /// Forgets the moments and the step count (as a new optimiser would).
  void reset() {
    m_.zero();
    v_.zero();
    t_ = 0;
    c1_ = c2_ = value_type(1);
  }

 private:
  options opt_;
  long t_ = 0;
  value_type c1_ = value_type(1), c2_ = value_type(1);  // 1 - beta^t, set by start_step
  Set m_{};
  Set v_{};
};

/// AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch).
template <class Set>
adam<Set> adamw(adam_options<typename Set::value_type> o = {
                    .weight_decay = typename Set::value_type(0.01)}) {
  o.decoupled = true;
  return adam<Set>(o);
}

}  // namespace ctgrad::optim
