// SPDX-License-Identifier: BSL-1.0
// Fuzzing io::read_idx (libFuzzer): the input is an IDX file, read with the item shapes
// [] (labels), [3], [2, 2] and [28, 28] (images). Either it succeeds, and then the
// dimensions are those asked for and the data is exactly the bytes after the header, or it
// throws io::error naming the file. Nothing else: no other exception (std::bad_alloc from
// a size read in the header included), crash, sanitizer finding or hang.
#include <ctgrad/io/idx.hpp>

#include "input_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <vector>

namespace fuzz {

void check(std::uint8_t const* data, std::size_t size, std::string const& path,
           std::initializer_list<std::size_t> item) {
  ctgrad::io::idx_array a;
  try {
    a = ctgrad::io::read_idx(path, item);
  } catch (ctgrad::io::error const& e) {
    expect_clear_error(e, "ctgrad::io::read_idx");
    ++counts.rejected;
    return;
  }
  ++counts.loaded;
  std::vector<std::size_t> want{a.items()};
  want.insert(want.end(), item.begin(), item.end());
  if (a.dims != want) finding("io::read_idx returned other dimensions than asked for", path);
  std::size_t const header = 4 + 4 * a.dims.size();
  if (size < header || a.data.size() != size - header ||
      a.data.size() != a.items() * a.item_size() ||
      (!a.data.empty() && std::memcmp(a.data.data(), data + header, a.data.size()) != 0))
    finding("io::read_idx returned data that is not the bytes after the header", path);
}

}  // namespace fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit("idx", "reads");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const& path = fuzz::write_input(data, size);
  fuzz::check(data, size, path, {});
  fuzz::check(data, size, path, {3});
  fuzz::check(data, size, path, {2, 2});
  fuzz::check(data, size, path, {28, 28});
  return 0;
}
