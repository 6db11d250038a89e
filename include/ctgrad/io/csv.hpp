// SPDX-License-Identifier: BSL-1.0
// A numeric CSV table with a known number of columns (comma-separated, one row per line,
// an optional header line, blank lines ignored):
//   auto t = io::read_csv("data.csv", 3, io::header::skip);   // t.rows, t.values (row-major)
// Every problem (missing file, a row with another number of fields, a field that is not a
// number) throws io::error naming the file, the line and, for a bad field, the column.
#pragma once

#include <ctgrad/io/file.hpp>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace ctgrad::io {

/// Whether read_csv skips a header line (`header::skip`) or reads every line as numbers.
enum class header { none, skip };

namespace detail {
/// text for an error message: control bytes (a NUL would end what()) as \xNN.
inline std::string printable(std::string const& text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (char ch : text) {
    auto const c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    } else {
      s += static_cast<char>(c);
    }
  }
  return s;
}
}  // namespace detail

/// A numeric table read by read_csv: `t(r, c)` is row r, column c.
struct csv_table {
  /// Number of rows (lines holding numbers).
  std::size_t rows = 0;
  /// Number of columns, as given to read_csv.
  std::size_t columns = 0;
  std::vector<double> values;  ///< rows * columns, row-major
  /// The value at row r, column c.
  double operator()(std::size_t r, std::size_t c) const { return values[r * columns + c]; }
};

/// Reads a numeric CSV file of `columns` comma-separated numbers per line (blank lines
/// ignored), skipping a header line with `header::skip`.
/// Example: `auto t = io::read_csv("data.csv", 3, io::header::skip);` (t.rows, t(r, c), t.values)
/// \throws io::error naming the file, the line and, for a bad field, the column: a missing
/// file, a row with another number of fields, a field that is not a number.
inline csv_table read_csv(std::string const& path, std::size_t columns, header h = header::none) {
  auto const b = detail::read_file(path, "ctgrad::io::read_csv");
  std::string const text(b.begin(), b.end());
  csv_table t;
  t.columns = columns;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && h == header::skip) continue;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::size_t field = 0, start = 0;
    while (true) {
      std::size_t const comma = line.find(',', start);
      std::string const cell =
          line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (field < columns) {
        char const* first = cell.c_str();
        char* last = nullptr;
        errno = 0;
        double const v = std::strtod(first, &last);
        // The rest of the cell, to its end: strtod stops at a NUL byte, which is no number.
        std::string_view const rest(last, static_cast<std::size_t>(first + cell.size() - last));
        bool const blank_rest = rest.find_first_not_of(" \t") == std::string_view::npos;
        if (last == first || !blank_rest || errno == ERANGE)
          throw error("ctgrad::io::read_csv(\"" + path + "\"): line " + std::to_string(line_no) +
                      ", column " + std::to_string(field + 1) + ": \"" + detail::printable(cell) +
                      "\" is not a number");
        t.values.push_back(v);
      }
      ++field;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (field != columns)
      throw error("ctgrad::io::read_csv(\"" + path + "\"): line " + std::to_string(line_no) +
                  " has " + std::to_string(field) + " fields, expected " + std::to_string(columns));
    ++t.rows;
  }
  return t;
}

}  // namespace ctgrad::io
