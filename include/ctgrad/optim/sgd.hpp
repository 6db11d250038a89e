// SPDX-License-Identifier: BSL-1.0
// Stochastic gradient descent over a parameter set, with optional momentum (heavy ball or
// Nesterov) and L2 weight decay, in PyTorch's formulation:
//   g' = g + weight_decay * W
//   v  = momentum * v + g'                      (v starts at 0; no dampening)
//   W := W - lr * (nesterov ? g' + momentum * v : (momentum != 0 ? v : g'))
// The velocity is a set of the parameters' structure, held in the optimiser: no heap.
//   optim::sgd<decltype(params)> opt({.lr = 0.1f, .momentum = 0.9f, .nesterov = true});
//   opt.step(params, grads);
#pragma once

#include <ctgrad/train/set_ops.hpp>

#include <cstddef>

namespace ctgrad::optim {

/// The options of optim::sgd, given by name: `{.lr = 0.1f, .momentum = 0.9f, .nesterov = true}`.
template <class T> struct sgd_options {
  /// Learning rate.
  T lr = T(0.01);
  /// Momentum factor (0: plain SGD); no dampening.
  T momentum = T(0);
  /// Nesterov momentum instead of heavy ball.
  bool nesterov = false;
  /// L2 decay, added to the gradient as weight_decay * W.
  T weight_decay = T(0);
};

/// Stochastic gradient descent over a parameter set Set, with optional momentum and L2 decay, in
/// PyTorch's formulation; the velocity is held in the optimiser (no heap). Example:
/// `optim::sgd<decltype(params)> opt({.lr = 0.1f}); opt.step(params, grads);`
template <class Set> class sgd {
 public:
  /// The element type of the set.
  using value_type = typename Set::value_type;
  /// sgd_options of that type.
  using options = sgd_options<value_type>;

  /// An optimiser with those options and zero velocity.
  constexpr explicit sgd(options o = {}) : opt_(o) {}

  /// One update of params from grads (a set of the same structure).
  template <class Params, class Grads> constexpr void step(Params& params, Grads const& grads) {
    // A template, so that a set of another network is named in one sentence instead of a
    // failed conversion between two set types.
    if constexpr (!__is_same(Params, Set)) {
      static_assert(__is_same(Params, Set),
                    "ctgrad::optim::sgd::step(params, grads): params must be the parameter set "
                    "the optimiser was made for (optim::sgd<decltype(params)>)");
    } else if constexpr (!__is_same(Grads, Set)) {
      static_assert(__is_same(Grads, Set),
                    "ctgrad::optim::sgd::step(params, grads): grads must be a gradient set of the "
                    "optimiser's network, of the same type as its parameter set");
    } else {
      update([&](auto const& f, auto&... sets) { train::each_trainable(f, params, sets...); },
             grads);
    }
  }

  /// The part of step that is done once per step, before step_range (train/parallel.hpp:
  /// parallel_update splits a step over threads). Nothing for SGD: it has no step count.
  constexpr void start_step() {}

  /// The update of entries [from, to) of the sets' flat order only (after start_step): a step
  /// split into ranges, each entry updated as step updates it (the same bits).
  constexpr void step_range(Set& params, Set const& grads, std::size_t from, std::size_t to) {
    update([&](auto const& f,
               auto&... sets) { train::each_trainable_in(from, to, f, params, sets...); },
           grads);
  }

 private:
  // Each(f, sets...) runs f over params and the sets given, entry by entry.
  template <class Each> constexpr void update(Each const& each, Set const& grads) {
    value_type const lr = opt_.lr, mu = opt_.momentum, wd = opt_.weight_decay;
    // Three loops, not one with the branches inside: clang 14 does not unswitch them, and
    // a loop that tests momentum and Nesterov for every entry does not vectorise.
    if (mu == value_type(0)) {
      each([&](value_type& weight, value_type const& grad) { weight -= lr * (grad + wd * weight); },
           grads);
    } else if (opt_.nesterov) {
      each(
          [&](value_type& weight, value_type const& grad0, value_type& velocity) {
            value_type const grad = grad0 + wd * weight;
            velocity = mu * velocity + grad;
            weight -= lr * (grad + mu * velocity);
          },
          grads, velocity_);
    } else {
      each(
          [&](value_type& weight, value_type const& grad, value_type& velocity) {
            velocity = mu * velocity + grad + wd * weight;
            weight -= lr * velocity;
          },
          grads, velocity_);
    }
  }

 public:
  /// The learning rate, for schedules: opt.lr() = schedule(epoch).
  constexpr value_type& lr() { return opt_.lr; }
  /// The velocity v, a set of the parameters' structure.
  constexpr Set const& velocity() const { return velocity_; }
  /// Forgets the velocity (as a new optimiser would).
  constexpr void reset() { velocity_.zero(); }

 private:
  options opt_;
  Set velocity_{};
};

}  // namespace ctgrad::optim
