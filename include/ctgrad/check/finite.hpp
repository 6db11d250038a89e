// SPDX-License-Identifier: BSL-1.0
// Finding where values went non-finite (inf or NaN), by name:
//   auto r = ctgrad::check::first_non_finite(grads);   // r.name == "W1", r.index == 3
//   if (!r) std::cerr << to_string(r) << '\n';           // "W1[3] = nan"
//   ctgrad::check::check_finite(params, "params");     // throws: "... params: W1[3] = inf"
//   if (!ctgrad::check::all_finite(grads)) ...          // the fast test, for every step
// Variables are scanned in the set's order, the entries of each in row-major order; the
// first non-finite entry is reported. No allocation unless check_finite throws.
#pragma once

#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/math/elementary.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace ctgrad::check {

/// Where the first non-finite entry of a var_set is: the variable's name, the entry's
/// row-major index and its value. Converts to true when every entry is finite.
struct finite_report {
  /// True when every entry is finite (then the other fields are empty).
  bool finite = true;
  std::string_view name{};  ///< the variable's name (a string literal of its type)
  std::size_t index = 0;    ///< row-major index inside that variable's tensor
  double value = 0;         ///< the non-finite value found there
  /// True when every entry is finite: `if (auto r = check::first_non_finite(grads); !r) ...`.
  constexpr explicit operator bool() const { return finite; }
};

/// "W1[3] = nan", or "all finite".
inline std::string to_string(finite_report const& r) {
  if (r.finite) return "all finite";
  double const v = r.value;
  std::string const value = v != v ? "nan" : v > 0 ? "inf" : "-inf";
  return std::string(r.name) + '[' + std::to_string(r.index) + "] = " + value;
}

/// Whether every entry of s is finite. An entry is inf or NaN exactly when its exponent bits
/// are all ones; testing them with integer operations and OR-ing the results, with no early
/// exit, lets the compiler vectorise the loop, so a training loop can afford it every step
/// (first_non_finite, which stops at the first, does not vectorise: it is for the report).
template <class T, class... Vars> constexpr bool all_finite(var_set<T, Vars...> const& s) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "ctgrad::check::all_finite: float or double");
  using bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  bits bad = 0;
  s.for_each([&bad](auto, auto const& tensor) {
    bits const exponent = static_cast<bits>(sizeof(T) == 4 ? 0x7f800000ull : 0x7ff0000000000000ull);
    bits found = 0;
    for (T const value : tensor.data) found |= (std::bit_cast<bits>(value) & exponent) == exponent;
    bad |= found;
  });
  return bad == 0;
}

/// The first non-finite entry of s, or a report that converts to true.
template <class T, class... Vars>
constexpr finite_report first_non_finite(var_set<T, Vars...> const& s) {
  finite_report r;
  s.for_each([&r](auto var, auto const& tensor) {
    if (!r.finite) return;
    for (std::size_t entry = 0; entry < tensor.data.size(); ++entry) {
      T const value = tensor.data[entry];
      if (math::ct::isnan(value) || math::ct::isinf(value)) {
        r = {false, decltype(var)::name, entry, static_cast<double>(value)};
        return;
      }
    }
  });
  return r;
}

/// Throws std::runtime_error naming the first non-finite entry of s ("ctgrad::check_finite:
/// grads: W1[3] = nan"); what says which set it is.
template <class T, class... Vars>
void check_finite(var_set<T, Vars...> const& s, std::string_view what = "values") {
  finite_report const r = first_non_finite(s);
  if (r) return;
  throw std::runtime_error("ctgrad::check_finite: " + std::string(what) + ": " + to_string(r));
}

}  // namespace ctgrad::check
