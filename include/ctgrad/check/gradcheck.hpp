// SPDX-License-Identifier: BSL-1.0
// Gradient checking, the lesson's way: compare the derived gradient with a numerical one.
//   auto n = ctgrad::check::numeric_grad(loss, params, X = x, Y = y);   central, h = 1e-6
//   double e = ctgrad::check::relative_error(g, n);         ||a - n|| / (||a|| + ||n||)
//   auto r = ctgrad::check::gradcheck(loss, params, X = x, Y = y);   r.ok(1e-5), std::cout << r
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

#include <cmath>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string_view>
#include <tuple>

namespace ctgrad::check {

enum class difference {
  forward,  // (f(w + h) - f(w)) / h          error O(h)
  central,  // (f(w + h) - f(w - h)) / (2h)   error O(h^2)
};

struct options {
  double step = 1e-6;
  difference method = difference::central;
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
    for (std::size_t idx = 0; idx < S::size; ++idx) t.data[idx] = static_cast<double>(source.value->data[idx]);
  }
  promoted(promoted const&) = delete;
  binding<Var, tensor<double, S> const*> const& get() const { return b; }
};
template <class T, class... Vs> struct promoted<var_set<T, Vs...>> {
  var_set<double, Vs...> s{};
  explicit promoted(var_set<T, Vs...> const& from) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      ((copy(from.template get<Is>(), s.template get<Is>())), ...);
    }(std::index_sequence_for<Vs...>{});
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
  }(std::index_sequence_for<Vars...>{});
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
  }(std::index_sequence_for<Vs...>{});
  double const den = std::sqrt(na) + std::sqrt(nn);
  return den == 0 ? 0.0 : std::sqrt(d) / den;
}

/// What gradcheck found: the worst parameter (by relative error of its tensor) and, in
/// it, the entry with the largest difference.
struct report {
  double max_relative_error = 0;  // of the worst parameter
  std::string_view worst_parameter{};
  std::size_t worst_entry = 0;
  double analytic = 0, numeric = 0;  // at the worst entry
  std::size_t entries_checked = 0;
  bool ok(double tolerance) const { return max_relative_error < tolerance; }
  friend std::ostream& operator<<(std::ostream& os, report const& r) {
    return os << "gradcheck: " << r.entries_checked << " entries, worst relative error "
              << r.max_relative_error << " in " << r.worst_parameter << " (entry "
              << r.worst_entry << ": analytic " << r.analytic << ", numeric " << r.numeric
              << ")";
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
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    (
        [&] {
          // A buffer (batch norm's running statistics) is state without a gradient, as in
          // torch (requires_grad=False): its derived gradient is zero by definition.
          if constexpr (is_buffer_v<ctgrad::detail::at_t<Is, ctgrad::detail::type_list<Vars...>>>) return;
          auto const& an = analytic->template get<Is>();
          auto const& nu = numeric.template get<Is>();
          rep.entries_checked += an.size;
          double const err = relative_error(an, nu);
          if (err < rep.max_relative_error || (Is != 0 && err == rep.max_relative_error)) return;
          rep.max_relative_error = err;
          rep.worst_parameter = ctgrad::detail::at_t<Is, ctgrad::detail::type_list<Vars...>>::name;
          double worst = -1;
          for (std::size_t idx = 0; idx < an.size; ++idx) {
            double const diff = std::abs(static_cast<double>(an.data[idx]) - nu.data[idx]);
            if (diff > worst) {
              worst = diff;
              rep.worst_entry = idx;
              rep.analytic = static_cast<double>(an.data[idx]);
              rep.numeric = nu.data[idx];
            }
          }
        }(),
        ...);
  }(std::index_sequence_for<Vars...>{});
  return rep;
}

template <Expression Loss, class T, class... Vars, class... Sources>
report gradcheck(Loss loss, var_set<T, Vars...> const& wrt, Sources const&... sources) {
  return gradcheck(loss, wrt, options{}, sources...);
}

}  // namespace ctgrad::check
