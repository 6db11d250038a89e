// SPDX-License-Identifier: BSL-1.0
// The IDX format of MNIST and Fashion-MNIST (uncompressed; gunzip the .gz files first):
//   bytes 0-1 zero, byte 2 the element type (0x08: unsigned byte), byte 3 the number of
//   dimensions n, then n big-endian u32 sizes, then the elements, row-major.
//   auto images = io::read_idx("train-images-idx3-ubyte", {28, 28});   // [N, 28, 28]
//   auto labels = io::read_idx("train-labels-idx1-ubyte", {});         // [N]
// The second argument lists the sizes every dimension after the first must have. Every
// problem (missing file, gzip data, wrong magic, unsupported type, wrong dimensions,
// truncated or overlong data) throws io::error naming the file.
#pragma once

#include <ctgrad/io/file.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ctgrad::io {

/// The contents of an IDX file (MNIST's format), read by read_idx: sizes and bytes.
struct idx_array {
  std::vector<std::size_t> dims;   ///< dims[0] is the number of items
  std::vector<std::uint8_t> data;  ///< row-major, product(dims) bytes
  /// The number of items (dims[0]; 0 for an empty array).
  std::size_t items() const { return dims.empty() ? 0 : dims[0]; }
  /// Bytes per item: the product of the dimensions after the first.
  std::size_t item_size() const {
    std::size_t s = 1;
    for (std::size_t i = 1; i < dims.size(); ++i) s *= dims[i];
    return s;
  }
};

namespace detail {
inline std::string dims_text(std::vector<std::size_t> const& d, bool any_first = false) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i)
    s += (i ? ", " : "") + (any_first && i == 0 ? std::string("*") : std::to_string(d[i]));
  return s + "]";
}
}  // namespace detail

/// Reads an IDX file of unsigned bytes whose dimensions after the first are item_dims.
inline idx_array read_idx(std::string const& path, std::initializer_list<std::size_t> item_dims) {
  auto const b = detail::read_file(path, "ctgrad::io::read_idx");
  auto fail = [&](std::string const& what) -> error {
    return error("ctgrad::io::read_idx(\"" + path + "\"): " + what);
  };
  if (b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b)
    throw fail("the file is gzip-compressed; decompress it first (gunzip -k)");
  if (b.size() < 4)
    throw fail("file is truncated: " + std::to_string(b.size()) +
               " bytes, shorter than the header");
  if (b[0] != 0 || b[1] != 0) throw fail("not an IDX file (wrong magic bytes)");
  if (b[2] != 0x08)
    throw fail("element type " + std::to_string(b[2]) +
               " is not supported (only 8, unsigned byte)");
  std::size_t const n = b[3];
  if (b.size() < 4 + 4 * n) throw fail("file is truncated inside the dimensions");
  idx_array a;
  std::size_t total = 1;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t const d = (std::size_t{b[4 + 4 * i]} << 24) | (std::size_t{b[5 + 4 * i]} << 16) |
                          (std::size_t{b[6 + 4 * i]} << 8) | std::size_t{b[7 + 4 * i]};
    a.dims.push_back(d);
    total *= d;
  }
  std::vector<std::size_t> want{0};
  want.insert(want.end(), item_dims.begin(), item_dims.end());
  bool fits = a.dims.size() == want.size();
  for (std::size_t i = 1; fits && i < want.size(); ++i) fits = a.dims[i] == want[i];
  if (!fits)
    throw fail("wrong dimensions: the file has " + detail::dims_text(a.dims) + ", expected " +
               detail::dims_text(want, true));
  std::size_t const at = 4 + 4 * n;
  if (b.size() - at < total)
    throw fail("file is truncated: " + std::to_string(b.size() - at) + " data bytes for " +
               detail::dims_text(a.dims) + " (" + std::to_string(total) + " expected)");
  if (b.size() - at > total)
    throw fail(std::to_string(b.size() - at - total) + " unexpected bytes after the data");
  a.data.assign(b.begin() + static_cast<long>(at), b.end());
  return a;
}

}  // namespace ctgrad::io
