// SPDX-License-Identifier: BSL-1.0
// Fuzzing io::load (libFuzzer): the input is a parameter file, loaded into a float set
// (a 3-4-2 MLP: W1 b1 W2 b2) and a double set (a scalar and a [2, 2] matrix). Either load
// succeeds, and then io::save with the file's architecture (io::saved_architecture) writes
// back exactly the input (the format has one encoding of a set and an architecture), and
// a load given that architecture succeeds too, or it throws io::error naming the file, and
// the set is unchanged to the bit.
// Nothing else: no other exception, crash, sanitizer finding or hang.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/params_file.hpp>

#include "input_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace fuzz {

constexpr auto X = ctgrad::input<"X", 1, 3>;
constexpr auto mlp =
    ctgrad::sequential(X, ctgrad::layer::dense<4>, ctgrad::layer::relu, ctgrad::layer::dense<2>);
using float_set = ctgrad::param_set<float, std::remove_cv_t<decltype(mlp)>>;
constexpr auto s = ctgrad::param<"s">;
constexpr auto M = ctgrad::param<"M", 2, 2>;
using double_set =
    ctgrad::var_set<double, std::remove_cv_t<decltype(s)>, std::remove_cv_t<decltype(M)>>;

template <class Set> std::vector<unsigned char> bytes_of(Set const& p) {
  std::vector<unsigned char> b;
  p.for_each([&](auto, auto const& t) {
    auto const* first = reinterpret_cast<unsigned char const*>(t.data.data());
    b.insert(b.end(), first, first + sizeof t.data);
  });
  return b;
}

template <class Set>
void check(std::uint8_t const* data, std::size_t size, std::string const& path) {
  Set p{};
  // A recognisable pattern, so that a partial write shows.
  p.for_each([](auto, auto& t) {
    for (auto& v : t) v = static_cast<typename Set::value_type>(-7.25);
  });
  auto const before = bytes_of(p);
  try {
    ctgrad::io::load(p, path);
  } catch (ctgrad::io::error const& e) {
    expect_clear_error(e, "ctgrad::io::load");
    if (bytes_of(p) != before) finding("io::load failed but changed the parameters", e.what());
    ++counts.rejected;
    return;
  }
  ++counts.loaded;
  std::string const architecture = ctgrad::io::saved_architecture(path);
  Set q{};
  ctgrad::io::load(q, path, architecture);
  if (bytes_of(q) != bytes_of(p))
    finding("io::load with the saved architecture read other values", path);
  std::string const again = path + ".saved";
  ctgrad::io::save(p, again, architecture);
  std::FILE* f = std::fopen(again.c_str(), "rb");
  std::vector<unsigned char> saved(size + 1);
  std::size_t const n = f ? std::fread(saved.data(), 1, saved.size(), f) : 0;
  if (f) std::fclose(f);
  std::remove(again.c_str());
  if (n != size || std::memcmp(saved.data(), data, size) != 0)
    finding("io::load accepted a file that io::save does not write back the same", path);
}

}  // namespace fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit("params_file", "loads");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const& path = fuzz::write_input(data, size);
  fuzz::check<fuzz::float_set>(data, size, path);
  fuzz::check<fuzz::double_set>(data, size, path);
  return 0;
}
