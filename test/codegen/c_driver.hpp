// SPDX-License-Identifier: BSL-1.0
// Test support for the C export: compile generated C99 with a driver and read its output.
#pragma once

#include <boost/test/unit_test.hpp>

#include <ctgrad/codegen/c_export.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;

struct temp_dir {
  fs::path dir = fs::temp_directory_path() / ("ctgrad_c_export_" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(dir); }
  ~temp_dir() { fs::remove_all(dir); }
};

// Compiles name.c with a driver that runs name_forward on the given inputs (literals) and
// prints the outputs; returns them.
template <class T>
std::vector<double> run_c(ctgrad::codegen::c_program const& c, std::string const& inputs_code,
                          std::string const& call) {
  temp_dir t;
  c.write(t.dir.string());
  std::string const tn = std::is_same_v<T, float> ? "float" : "double";
  std::ofstream(t.dir / "driver.c")
      << "#include <stdio.h>\n#include \"" << c.name << ".h\"\n"
      << inputs_code << "static " << c.name << "_workspace ws;\n"
      << "#ifndef " << c.name << "_OUTPUT_SIZE\n#define " << c.name << "_OUTPUT_SIZE 1\n#endif\n"
      << "int main(void) {\n  " << tn << " out[" << c.name << "_OUTPUT_SIZE];\n  int i;\n  " << call
      << ";\n  for (i = 0; i < " << c.name
      << "_OUTPUT_SIZE; ++i) printf(\"%.17g\\n\", (double)out[i]);\n  return 0;\n}\n";
  std::string const d = t.dir.string();
  std::string const cmd = std::string(CTGRAD_TEST_CC) +
                          " -std=c99 -Wall -Wextra -Werror -pedantic -O2 " + d + "/driver.c " + d +
                          "/" + c.name + ".c -lm -o " + d + "/prog 2> " + d + "/cc.log && " + d +
                          "/prog > " + d + "/out.txt";
  int const status = std::system(cmd.c_str());
  if (status != 0) {
    std::ifstream log(t.dir / "cc.log");
    std::string text((std::istreambuf_iterator<char>(log)), {});
    BOOST_FAIL("the C program failed (" << status << "): " << text);
  }
  std::vector<double> out;
  std::ifstream in(t.dir / "out.txt");
  for (double v; in >> v;) out.push_back(v);
  return out;
}

template <class T, class S>
std::string array_literal(char const* name, ctgrad::tensor<T, S> const& t) {
  std::string s = std::string("static const ") + (std::is_same_v<T, float> ? "float " : "double ") +
                  name + "[] = {";
  for (std::size_t i = 0; i < t.size; ++i)
    s += (i ? ", " : "") + ctgrad::codegen::detail::literal(t.data[i]);
  return s + "};\n";
}

template <class T, class Out>
double worst_difference(Out const& want, std::vector<double> const& got) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size);
  double worst = 0;
  for (std::size_t i = 0; i < want.size; ++i)
    worst = std::max(worst, std::abs(got[i] - double(want.data[i])) /
                                std::max(1.0, std::abs(double(want.data[i]))));
  return worst;
}
