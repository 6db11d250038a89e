// SPDX-License-Identifier: BSL-1.0
// Fuzzing io::read_csv (libFuzzer): the input is a CSV file, read with 1, 2 and 3 columns,
// with and without a header line. Either it succeeds, and then it holds rows * columns
// values, one row per line that is not blank (nor the header), and every such line holds
// only characters a number or a separator can have; or it throws io::error naming the file.
// Nothing else: no other exception, crash, sanitizer finding or hang.
#include <ctgrad/io/csv.hpp>

#include "input_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fuzz {

// What strtod may consume (digits, signs, point, exponents, hex, inf, nan(...), leading
// white space), the separator, and the carriage return of a CRLF line end.
inline bool number_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::strchr("+-._() \t\v\f\r,", c) != nullptr;
}

void check(std::string const& text, std::string const& path, std::size_t columns,
           ctgrad::io::header h) {
  ctgrad::io::csv_table t;
  try {
    t = ctgrad::io::read_csv(path, columns, h);
  } catch (ctgrad::io::error const& e) {
    expect_clear_error(e, "ctgrad::io::read_csv");
    ++counts.rejected;
    return;
  }
  ++counts.loaded;
  if (t.columns != columns || t.values.size() != t.rows * columns)
    finding("io::read_csv returned a table whose size is not rows * columns", path);
  std::size_t rows = 0, line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (++line_no == 1 && h == ctgrad::io::header::skip) continue;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++rows;
    for (char c : line)
      if (!number_char(c))
        finding("io::read_csv accepted a line with a character no number has",
                "byte " + std::to_string(static_cast<unsigned char>(c)) + " on line " +
                    std::to_string(line_no));
  }
  if (rows != t.rows) finding("io::read_csv returned another number of rows than lines", path);
}

}  // namespace fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit("csv", "reads");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const& path = fuzz::write_input(data, size);
  std::string const text(reinterpret_cast<char const*>(data), size);
  for (std::size_t columns = 1; columns <= 3; ++columns) {
    fuzz::check(text, path, columns, ctgrad::io::header::none);
    fuzz::check(text, path, columns, ctgrad::io::header::skip);
  }
  return 0;
}
