// SPDX-License-Identifier: BSL-1.0
// The loaders read files: each fuzz input is written to one file per process, and the
// harness checks the outcome of a load the same way for every loader.
#pragma once

#include <ctgrad/io/file.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace fuzz {

/// The file the current input is written to ($TMPDIR, named after the process).
inline std::string const& input_path() {
  static std::string const path = (std::filesystem::temp_directory_path() /
                                   ("ctgrad_fuzz_" + std::to_string(::getpid()) + ".input"))
                                      .string();
  return path;
}

inline std::string const& write_input(std::uint8_t const* data, std::size_t size) {
  std::string const& path = input_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();  // the machine, not the loader: stop rather than report a finding
  }
  return path;
}

[[noreturn]] inline void finding(char const* what, std::string const& detail) {
  std::fprintf(stderr, "\nctgrad fuzz: %s\n  %s\n", what, detail.c_str());
  __builtin_trap();
}

/// The documented contract on a failed load: io::error, whose message starts with the
/// function and names the file. Anything else is a finding.
inline void expect_clear_error(ctgrad::io::error const& e, char const* who) {
  std::string const what = e.what();
  std::string const start = std::string(who) + "(\"" + input_path() + "\"): ";
  if (what.compare(0, start.size(), start) != 0)
    finding("an io::error that does not start with the function and the file", what);
  if (what.size() == start.size()) finding("an io::error that does not say what is wrong", what);
}

struct outcome_counts {
  std::uint64_t loaded = 0, rejected = 0;
};
/// What the harness's loads did, printed at exit by report_at_exit.
inline outcome_counts counts;

/// At exit: "ctgrad fuzz <harness>: N <loads> succeeded, M rejected with io::error", and the
/// input file removed. Call once, from LLVMFuzzerInitialize.
inline void report_at_exit(char const* harness, char const* loads) {
  static char const* name = harness;
  static char const* verb = loads;
  std::atexit([] {
    std::printf("ctgrad fuzz %s: %llu %s succeeded, %llu rejected with io::error\n", name,
                static_cast<unsigned long long>(counts.loaded), verb,
                static_cast<unsigned long long>(counts.rejected));
    std::remove(input_path().c_str());
  });
}

}  // namespace fuzz

// Every other exception escapes LLVMFuzzerTestOneInput: libFuzzer reports it (deadly
// signal from std::terminate) with the input that threw.
