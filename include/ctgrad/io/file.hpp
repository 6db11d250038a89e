// SPDX-License-Identifier: BSL-1.0
// What every ctgrad reader and writer shares: io::error, the exception each of them throws
// with the file's name and the problem in its message, and reading a whole file.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctgrad::io {

/// The exception of every io function: what() names the function, the file and the problem.
struct error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
/// The bytes of path; who (e.g. "ctgrad::io::load") starts the message of any error.
inline std::vector<unsigned char> read_file(std::string const& path, char const* who) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    throw error(std::string(who) + "(\"" + path + "\"): cannot open: " + std::strerror(errno));
  std::vector<unsigned char> b;
  unsigned char chunk[65536];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) b.insert(b.end(), chunk, chunk + n);
  bool const failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw error(std::string(who) + "(\"" + path + "\"): read error");
  return b;
}
}  // namespace detail

}  // namespace ctgrad::io
