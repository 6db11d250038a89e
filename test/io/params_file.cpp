// SPDX-License-Identifier: BSL-1.0
// Saving and loading parameter sets: bit-exact round trips, and a clear error (naming the
// file and the problem) for every way a file can be wrong, with the set left untouched.
#define BOOST_TEST_MODULE io.params_file
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/params_file.hpp>

#include "support/random.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace ctgrad;
namespace fs = std::filesystem;

constexpr auto X = input<"X", 2, 3>;
constexpr auto net = sequential(X, layer::dense<4>, layer::relu, layer::dense<2>);
constexpr auto other = sequential(X, layer::dense<5>, layer::relu, layer::dense<2>);
using set_t = param_set<float, std::remove_cv_t<decltype(net)>>;

struct temp_dir {
  fs::path dir = fs::temp_directory_path() / ("ctgrad_io_test_" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(dir); }
  ~temp_dir() { fs::remove_all(dir); }
  std::string file(char const* name) const { return (dir / name).string(); }
};

std::vector<char> read_all(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void write_all(std::string const& path, std::vector<char> const& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The error message of load, checking that params did not change.
template <class Set>
std::string load_error(Set& s, std::string const& path, std::string const& architecture = {}) {
  Set const before = s;
  try {
    io::load(s, path, architecture);
  } catch (io::error const& e) {
    BOOST_TEST((s == before));
    return e.what();
  }
  return "(no error)";
}

BOOST_AUTO_TEST_CASE(round_trip_is_bit_exact_and_the_write_is_atomic) {
  temp_dir t;
  set_t a{};
  test::fill_normal(a, 11);
  a.get<0>().data[0] = -0.0f;   // sign of zero and odd values survive
  a.get<0>().data[1] = 1e-40f;  // subnormal
  io::save(a, t.file("m.ctgrad"));
  BOOST_TEST(!fs::exists(t.file("m.ctgrad.tmp")));
  set_t b{};
  io::load(b, t.file("m.ctgrad"));
  BOOST_TEST(std::memcmp(&a, &b, sizeof a) == 0);

  auto dbl = params<double>(net);
  test::fill_normal(dbl, 12);
  io::save(dbl, t.file("d.ctgrad"));
  decltype(dbl) dbl2{};
  io::load(dbl2, t.file("d.ctgrad"));
  BOOST_TEST((dbl == dbl2));

  // Saving again replaces the file whole.
  test::fill_normal(a, 13);
  io::save(a, t.file("m.ctgrad"));
  io::load(b, t.file("m.ctgrad"));
  BOOST_TEST((a == b));
}

BOOST_AUTO_TEST_CASE(every_bad_file_is_a_clear_error) {
  temp_dir t;
  set_t a{};
  test::fill_normal(a, 21);
  std::string const good = t.file("good.ctgrad");
  io::save(a, good);
  auto const bytes = read_all(good);
  set_t s{};
  test::fill_normal(s, 22);

  std::string e = load_error(s, t.file("missing.ctgrad"));
  BOOST_TEST_MESSAGE(e);
  BOOST_TEST(e.find("missing.ctgrad") != std::string::npos);
  BOOST_TEST(e.find("cannot open") != std::string::npos);

  for (std::size_t cut :
       {std::size_t{0}, std::size_t{5}, std::size_t{30}, bytes.size() - 9, bytes.size() - 1}) {
    write_all(t.file("cut.ctgrad"), {bytes.begin(), bytes.begin() + static_cast<long>(cut)});
    e = load_error(s, t.file("cut.ctgrad"));
    BOOST_TEST_MESSAGE(e);
    BOOST_TEST(e.find("cut.ctgrad") != std::string::npos);
    BOOST_TEST(e.find("truncated") != std::string::npos);
  }

  auto wrong = bytes;
  wrong[0] = 'X';
  write_all(t.file("magic.ctgrad"), wrong);
  e = load_error(s, t.file("magic.ctgrad"));
  BOOST_TEST(e.find("wrong magic") != std::string::npos);

  wrong = bytes;
  wrong[bytes.size() - 20] ^= 0x10;  // a flipped bit in the values
  write_all(t.file("flip.ctgrad"), wrong);
  e = load_error(s, t.file("flip.ctgrad"));
  BOOST_TEST_MESSAGE(e);
  BOOST_TEST(e.find("corrupt") != std::string::npos);

  wrong = bytes;
  wrong.push_back(0);
  write_all(t.file("long.ctgrad"), wrong);
  e = load_error(s, t.file("long.ctgrad"));
  BOOST_TEST(e.find("unexpected bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(another_architecture_or_type_names_the_first_mismatch) {
  temp_dir t;
  auto o = params<float>(other);
  test::fill_normal(o, 31);
  io::save(o, t.file("other.ctgrad"));
  set_t s{};
  std::string e = load_error(s, t.file("other.ctgrad"));
  BOOST_TEST_MESSAGE(e);
  BOOST_TEST(e.find("parameter 1 is \"W1\" [3, 5] in the file but \"W1\" [3, 4] in the network") !=
             std::string::npos);

  auto d = params<double>(net);
  io::save(d, t.file("double.ctgrad"));
  e = load_error(s, t.file("double.ctgrad"));
  BOOST_TEST(e.find("holds double values, the parameter set is float") != std::string::npos);

  var_set<float, std::remove_cv_t<decltype(param<"W1", 3, 4>)>> one{};
  e = load_error(one, t.file("double.ctgrad"));
  e = load_error(one, [&] {
    io::save(params<float>(net), t.file("f.ctgrad"));
    return t.file("f.ctgrad");
  }());
  BOOST_TEST(e.find("holds 4 tensors, the network has 1") != std::string::npos);
}

// The same shapes as net, another activation: only the recorded architecture tells them apart.
constexpr auto tanh_net = sequential(X, layer::dense<4>, layer::tanh, layer::dense<2>);

BOOST_AUTO_TEST_CASE(the_architecture_is_saved_and_checked) {
  static_assert(std::is_same_v<set_t, param_set<float, std::remove_cv_t<decltype(tanh_net)>>>);
  temp_dir t;
  set_t a{};
  test::fill_normal(a, 41);
  std::string const path = t.file("relu.ctgrad");
  io::save(a, path, to_string(net));
  BOOST_TEST(io::saved_architecture(path) == "relu(X @ W1 + b1) @ W2 + b2");
  // A net at another batch size is the same architecture.
  BOOST_TEST(to_string(rebatch<1>(net)) == io::saved_architecture(path));

  set_t b{};
  io::load(b, path, to_string(net));
  BOOST_TEST((a == b));
  set_t c{};
  io::load(c, path);  // without an architecture: nothing to compare with, shapes checked
  BOOST_TEST((a == c));

  test::fill_normal(b, 42);
  std::string const e = load_error(b, path, to_string(tanh_net));
  BOOST_TEST_MESSAGE(e);
  BOOST_TEST(e.find("ctgrad::io::load(\"" + path +
                    "\"): another architecture: the file was saved "
                    "from \"relu(X @ W1 + b1) @ W2 + b2\", the network is \"tanh(X @ W1 + b1) @ W2 "
                    "+ b2\"") == 0);

  // Load, then save with the file's architecture: the same bytes (one encoding).
  io::save(c, t.file("again.ctgrad"), io::saved_architecture(path));
  BOOST_TEST((read_all(t.file("again.ctgrad")) == read_all(path)));
}

// A version 1 file as the format had it before architectures, written here byte by byte
// (not by io::save): magic, version 1, scalar size, count, signatures, values, FNV-1a.
std::vector<char> version_1_file(set_t const& s) {
  std::vector<char> b = {'C', 'T', 'G', 'R', 'A', 'D', 'P', 'S'};
  auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>(v >> (8 * i)));
  };
  auto u64 = [&](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>(v >> (8 * i)));
  };
  u32(1);
  u32(4);
  u32(4);
  s.for_each([&](auto var, auto const& tensor) {
    using S = typename std::remove_cvref_t<decltype(tensor)>::shape_type;
    u32(static_cast<std::uint32_t>(var.name.size()));
    b.insert(b.end(), var.name.begin(), var.name.end());
    u32(static_cast<std::uint32_t>(S::rank));
    for (std::size_t d : S::dims) u64(d);
  });
  s.for_each([&](auto, auto const& tensor) {
    for (float v : tensor) {
      std::uint32_t bits;
      std::memcpy(&bits, &v, 4);
      u32(bits);
    }
  });
  std::uint64_t h = 1469598103934665603ull;
  for (char ch : b) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  u64(h);
  return b;
}

BOOST_AUTO_TEST_CASE(version_1_files_still_load) {
  temp_dir t;
  set_t a{};
  test::fill_normal(a, 51);
  write_all(t.file("v1.ctgrad"), version_1_file(a));
  set_t b{};
  io::load(b, t.file("v1.ctgrad"), to_string(tanh_net));  // no architecture saved: not checked
  BOOST_TEST((a == b));
  BOOST_TEST(io::saved_architecture(t.file("v1.ctgrad")).empty());
  io::save(b, t.file("plain.ctgrad"));  // saved without an architecture: still version 1
  BOOST_TEST((read_all(t.file("plain.ctgrad")) == version_1_file(a)));
}

BOOST_AUTO_TEST_CASE(a_bad_architecture_field_is_a_clear_error) {
  temp_dir t;
  set_t a{};
  test::fill_normal(a, 61);
  io::save(a, t.file("a.ctgrad"), to_string(net));
  auto const bytes = read_all(t.file("a.ctgrad"));
  set_t s{};
  // Cut inside the architecture's length and inside its text.
  for (std::size_t cut : {std::size_t{22}, std::size_t{30}}) {
    write_all(t.file("cut.ctgrad"), {bytes.begin(), bytes.begin() + static_cast<long>(cut)});
    std::string const e = load_error(s, t.file("cut.ctgrad"), to_string(net));
    BOOST_TEST_MESSAGE(e);
    BOOST_TEST(e.find("cut.ctgrad\"): file is truncated: it ends inside the architecture") !=
               std::string::npos);
    try {
      (void)io::saved_architecture(t.file("cut.ctgrad"));
      BOOST_TEST(false);
    } catch (io::error const& err) {
      BOOST_TEST(std::string(err.what()).find("ctgrad::io::saved_architecture(\"") == 0);
    }
  }
  auto wrong = bytes;
  wrong[30] ^= 0x20;  // a letter of the architecture: found by the checksum without one given
  write_all(t.file("flip.ctgrad"), wrong);
  BOOST_TEST(load_error(s, t.file("flip.ctgrad")).find("checksum mismatch") != std::string::npos);
  wrong = bytes;
  for (int i = 20; i < 24; ++i) wrong[static_cast<std::size_t>(i)] = 0;  // length 0
  write_all(t.file("empty.ctgrad"), wrong);
  BOOST_TEST(
      load_error(s, t.file("empty.ctgrad")).find("version 2 file with an empty architecture") !=
      std::string::npos);
}
