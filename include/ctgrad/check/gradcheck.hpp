// SPDX-License-Identifier: BSL-1.0
// Gradient checking, the lesson's way: compare the derived gradient with a numerical one.
//   auto n = ctgrad::check::numeric_grad(loss, params, X = x, Y = y);   central, h = 1e-6
//   double e = ctgrad::check::relative_error(g, n);         ||a - n|| / (||a|| + ||n||)
//   auto r = ctgrad::check::gradcheck(loss, params, X = x, Y = y);   r.ok(), std::cout << r
// Two criteria, each with an absolute floor so that a gradient entry that is zero in truth
// (analytic -5.6e-17, numeric -2.2e-10: both rounding) cannot fail a check:
// - r.ok(): every entry within |analytic - numeric| <= atol + rtol * |numeric| (PyTorch's
//   gradcheck and its defaults, atol 1e-5 and rtol 1e-3; set them in options);
// - r.ok(tolerance): the lesson's relative error ||a - n|| / (||a|| + ||n||) of each
//   parameter below tolerance, except for a parameter whose gradient is zero within atol
//   (every |analytic| and |numeric| <= atol: its relative error compares rounding with
//   rounding, and is about 1 for such a gradient). A gradient of any larger size is still held
//   to the relative tolerance, however small the tolerance.
// r.failure(tolerance) says in words which criterion failed, and where.
// The numerical gradient is computed in double whatever the network's element type (the
// parameters and inputs are converted), so a float network is checked against differences
// that are not swamped by float rounding. It costs 2 forward passes per parameter entry
// (1 + 1 per entry with forward differences): the O(P) cost the lesson contrasts with one
// backward pass.
// Buffers (ctgrad::buffer: batch norm's running statistics) have no gradient and are not checked.
#pragma once

#include <ctgrad/engine/backprop.hpp>
#include <ctgrad/engine/evaluate.hpp>
#include <ctgrad/expr/var_set.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>

namespace ctgrad::check {

/// How numeric_grad differentiates numerically.
enum class difference {
  forward,  ///< (f(w + h) - f(w)) / h          error O(h)
  central,  ///< (f(w + h) - f(w - h)) / (2h)   error O(h^2)
};

/// Step and method of numeric_grad and gradcheck (central differences, h = 1e-6, by default).
struct options {
  /// The step h added to and subtracted from each parameter entry.
  double step = 1e-6;
  /// Central (error O(h²), two evaluations per entry) or forward (O(h), one) differences.
  difference method = difference::central;
  double atol = 1e-5;  ///< gradcheck's absolute floor (PyTorch's default)
  double rtol = 1e-3;  ///< and its relative part: |a - n| <= atol + rtol * |n| (PyTorch's)
};

namespace detail {
// A source converted to double: owns the converted values and rebinds them.
template <class Src> struct promoted;
template <class Var, class V> struct promoted<binding<Var, V>> {
  binding<Var, double> b;
  explicit promoted(binding<Var, V> const& s) : b{static_cast<double>(s.value)} {}
  binding<Var, double> const& get() const { return b; }
};
template <class Var, class T, class S> struct promoted<binding<Var, tensor<T, S> const*>> {
  tensor<double, S> t{};
  binding<Var, tensor<double, S> const*> b{&t};
  explicit promoted(binding<Var, tensor<T, S> const*> const& source) {
    for (std::size_t idx = 0; idx < S::size; ++idx)
      t.data[idx] = static_cast<double>(source.value->data[idx]);
  }
  promoted(promoted const&) = delete;
  binding<Var, tensor<double, S> const*> const& get() const { return b; }
};
template <class T, class... Vs> struct promoted<var_set<T, Vs...>> {
  var_set<double, Vs...> s{};
  explicit promoted(var_set<T, Vs...> const& from) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      ((copy(from.template get<Is>(), s.template get<Is>())), ...);
    }
    (std::index_sequence_for<Vs...>{});
  }
  template <class A, class B> static void copy(A const& a, B& b) {
    for (std::size_t i = 0; i < a.size; ++i) b.data[i] = static_cast<double>(a.data[i]);
  }
  var_set<double, Vs...> const& get() const { return s; }
};

}  // namespace detail

/// The numerical gradient of loss with respect to every variable of wrt (which is also the
/// source of their values), in double.
template <Expression Loss, class T, class... Vars, class... Sources>
auto numeric_grad(Loss loss, var_set<T, Vars...> const& wrt, options const& opt,
                  Sources const&... sources) {
  using set_t = var_set<double, Vars...>;
  // Heap-held: a 784x128 network's sets are hundreds of kB; this is a test tool, not grad.
  auto point = std::make_unique<detail::promoted<var_set<T, Vars...>>>(wrt);
  auto result = std::make_unique<set_t>();
  std::tuple<std::unique_ptr<detail::promoted<Sources>>...> const others{
      std::make_unique<detail::promoted<Sources>>(sources)...};
  auto f = [&] {
    return std::apply([&](auto const&... o) { return eval(loss, point->s, o->get()...); }, others);
  };
  double const f0 = opt.method == difference::forward ? f() : 0.0;
  double const h = opt.step;
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    (
        [&] {
          auto& wt = point->s.template get<Is>();
          auto& gt = result->template get<Is>();
          for (std::size_t idx = 0; idx < wt.size; ++idx) {
            double const old = wt.data[idx];
            wt.data[idx] = old + h;
            double const up = f();
            if (opt.method == difference::central) {
              wt.data[idx] = old - h;
              gt.data[idx] = (up - f()) / (2 * h);
            } else {
              gt.data[idx] = (up - f0) / h;
            }
            wt.data[idx] = old;
          }
        }(),
        ...);
  }
  (std::index_sequence_for<Vars...>{});
  return *result;
}

/// The same with the default options (central differences, h = 1e-6).
template <Expression Loss, class T, class... Vars, class... Sources>
auto numeric_grad(Loss loss, var_set<T, Vars...> const& wrt, Sources const&... sources) {
  return numeric_grad(loss, wrt, options{}, sources...);
}

/// ||a - n|| / (||a|| + ||n||) over all entries; 0 when both are zero.
template <class A, class N> double relative_error(A const& a, N const& n) {
  static_assert(A::size == N::size, "ctgrad::check::relative_error(a, n): sizes differ");
  double d = 0, na = 0, nn = 0;
  for (std::size_t i = 0; i < A::size; ++i) {
    double const x = static_cast<double>(a.data[i]);
    double const y = static_cast<double>(n.data[i]);
    d += (x - y) * (x - y);
    na += x * x;
    nn += y * y;
  }
  double const den = std::sqrt(na) + std::sqrt(nn);
  return den == 0 ? 0.0 : std::sqrt(d) / den;
}

/// Relative error of two gradient sets over all their entries together.
template <class T, class U, class... Vs>
double relative_error(var_set<T, Vs...> const& a, var_set<U, Vs...> const& n) {
  double d = 0, na = 0, nn = 0;
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    (
        [&] {
          auto const& x = a.template get<Is>();
          auto const& y = n.template get<Is>();
          for (std::size_t i = 0; i < x.size; ++i) {
            double const p = static_cast<double>(x.data[i]);
            double const q = static_cast<double>(y.data[i]);
            d += (p - q) * (p - q);
            na += p * p;
            nn += q * q;
          }
        }(),
        ...);
  }
  (std::index_sequence_for<Vs...>{});
  double const den = std::sqrt(na) + std::sqrt(nn);
  return den == 0 ? 0.0 : std::sqrt(d) / den;
}

/// What gradcheck found (see the top for the two criteria).
struct report {
  /// The worst relative error of a parameter (its whole tensor) among those whose gradient
  /// is not zero within atol; 0 when none is.
  double max_relative_error = 0;
  /// The name of the parameter whose tensor has the largest relative error.
  std::string_view worst_parameter{};
  std::size_t worst_entry = 0;      ///< in worst_parameter: the largest |analytic - numeric|
  double analytic = 0;              ///< the derived gradient at worst_entry
  double numeric = 0;               ///< the numerical gradient at worst_entry
  std::size_t entries_checked = 0;  ///< how many parameter entries were compared
  double atol = 0;                  ///< as given in options
  double rtol = 0;                  ///< as given in options
  /// Entries outside |a - n| <= atol + rtol * |n|.
  std::size_t entries_outside = 0;
  /// The entry furthest outside (by (|a - n| - bound) / bound): its parameter, index and values.
  std::string_view outside_parameter{};
  std::size_t outside_entry = 0;  ///< row-major index in outside_parameter
  double outside_analytic = 0;    ///< the derived gradient there
  double outside_numeric = 0;     ///< the numerical gradient there

  /// PyTorch's criterion: every entry within atol + rtol * |numeric|.
  bool ok() const { return entries_outside == 0; }
  /// The lesson's criterion: relative error below tolerance (with the floor, see the top).
  bool ok(double tolerance) const { return max_relative_error < tolerance; }
  /// "" when both criteria hold, else which failed and where, with the numbers.
  std::string failure(double tolerance) const {
    std::string why;
    if (!ok(tolerance))
      why += "relative error " + text(max_relative_error) + " of " + std::string(worst_parameter) +
             " is not below " + text(tolerance) + " (largest difference at entry " +
             std::to_string(worst_entry) + ": analytic " + text(analytic) + ", numeric " +
             text(numeric) + ")";
    if (!ok()) {
      if (!why.empty()) why += "; ";
      why += std::to_string(entries_outside) + " of " + std::to_string(entries_checked) +
             " entries outside |analytic - numeric| <= atol + rtol * |numeric|, furthest " +
             std::string(outside_parameter) + "[" + std::to_string(outside_entry) + "]: analytic " +
             text(outside_analytic) + ", numeric " + text(outside_numeric) + ", |difference| " +
             text(std::abs(outside_analytic - outside_numeric)) + " > " + text(atol) + " + " +
             text(rtol) + " * " + text(std::abs(outside_numeric)) + " = " +
             text(atol + rtol * std::abs(outside_numeric));
    }
    return why;
  }
  /// Prints the report on one line: entries checked, the worst relative error and where, and
  /// the entries outside atol + rtol * |numeric|.
  friend std::ostream& operator<<(std::ostream& os, report const& r) {
    os << "gradcheck: " << r.entries_checked << " entries, worst relative error "
       << r.max_relative_error;
    if (!r.worst_parameter.empty())
      os << " in " << r.worst_parameter << " (entry " << r.worst_entry << ": analytic "
         << r.analytic << ", numeric " << r.numeric << ")";
    os << "; " << r.entries_outside << " outside atol " << r.atol << " + rtol " << r.rtol
       << " * |numeric|";
    if (r.entries_outside != 0)
      os << " (furthest " << r.outside_parameter << "[" << r.outside_entry << "]: analytic "
         << r.outside_analytic << ", numeric " << r.outside_numeric << ")";
    return os;
  }

 private:
  static std::string text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
  }
};

/// Derived gradient (grad) against the numerical one, parameter by parameter.
template <Expression Loss, class T, class... Vars, class... Sources>
report gradcheck(Loss loss, var_set<T, Vars...> const& wrt, options const& opt,
                 Sources const&... sources) {
  auto analytic = std::make_unique<var_set<T, Vars...>>();
  grad_into(loss, *analytic, wrt, sources...);
  auto const numeric = numeric_grad(loss, wrt, opt, sources...);
  report rep;
  rep.atol = opt.atol;
  rep.rtol = opt.rtol;
  double furthest = 0;  // (|a - n| - bound) / bound of the furthest entry outside
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    (
        [&] {
          // A buffer (batch norm's running statistics) is state without a gradient, as in
          // torch (requires_grad=False): its derived gradient is zero by definition.
          if constexpr (is_buffer_v<ctgrad::detail::at_t<Is, ctgrad::detail::type_list<Vars...>>>)
            return;
          std::string_view const param_name =
              ctgrad::detail::at_t<Is, ctgrad::detail::type_list<Vars...>>::name;
          auto const& an = analytic->template get<Is>();
          auto const& nu = numeric.template get<Is>();
          rep.entries_checked += an.size;
          double largest = -1;   // |a - n|
          double magnitude = 0;  // max |a|, |n|
          std::size_t at = 0;
          for (std::size_t idx = 0; idx < an.size; ++idx) {
            double const a_v = static_cast<double>(an.data[idx]);
            double const n_v = nu.data[idx];
            double const diff = std::abs(a_v - n_v);
            magnitude = std::max({magnitude, std::abs(a_v), std::abs(n_v)});
            if (diff > largest) {
              largest = diff;
              at = idx;
            }
            double const bound = opt.atol + opt.rtol * std::abs(n_v);
            // !(diff <= bound): a NaN is outside too.
            if (!(diff <= bound)) {
              ++rep.entries_outside;
              double const by = bound > 0 ? (diff - bound) / bound : diff;
              if (rep.entries_outside == 1 || !(by <= furthest)) {
                furthest = by;
                rep.outside_parameter = param_name;
                rep.outside_entry = idx;
                rep.outside_analytic = a_v;
                rep.outside_numeric = n_v;
              }
            }
          }
          if (magnitude <= opt.atol) return;  // zero within the floor: rounding against rounding
          double const err = relative_error(an, nu);
          if (!rep.worst_parameter.empty() && !(err > rep.max_relative_error)) return;
          rep.max_relative_error = err;
          rep.worst_parameter = param_name;
          rep.worst_entry = at;
          rep.analytic = static_cast<double>(an.data[at]);
          rep.numeric = nu.data[at];
        }(),
        ...);
  }
  (std::index_sequence_for<Vars...>{});
  return rep;
}

template <Expression Loss, class T, class... Vars, class... Sources>
/// gradcheck with the default options: central differences, h = 1e-6.
/// Example: `auto r = ctgrad::check::gradcheck(loss, params, X = x, Y = y);   if (!r.ok(1e-5)) ...`
report gradcheck(Loss loss, var_set<T, Vars...> const& wrt, Sources const&... sources) {
  return gradcheck(loss, wrt, options{}, sources...);
}

}  // namespace ctgrad::check
