// SPDX-License-Identifier: BSL-1.0
// Checks of the examples' numeric options that say in words what is wrong. CLI11's own
// PositiveNumber is a range check against the largest double, printed with all its 310
// digits ("Value abc not in range 0.000000 to 1797693134862315708145..."); these print
// "--epochs: 'abc' is not a number" and "--epochs: must be >= 1, not -3".
#pragma once

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

namespace demo {

namespace detail {
// The whole of s read as a number (strtod, so "1e3" and "0.5" too); false if anything is
// left over or nothing was read.
inline bool read_number(std::string const& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE;
}
}  // namespace detail

/// A whole number in [min, max]:  app.add_option("--epochs", n)->check(demo::whole_number(1));
/// (max: the largest int by default, as most of these options are ints)
inline CLI::Validator whole_number(long long min, long long max = std::numeric_limits<int>::max()) {
  std::string const desc = max == std::numeric_limits<int>::max()
                               ? "INT >= " + std::to_string(min)
                               : "INT in " + std::to_string(min) + ".." + std::to_string(max);
  return CLI::Validator(
      [min, max](std::string& s) -> std::string {
        double v = 0;
        if (!detail::read_number(s, v)) return "'" + s + "' is not a number";
        if (v != std::floor(v)) return "'" + s + "' is not a whole number";
        if (v < static_cast<double>(min)) return "must be >= " + std::to_string(min) + ", not " + s;
        if (v > static_cast<double>(max)) return "must be <= " + std::to_string(max) + ", not " + s;
        // Written back as digits, so that "1e3" converts to the integer option too.
        s = std::to_string(static_cast<long long>(v));
        return {};
      },
      desc, "whole_number");
}

/// A finite number > 0:  app.add_option("--lr", lr)->check(demo::positive_number());
/// (at most the largest float by default, as most of these options are floats)
inline CLI::Validator positive_number(double max = std::numeric_limits<float>::max()) {
  return CLI::Validator(
      [max](std::string& s) -> std::string {
        double v = 0;
        if (!detail::read_number(s, v)) return "'" + s + "' is not a number";
        if (!std::isfinite(v)) return "must be a finite number, not " + s;
        if (!(v > 0)) return "must be > 0, not " + s;
        if (v > max) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "must be <= %.6g, not ", max);
          return buf + s;
        }
        return {};
      },
      "NUMBER > 0", "positive_number");
}

}  // namespace demo
