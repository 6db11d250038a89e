// SPDX-License-Identifier: BSL-1.0
// A Hessian printed as a matrix, one row per line, columns aligned:
//   explain_hessian(x*x*y + exp(y), x, y)
//          x     y
//     x [ 2*y   2*x    ]
//     y [ 2*x   exp(y) ]
// d²f/dxi dxj and d²f/dxj dxi are the same function wherever f is twice differentiable, but
// the reverse sweep derives them along different paths, so their printed forms can differ;
// explain_hessian shows the shorter form in both places (to_matrix_string shows each as
// derived). Names given with named<"..."> print in every entry, and a long sum shared by
// several entries is written once, below the matrix, as s1, s2, ...
#pragma once

#include <ctgrad/engine/derive.hpp>
#include <ctgrad/engine/print.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>

#include <boost/hana/tuple.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace ctgrad {

namespace detail {

inline std::string matrix_lines(std::vector<std::string> const& row_labels,
                                std::vector<std::string> const& column_labels,
                                std::vector<std::vector<std::string>> const& cells) {
  std::size_t const rows = cells.size(), columns = rows == 0 ? 0 : cells[0].size();
  std::size_t label_width = 0;
  for (auto const& l : row_labels) label_width = l.size() > label_width ? l.size() : label_width;
  std::vector<std::size_t> width(columns, 0);
  for (std::size_t j = 0; j < columns; ++j) {
    if (j < column_labels.size()) width[j] = column_labels[j].size();
    for (std::size_t i = 0; i < rows; ++i)
      width[j] = cells[i][j].size() > width[j] ? cells[i][j].size() : width[j];
  }
  auto cell = [&](std::string const& s, std::size_t j) {
    return std::string(s).append(width[j] - s.size(), ' ');
  };
  std::string out;
  if (!column_labels.empty()) {
    std::string line(label_width + (label_width ? 1 : 0) + 2, ' ');
    for (std::size_t j = 0; j < columns; ++j) line.append(cell(column_labels[j], j)).append("   ");
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.append(line).append("\n");
  }
  for (std::size_t i = 0; i < rows; ++i) {
    std::string line;
    if (label_width) {
      std::string const& l = i < row_labels.size() ? row_labels[i] : std::string();
      line.append(l).append(label_width - l.size() + 1, ' ');
    }
    line.append("[ ");
    for (std::size_t j = 0; j < columns; ++j)
      line.append(cell(cells[i][j], j)).append(j + 1 < columns ? "   " : " ");
    out.append(line).append("]\n");
  }
  return out;
}

template <class Scope, class Row> struct row_text;
template <class Scope, class... Es> struct row_text<Scope, boost::hana::tuple<Es...>> {
  static std::vector<std::string> get() { return {print_node<Scope, Es>()...}; }
};

template <class Scope, class Order> struct sum_texts;
template <class Scope, class... Ns> struct sum_texts<Scope, type_list<Ns...>> {
  // Every sum or difference (the infix nodes of precedence 10), as it prints.
  static std::vector<std::string> get() {
    std::vector<std::string> out;
    ((Ns::style.kind == print_style::infix && Ns::style.precedence == 10
          ? out.push_back(print_node<Scope, Ns>())
          : void()),
     ...);
    return out;
  }
};

template <class Rows> struct matrix_text;
template <class... Rows> struct matrix_text<boost::hana::tuple<Rows...>> {
  using scope = order_of_t<typename outputs<boost::hana::tuple<Rows...>>::type>;
  static std::vector<std::vector<std::string>> get() { return {row_text<scope, Rows>::get()...}; }
  static std::vector<std::string> sums() { return sum_texts<scope, scope>::get(); }
};

// A long sum that appears (in parentheses) in two entries or more is named s1, s2, ...
// (longest first) and written out once below the matrix.
inline std::string name_shared_sums(std::vector<std::vector<std::string>>& cells,
                                    std::vector<std::string> sums) {
  constexpr std::size_t long_enough = 20;
  std::sort(sums.begin(), sums.end(),
            [](std::string const& l, std::string const& r) { return l.size() > r.size(); });
  std::string where;
  std::size_t named_count = 0;
  for (std::string const& text : sums) {
    if (text.size() < long_enough) continue;
    std::string const wrapped = std::string("(").append(text).append(")");
    std::size_t uses = 0;
    for (auto const& row : cells)
      for (auto const& c : row) uses += c == text || c.find(wrapped) != std::string::npos;
    if (uses < 2) continue;
    std::string const name = std::string("s").append(std::to_string(++named_count));
    for (auto& row : cells)
      for (auto& c : row) {
        if (c == text) c = name;
        for (std::size_t at = c.find(wrapped); at != std::string::npos;
             at = c.find(wrapped, at + name.size()))
          c.replace(at, wrapped.size(), name);
      }
    where.append(where.empty() ? "where " : "      ")
        .append(name)
        .append(" = ")
        .append(text)
        .append("\n");
  }
  return where;
}

}  // namespace detail

/// A tuple of rows of expressions (from hessian) as a matrix, each entry as derived.
template <class... Rows> std::string to_matrix_string(boost::hana::tuple<Rows...> const&) {
  return detail::matrix_lines({}, {}, detail::matrix_text<boost::hana::tuple<Rows...>>::get());
}

/// A matrix of numbers (eval of a hessian) with printf's format, "%.6g" by default.
template <class T, std::size_t R, std::size_t C>
std::string to_matrix_string(std::array<std::array<T, C>, R> const& m,
                             char const* format = "%.6g") {
  std::vector<std::vector<std::string>> cells(R, std::vector<std::string>(C));
  for (std::size_t i = 0; i < R; ++i)
    for (std::size_t j = 0; j < C; ++j) {
      char buffer[40];
      std::snprintf(buffer, sizeof buffer, format, static_cast<double>(m[i][j]));
      cells[i][j] = buffer;
    }
  return detail::matrix_lines({}, {}, cells);
}

/// The Hessian of f with respect to the variables xs as a labelled matrix; each mixed entry
/// and its mirror show the shorter of their two derived forms.
template <Expression F, class... Xs> std::string explain_hessian(F f, Xs... xs) {
  auto cells = detail::matrix_text<decltype(hessian(f, xs...))>::get();
  for (std::size_t i = 0; i < cells.size(); ++i)
    for (std::size_t j = i + 1; j < cells.size(); ++j) {
      std::string& upper = cells[i][j];
      std::string& lower = cells[j][i];
      if (lower.size() < upper.size()) {
        upper = lower;
      } else {
        lower = upper;
      }
    }
  std::string const where =
      detail::name_shared_sums(cells, detail::matrix_text<decltype(hessian(f, xs...))>::sums());
  std::vector<std::string> const labels{std::string(Xs::name)...};
  return detail::matrix_lines(labels, labels, cells).append(where);
}

}  // namespace ctgrad
