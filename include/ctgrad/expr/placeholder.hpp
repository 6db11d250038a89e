// SPDX-License-Identifier: BSL-1.0
// Placeholders: the leaves of a rule or of an abstract node, standing for values the
// engine supplies. slot_node<K, S> is the K-th input of the node a rule belongs to,
// upstream_node<S> the adjoint flowing into it (dL/d(output)). engine/abstract.hpp builds
// nodes over them; the runtime tape instantiates primitives' forward code on them.
#pragma once

#include <ctgrad/expr/node.hpp>

#include <cstddef>
#include <string>

namespace ctgrad {

/// The value of the K-th input of the node a rule belongs to.
template <std::size_t K, class Shape> struct slot_node : node<> {
  using shape = Shape;
  static constexpr std::size_t index = K;
  static constexpr print_style style{print_style::leaf};
  static std::string label() {
    std::string s = "#";  // not "#" + to_string(K): g++ 12 -O2 gives a false -Wrestrict
    return s.append(std::to_string(K));
  }
};

/// The adjoint flowing into the node a rule belongs to (dL/d(output)).
template <class Shape> struct upstream_node : node<> {
  using shape = Shape;
  static constexpr print_style style{print_style::leaf};
  static std::string label() { return "#up"; }
};

template <class T> inline constexpr bool is_slot_v = false;
template <std::size_t K, class S> inline constexpr bool is_slot_v<slot_node<K, S>> = true;
template <class T> inline constexpr bool is_upstream_v = false;
template <class S> inline constexpr bool is_upstream_v<upstream_node<S>> = true;

}  // namespace ctgrad
