// SPDX-License-Identifier: BSL-1.0
// IDX and CSV loaders on small files written here: the data read back, and every error
// path (missing, gzip, truncated, wrong magic, wrong type, wrong dimensions, bad rows).
#define BOOST_TEST_MODULE io.loaders
#include <boost/test/unit_test.hpp>

#include <ctgrad/io/csv.hpp>
#include <ctgrad/io/idx.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace ctgrad;

struct temp_dir {
  fs::path dir = fs::temp_directory_path() / ("ctgrad_loaders_" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(dir); }
  ~temp_dir() { fs::remove_all(dir); }
  std::string write(char const* name, std::vector<unsigned char> const& bytes) const {
    std::string const p = (dir / name).string();
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<char const*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  std::string write(char const* name, std::string const& text) const {
    return write(name, std::vector<unsigned char>(text.begin(), text.end()));
  }
};

// An IDX header for unsigned bytes with the given dimensions, then the data.
std::vector<unsigned char> idx(std::vector<std::uint32_t> dims, std::vector<unsigned char> data) {
  std::vector<unsigned char> b{0, 0, 0x08, static_cast<unsigned char>(dims.size())};
  for (auto d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(d >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

template <class F> std::string error_of(F f) {
  try {
    f();
  } catch (io::error const& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.what();
  }
  return "(no error)";
}

bool says(std::string const& e, std::string const& what) {
  return e.find(what) != std::string::npos;
}

BOOST_AUTO_TEST_CASE(idx_reads_images_and_labels) {
  temp_dir t;
  std::vector<unsigned char> pixels(3 * 2 * 2);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<unsigned char>(i * 20);
  auto const images = io::read_idx(t.write("img", idx({3, 2, 2}, pixels)), {2, 2});
  BOOST_TEST(images.items() == 3u);
  BOOST_TEST(images.item_size() == 4u);
  BOOST_TEST(images.data == pixels);
  auto const labels = io::read_idx(t.write("lab", idx({3}, {7, 0, 9})), {});
  BOOST_TEST(labels.items() == 3u);
  BOOST_TEST(labels.data[2] == 9);
}

BOOST_AUTO_TEST_CASE(idx_errors_name_the_file_and_the_problem) {
  temp_dir t;
  auto e = error_of([&] { io::read_idx((t.dir / "none").string(), {}); });
  BOOST_TEST((says(e, "none") && says(e, "cannot open")));
  e = error_of([&] {
    io::read_idx(t.write("gz", std::vector<unsigned char>{0x1f, 0x8b, 8, 0}), {});
  });
  BOOST_TEST(says(e, "gzip"));
  e = error_of([&] { io::read_idx(t.write("short", std::vector<unsigned char>{0, 0}), {}); });
  BOOST_TEST(says(e, "truncated"));
  e = error_of([&] {
    io::read_idx(t.write("magic", std::vector<unsigned char>{1, 0, 8, 1, 0, 0, 0, 0}), {});
  });
  BOOST_TEST(says(e, "wrong magic"));
  e = error_of([&] {
    io::read_idx(t.write("type", std::vector<unsigned char>{0, 0, 0x0d, 1, 0, 0, 0, 0}), {});
  });
  BOOST_TEST(says(e, "not supported"));
  e = error_of([&] {
    io::read_idx(t.write("dims", idx({2, 3, 3}, std::vector<unsigned char>(18))), {2, 2});
  });
  BOOST_TEST(says(e, "wrong dimensions: the file has [2, 3, 3], expected [*, 2, 2]"));
  e = error_of([&] {
    io::read_idx(t.write("cut", idx({2, 2, 2}, std::vector<unsigned char>(7))), {2, 2});
  });
  BOOST_TEST((says(e, "cut") && says(e, "truncated: 7 data bytes")));
  e = error_of([&] {
    io::read_idx(t.write("long", idx({1, 2, 2}, std::vector<unsigned char>(5))), {2, 2});
  });
  BOOST_TEST(says(e, "1 unexpected bytes"));
}

BOOST_AUTO_TEST_CASE(csv_reads_numbers_and_reports_bad_rows) {
  temp_dir t;
  auto const table =
      io::read_csv(t.write("ok.csv", "x,y,label\n1.5,-2,0\r\n\n3e2, 4 ,1\n"), 3, io::header::skip);
  BOOST_TEST(table.rows == 2u);
  BOOST_TEST(table(0, 0) == 1.5);
  BOOST_TEST(table(1, 0) == 300.0);
  BOOST_TEST(table(1, 1) == 4.0);
  auto e = error_of([&] { io::read_csv(t.write("few.csv", "1,2,3\n4,5\n"), 3); });
  BOOST_TEST((says(e, "few.csv") && says(e, "line 2 has 2 fields, expected 3")));
  e = error_of([&] { io::read_csv(t.write("word.csv", "1,2,3\n4,five,6\n"), 3); });
  BOOST_TEST(says(e, "line 2, column 2: \"five\" is not a number"));
  e = error_of([&] { io::read_csv(t.write("hdr.csv", "a,b\n1,2\n"), 2); });  // header not skipped
  BOOST_TEST(says(e, "line 1, column 1"));
  e = error_of([&] { io::read_csv((t.dir / "nope.csv").string(), 2); });
  BOOST_TEST(says(e, "cannot open"));
  // A NUL byte ends strtod's number, not the field (found by test/fuzz/csv.cpp); the
  // message shows control bytes escaped, since a NUL would cut what() short.
  e = error_of([&] { io::read_csv(t.write("nul.csv", std::string("1\n0\0\x04\n", 6)), 1); });
  BOOST_TEST(says(e, "line 2, column 1: \"0\\x00\\x04\" is not a number"));
}
