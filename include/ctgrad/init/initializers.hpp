// SPDX-License-Identifier: BSL-1.0
// Parameter initialisers, reproducible from a seed on every platform: the random bits come
// from std::mt19937_64 (fully specified by the standard) and are turned into uniform and
// normal numbers here (std::normal_distribution differs between standard libraries).
//   init::rng r{42};
//   init::normal(params[W1], r, 0.0, 0.01);   init::uniform(params[b1], r, -0.1, 0.1);
//   init::xavier_uniform(params[W1], r);      init::he_normal(params[W1], r);
//   init::apply(params, 42, init::he_normal_rule{});   // every [in, out] weight, biases to 0
// Fans of a weight W [in, out]: fan_in = in, fan_out = out (ctgrad's dense is x @ W + b).
//   xavier (Glorot): std = gain * sqrt(2 / (fan_in + fan_out)), uniform bound = std * sqrt(3)
//   he (Kaiming):    std = sqrt(2 / fan_in),                    uniform bound = std * sqrt(3)
#pragma once

#include <ctgrad/expr/tensor.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <type_traits>

namespace ctgrad::init {

/// The random source: 64-bit Mersenne Twister, uniform in [0, 1) from its top 53 bits and
/// normal by Box-Muller.
class rng {
 public:
  /// A source seeded with `seed`: the same numbers on every standard library.
  explicit rng(std::uint64_t seed) : engine_(seed) {}
  /// A uniform number in [0, 1), from the engine's top 53 bits.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// A standard normal number (Box-Muller; every second call uses the spare).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1;
    do u1 = uniform01();
    while (u1 <= 0.0);
    double const u2 = uniform01();
    double const r = std::sqrt(-2.0 * std::log(u1));
    double const pi = 3.14159265358979323846;
    spare_ = r * std::sin(2.0 * pi * u2);
    has_spare_ = true;
    return r * std::cos(2.0 * pi * u2);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

/// Fills t from N(mean, std²).
template <class T, class S> void normal(tensor<T, S>& t, rng& r, double mean, double std) {
  for (auto& v : t) v = static_cast<T>(mean + std * r.normal());
}
/// Fills t uniformly from [lo, hi).
template <class T, class S> void uniform(tensor<T, S>& t, rng& r, double lo, double hi) {
  for (auto& v : t) v = static_cast<T>(lo + (hi - lo) * r.uniform01());
}
/// Sets t to zero.
template <class T, class S> void zeros(tensor<T, S>& t) { t = {}; }

namespace detail {
// A convolution's weight [out, in / groups, kernel...] (PyTorch's layout and fans):
// fan_in = (in / groups) * kernel size, fan_out = out * kernel size.
template <class S> constexpr double fan_in() {
  if constexpr (S::rank >= 3) return double(S::size / S::dims[0]);
  return S::rank == 2 ? double(S::dims[0]) : 1.0;
}
template <class S> constexpr double fan_out() {
  if constexpr (S::rank >= 3) return double(S::size / S::dims[1]);
  return S::rank == 2 ? double(S::dims[1]) : double(S::size);
}
}  // namespace detail

/// Glorot normal: std = gain * sqrt(2 / (fan_in + fan_out)), fans as PyTorch's (a convolution's
/// included).
template <class T, class S> void xavier_normal(tensor<T, S>& t, rng& r, double gain = 1.0) {
  normal(t, r, 0.0, gain * std::sqrt(2.0 / (detail::fan_in<S>() + detail::fan_out<S>())));
}
/// Glorot uniform: bound = gain * sqrt(6 / (fan_in + fan_out)).
template <class T, class S> void xavier_uniform(tensor<T, S>& t, rng& r, double gain = 1.0) {
  double const a = gain * std::sqrt(6.0 / (detail::fan_in<S>() + detail::fan_out<S>()));
  uniform(t, r, -a, a);
}
/// Kaiming normal: std = sqrt(2 / fan_in).
template <class T, class S> void he_normal(tensor<T, S>& t, rng& r) {
  normal(t, r, 0.0, std::sqrt(2.0 / detail::fan_in<S>()));
}
/// Kaiming uniform: bound = sqrt(6 / fan_in).
template <class T, class S> void he_uniform(tensor<T, S>& t, rng& r) {
  double const a = std::sqrt(6.0 / detail::fan_in<S>());
  uniform(t, r, -a, a);
}

// Rules for apply(): how to fill one weight matrix.
/// A rule for init::apply: xavier_normal on each weight.
struct xavier_normal_rule {
  /// Fills one weight.
  template <class T, class S> void operator()(tensor<T, S>& t, rng& r) const {
    xavier_normal(t, r);
  }
};
/// A rule for init::apply: xavier_uniform on each weight.
struct xavier_uniform_rule {
  /// Fills one weight.
  template <class T, class S> void operator()(tensor<T, S>& t, rng& r) const {
    xavier_uniform(t, r);
  }
};
/// A rule for init::apply: he_normal on each weight.
struct he_normal_rule {
  /// Fills one weight.
  template <class T, class S> void operator()(tensor<T, S>& t, rng& r) const { he_normal(t, r); }
};
/// A rule for init::apply: he_uniform on each weight.
struct he_uniform_rule {
  /// Fills one weight.
  template <class T, class S> void operator()(tensor<T, S>& t, rng& r) const { he_uniform(t, r); }
};
/// A rule for init::apply: N(mean, std²) on each weight.
struct normal_rule {
  /// Mean of the normal distribution.
  double mean = 0, std = 1;
  /** \var normal_rule::std
      Standard deviation of the normal distribution. */
  /// Fills one weight.
  template <class T, class S> void operator()(tensor<T, S>& t, rng& r) const {
    normal(t, r, mean, std);
  }
};

namespace detail {
// PyTorch's initial value one: a normalisation layer's scale and running variance, as
// layers/norm.hpp names them: "<prefix>bn<k>.weight", "<prefix>ln<k>.weight",
// "<prefix>bn<k>.running_var".
constexpr bool starts_at_one(std::string_view name) {
  std::string_view stem;
  if (name.ends_with(".weight")) {
    stem = name.substr(0, name.size() - 7);
  } else if (name.ends_with(".running_var")) {
    stem = name.substr(0, name.size() - 12);
  } else {
    return false;
  }
  std::size_t digits = 0;
  while (digits < stem.size() && stem[stem.size() - 1 - digits] >= '0' &&
         stem[stem.size() - 1 - digits] <= '9')
    ++digits;
  stem = stem.substr(0, stem.size() - digits);
  return digits != 0 &&
         (stem.ends_with("bn") || (stem.ends_with("ln") && name.ends_with(".weight")));
}
}  // namespace detail

/// Fills every weight of the set with rule (in the set's order, one rng seeded with seed):
/// rank 2 (dense, [in, out]) and rank 3 or more (convolutions, [out, in / groups, kernel...]);
/// sets normalisation scales ("*.weight", layers/norm.hpp) and running variances to one,
/// every other tensor (biases, running means) to zero, as torch.nn does.
template <class Set, class Rule> void apply(Set& params, std::uint64_t seed, Rule rule) {
  rng r{seed};
  params.for_each([&](auto var, auto& tensor) {
    if constexpr (detail::starts_at_one(decltype(var)::name)) {
      for (auto& v : tensor) v = 1;
    } else if constexpr (std::remove_cvref_t<decltype(tensor)>::shape_type::rank >= 2) {
      rule(tensor, r);
    } else {
      zeros(tensor);
    }
  });
}

}  // namespace ctgrad::init
