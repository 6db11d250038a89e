// SPDX-License-Identifier: BSL-1.0
// identity:    a = z  (the "no activation" of a linear output layer)
// chain rule:  dz = da
// It adds no node: identity(z) is z itself, so it costs nothing forward or backward.
#pragma once

#include <ctgrad/expr/node.hpp>

namespace ctgrad {

/// z unchanged.
template <Expression Z> constexpr Z identity(Z z) { return z; }

}  // namespace ctgrad
