// SPDX-License-Identifier: BSL-1.0
// concat<Axis>(a, b, ...):  the inputs side by side along Axis (torch.cat(dim=Axis)); every
//                           other dimension equal; that axis's length is the sum of theirs
// chain rule:               d(input k) = slice of dc along Axis at input k's place
#pragma once

#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/blocks.hpp>
#include <ctgrad/ops/slice.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace ctgrad {

namespace detail {
// Where each input starts along the axis: offsets[k] = sum of the lengths before input k.
template <std::size_t Axis, class... As> struct concat_layout {
  static constexpr auto offsets = [] {
    std::array<std::size_t, sizeof...(As) + 1> o{};
    std::size_t const length[] = {shape_of_t<As>::dims[Axis]...};
    for (std::size_t k = 0; k < sizeof...(As); ++k) o[k + 1] = o[k] + length[k];
    return o;
  }();
};
}  // namespace detail

/// The node of concat<Axis>(a, b, ...): the inputs side by side along Axis.
template <class Axis, class... As> struct concat_node : node<As...> {
  /// Where each input starts along Axis (an internal table).
  using layout = detail::concat_layout<Axis::value, As...>;
  /// The shape of the first input, whose other axes every input shares.
  using first = shape_of_t<detail::at_t<0, detail::type_list<As...>>>;
  /// Shape of the node's value (this header's shape rule).
  using shape = with_axis_t<Axis::value, layout::offsets[sizeof...(As)], first>;
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::axis_view<Axis::value, shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "concat"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T, class... In>
  static constexpr void forward_into(T* out, In const*... in) {
    put_all<Acc>(std::make_index_sequence<sizeof...(As)>{}, out, in...);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(As..., concat_node, auto dc) {
    return slices(std::make_index_sequence<sizeof...(As)>{}, dc);
  }

 private:
  template <bool Acc, std::size_t... K, class T, class... In>
  static constexpr void put_all(std::index_sequence<K...>, T* out, In const*... in) {
    (kernels::put_block<Acc, view::outer, view::n, layout::offsets[K],
                        layout::offsets[K + 1] - layout::offsets[K], view::inner>(out, in),
     ...);
  }
  template <std::size_t... K, class DC>
  static constexpr auto slices(std::index_sequence<K...>, DC) {
    return make_adjoints(
        slice_node<DC, Axis, index_c<layout::offsets[K]>, index_c<layout::offsets[K + 1]>>{}...);
  }
};

/// True when shapes agree in rank and in every dimension but Axis (< rank).
template <std::size_t Axis, class S, class... Ss>
inline constexpr bool concat_shapes_fit_v = [] {
  if constexpr (Axis >= S::rank || ((Ss::rank != S::rank) || ...)) {
    return false;
  } else {
    bool ok = true;
    for (std::size_t a = 0; a < S::rank; ++a)
      if (a != Axis) ((ok = ok && Ss::dims[a] == S::dims[a]), ...);
    return ok;
  }
}();

/// The inputs side by side along Axis: concat<1>(a, b) is torch.cat([a, b], dim=1).
template <std::size_t Axis, Expression A, Expression... As> constexpr auto concat(A a, As...) {
  if constexpr (!concat_shapes_fit_v<Axis, shape_of_t<A>, shape_of_t<As>...>) {
    static_assert(concat_shapes_fit_v<Axis, shape_of_t<A>, shape_of_t<As>...>,
                  "ctgrad::concat<Axis>(a, b, ...): concat of mismatched shapes: the inputs must "
                  "have the same rank and equal dimensions except along Axis");
    return invalid_expression{};
  } else if constexpr (sizeof...(As) == 0) {
    return a;
  } else {
    return concat_node<index_c<Axis>, A, As...>{};
  }
}

}  // namespace ctgrad
