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
  /// The input's shape.
  using shape = Shape;
  /// Which input of the node: K.
  static constexpr std::size_t index = K;
  /// A slot prints as `#K`.
  static constexpr print_style style{print_style::leaf};
  /// `"#K"`.
  static std::string label() {
    std::string s = "#";  // not "#" + to_string(K): g++ 12 -O2 gives a false -Wrestrict
    return s.append(std::to_string(K));
  }
};

/// The adjoint flowing into the node a rule belongs to (dL/d(output)).
template <class Shape> struct upstream_node : node<> {
  /// The shape of the node's output, and of its adjoint.
  using shape = Shape;
  /// The upstream adjoint prints as `#up`.
  static constexpr print_style style{print_style::leaf};
  /// `"#up"`.
  static std::string label() { return "#up"; }
};

/// True when T is a slot_node.
template <class T> inline constexpr bool is_slot_v = false;
/// True: a slot_node.
template <std::size_t K, class S> inline constexpr bool is_slot_v<slot_node<K, S>> = true;
/// True when T is an upstream_node.
template <class T> inline constexpr bool is_upstream_v = false;
/// True: an upstream_node.
template <class S> inline constexpr bool is_upstream_v<upstream_node<S>> = true;

}  // namespace ctgrad
