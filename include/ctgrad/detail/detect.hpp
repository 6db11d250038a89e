// SPDX-License-Identifier: BSL-1.0
// Whether a type has a member, asked without a requires-expression:
//   detected_v<Probe, Ts...>   true when the alias Probe<Ts...> names a type
//                              (e.g. template <class N> using cache_size_of =
//                              decltype(N::cache_size))
// clang 14 keeps the reason a requirement of a requires-expression or a concept failed as
// text: it prints the diagnostic, with the full name of the type it was checking, into a
// string, every time. A node's name is as long as its subtree, and the engine asks such
// questions of every node (does it have its own forward loop? its own backward step?), so
// the printing cost the square of the formula: 40% of clang's time on a 128-deep nest
// (`perf`: clang::QualType::print under Diagnostic::FormatDiagnostic, called from
// CheckConstraintSatisfaction). A failed match of a partial specialisation keeps its
// diagnostic unprinted; with these probes the 128-deep nest went 14.5 -> 7.2 s.
// Ask through detected_v (or an own partial specialisation) wherever the type is a node, a
// graph's order, or anything else as long as a formula.
#pragma once

#include <type_traits>

namespace ctgrad::detail {

template <class Void, template <class...> class Probe, class... Ts>
struct detect : std::false_type {};
template <template <class...> class Probe, class... Ts>
struct detect<std::void_t<Probe<Ts...>>, Probe, Ts...> : std::true_type {};

/// True when Probe<Ts...> is a valid type (std::experimental::is_detected).
template <template <class...> class Probe, class... Ts>
inline constexpr bool detected_v = detect<void, Probe, Ts...>::value;

}  // namespace ctgrad::detail
