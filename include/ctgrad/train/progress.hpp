// SPDX-License-Identifier: BSL-1.0
// The training loop's report: on a terminal, one line redrawn in place while an epoch runs
//   epoch  3/10 [##########..........]  937/1875  loss 0.4123  acc 85.14%  30712 samples/s
// and then a summary line per epoch; elsewhere (a pipe, a log file, CI) only the summary
// lines, so logs stay readable. Redrawn at most ten times a second: printing is not free.
#pragma once

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

namespace ctgrad::train {

/// How fit reports: automatic (a bar when the stream is a terminal, else lines), always a
/// bar, summary lines only, or nothing.
enum class progress { automatic, bar, lines, none };

namespace detail {

inline bool is_terminal([[maybe_unused]] std::FILE* out) {
#if __has_include(<unistd.h>)
  return out != nullptr && ::isatty(::fileno(out)) == 1;
#else
  return false;
#endif
}

/// Percent with two decimals, or "-" for a metric that is not defined (NaN).
inline void percent(char (&buf)[32], double fraction) {
  if (std::isnan(fraction))
    std::snprintf(buf, sizeof buf, "-");
  else
    std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * fraction);
}

/// A loss with four decimals, or in exponent form from 1e6 on: "%.4f" of a diverging run's
/// 1e180 has 185 characters, more than the epoch line's buffer holds.
inline void loss_text(char (&buf)[32], double loss) {
  std::snprintf(buf, sizeof buf, std::fabs(loss) < 1e6 ? "%.4f" : "%.4g", loss);
}

class progress_report {
 public:
  progress_report(progress mode, std::FILE* out)
      : out_(mode == progress::none ? nullptr : out),
        bar_(mode == progress::bar || (mode == progress::automatic && is_terminal(out))) {}

  /// While an epoch runs: redraws the bar (terminal only, at most every 100 ms).
  void batch(std::size_t epoch, std::size_t epochs, std::size_t done, std::size_t batches,
             double mean_loss, double accuracy, double samples_per_second) {
    if (!out_ || !bar_) return;
    auto const now = std::chrono::steady_clock::now();
    if (done != batches && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr std::size_t width = 20;
    std::size_t const filled = batches ? width * done / batches : width;
    char bar[width + 1];
    for (std::size_t i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    char acc[32], loss[32];
    percent(acc, accuracy);
    loss_text(loss, mean_loss);
    std::fprintf(out_, "\repoch %2zu/%zu [%s] %5zu/%zu  loss %s  acc %s  %.0f samples/s ", epoch,
                 epochs, bar, done, batches, loss, acc, samples_per_second);
    std::fflush(out_);
    drawn_ = true;
  }

  /// The epoch's summary line (replacing the bar on a terminal).
  void epoch(char const* line) {
    if (!out_) return;
    if (drawn_) std::fprintf(out_, "\r%100s\r", "");
    drawn_ = false;
    std::fprintf(out_, "%s\n", line);
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  bool bar_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace detail
}  // namespace ctgrad::train
