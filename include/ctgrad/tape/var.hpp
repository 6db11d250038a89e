// SPDX-License-Identifier: BSL-1.0
// var<T, Shape>: a handle on one tensor recorded on a tape: which tape, which node, and the
// tape's generation when it was made (a handle kept across recorder::clear() is stale and
// is refused, not read). The shape is static, as in ctgrad: an operation on handles picks
// the fixed-size kernel at compile time, while the tape records the operation at run time.
//   ctgrad::tape::var<float, ctgrad::shape<32, 784>> x = t.input(batch);
#pragma once

#include <ctgrad/expr/shape.hpp>

#include <cstdint>

namespace ctgrad::tape {

template <class T> class recorder;

/// A handle on one tensor recorded on a tape: which tape, which node, and the tape's generation (a
/// handle kept across clear() is refused).
/// Example: `tape::var<float, shape<32, 784>> x = t.input(batch);`
template <class T, class Shape> class var {
 public:
  /// The element type.
  using value_type = T;
  /// The shape, static as in ctgrad.
  using shape_type = Shape;

  /// An empty handle (no tape); using it in an operation throws std::logic_error.
  var() = default;
  /// A handle on node id of tape, made in generation `generation` (by the recorder).
  var(recorder<T>* tape, std::uint32_t id, std::uint32_t generation)
      : tape_(tape), id_(id), generation_(generation) {}

  /// The tape, or nullptr for an empty handle.
  recorder<T>* tape() const { return tape_; }
  /// The node's id on the tape.
  std::uint32_t id() const { return id_; }
  /// The tape's generation when the handle was made.
  std::uint32_t generation() const { return generation_; }

 private:
  recorder<T>* tape_ = nullptr;
  std::uint32_t id_ = 0;
  std::uint32_t generation_ = 0;
};

/// A recorded scalar (a 0-d tensor).
template <class T> using scalar = var<T, shape<>>;

}  // namespace ctgrad::tape
