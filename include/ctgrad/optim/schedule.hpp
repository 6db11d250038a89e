// SPDX-License-Identifier: BSL-1.0
// Learning-rate schedules: functions of the epoch (or step) number, counted from 0.
//   optim::step_lr<float> s{.base = 0.1f, .step_size = 10, .gamma = 0.5f};   s(e) = base * gamma^(e
//   / step_size) optim::cosine_lr<float> c{.base = 0.1f, .period = 50, .min = 0.f};       c(e) =
//   min + (base - min)(1 + cos(pi e / period)) / 2 opt.lr() = s(epoch);
// cosine_lr stays at min after its period (no restarts).
#pragma once

#include <cmath>

namespace ctgrad::optim {

/// Step decay: `s(e) = base * gamma^(e / step_size)` (integer division), e from 0.
template <class T> struct step_lr {
  /// The learning rate at epoch 0.
  T base = T(0.1);
  /// Epochs between two decays.
  long step_size = 1;
  /// Factor of each decay.
  T gamma = T(0.1);
  /// The learning rate at epoch (or step) `epoch`.
  T operator()(long epoch) const {
    return base * static_cast<T>(std::pow(static_cast<double>(gamma), epoch / step_size));
  }
};

/// Cosine annealing: `c(e) = min + (base - min)(1 + cos(pi e / period)) / 2`, then min after the
/// period (no restarts).
template <class T> struct cosine_lr {
  /// The learning rate at epoch 0.
  T base = T(0.1);
  /// Epochs from base down to min.
  long period = 1;
  /// The learning rate at the end of the period and after.
  T min = T(0);
  /// The learning rate at epoch (or step) `epoch`.
  T operator()(long epoch) const {
    if (epoch >= period) return min;
    double const pi = 3.14159265358979323846;
    double const c = std::cos(pi * static_cast<double>(epoch) / static_cast<double>(period));
    return min + (base - min) * static_cast<T>((1.0 + c) / 2.0);
  }
};

}  // namespace ctgrad::optim
