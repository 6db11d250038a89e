// SPDX-License-Identifier: BSL-1.0
// Fuzzing io::load_safetensors (libFuzzer): the input is a safetensors file, loaded into a
// float set (a 3-4-2 MLP, by the nn.Linear name rule: two Linear modules) and a double set
// (a scalar "s" and a [2, 2] matrix "M", by their names). Either load succeeds, and then
// io::save_safetensors writes a file that loads back to the same values, bit for bit (the
// content is equivalent, though F16/BF16/F64 inputs are written as the set's type), or it
// throws io::error naming the file, and the set is unchanged to the bit. Nothing else: no
// other exception (nlohmann's included), crash, sanitizer finding or hang.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/safetensors.hpp>

#include "input_file.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
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

template <class Set> void check(std::string const& path) {
  Set p{};
  // A recognisable pattern, so that a partial write shows.
  p.for_each([](auto, auto& t) {
    for (auto& v : t) v = static_cast<typename Set::value_type>(-7.25);
  });
  auto const before = bytes_of(p);
  try {
    ctgrad::io::load_safetensors(p, path);
  } catch (ctgrad::io::error const& e) {
    expect_clear_error(e, "ctgrad::io::load_safetensors");
    if (bytes_of(p) != before)
      finding("io::load_safetensors failed but changed the parameters", e.what());
    ++counts.rejected;
    return;
  }
  ++counts.loaded;
  std::string const again = path + ".saved";
  ctgrad::io::save_safetensors(p, again);
  Set q{};
  try {
    ctgrad::io::load_safetensors(q, again);
  } catch (ctgrad::io::error const& e) {
    finding("io::save_safetensors wrote a file io::load_safetensors rejects", e.what());
  }
  std::remove(again.c_str());
  if (bytes_of(q) != bytes_of(p))
    finding("a loaded file, saved and loaded again, holds other values", path);
}

}  // namespace fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit("safetensors", "loads");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const& path = fuzz::write_input(data, size);
  fuzz::check<fuzz::float_set>(path);
  fuzz::check<fuzz::double_set>(path);
  return 0;
}
