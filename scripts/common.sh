# SPDX-License-Identifier: BSL-1.0
# Shared by scripts/demo, scripts/test and scripts/bench: find what is missing, install it
# (as root, with apt-get) or say exactly what to install, then configure a build directory.
set -euo pipefail

CTGRAD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CXX=${CXX:-g++}
export CXX

# Debian package that provides a compiler command.
compiler_package() {
  case "$(basename "$1")" in
    clang++*) echo "clang" ;;
    g++*) echo "g++" ;;
    *) echo "" ;;
  esac
}

# ctgrad_require_packages PKG...: installs the Debian packages that are not installed yet.
ctgrad_require_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "ctgrad: missing Debian packages: ${missing[*]}" >&2
    echo "ctgrad: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "ctgrad: installing ${missing[*]}"
  if [ -z "${CTGRAD_APT_UPDATED:-}" ]; then
    ctgrad_apt_get update -qq
    export CTGRAD_APT_UPDATED=1
  fi
  ctgrad_apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "ctgrad: installed ${missing[*]}"
}

# Seconds apt-get waits for a lock another apt-get or dpkg holds (apt's own default is to
# fail at once, which stopped ./scripts/test whenever another install was running).
CTGRAD_APT_LOCK_TIMEOUT=${CTGRAD_APT_LOCK_TIMEOUT:-600}

# ctgrad_apt_get ARGS...: apt-get that waits for the package manager's locks, and says so.
# apt's DPkg::Lock::Timeout waits for the dpkg lock, but apt 2.6 gives up at once on the
# others (measured: `apt-get -o DPkg::Lock::Timeout=30 update` fails in 2 s while the
# /var/lib/apt/lists lock is held), and waits silently: so each try is made without
# waiting, and a try that failed on a lock (apt takes every lock before it changes
# anything) is repeated every 5 s until the timeout, after telling the user who holds it.
ctgrad_apt_get() {
  local err deadline said=0
  err=$(mktemp)
  deadline=$(($(date +%s) + CTGRAD_APT_LOCK_TIMEOUT))
  while :; do
    if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=0 "$@" 2>"$err"; then
      cat "$err" >&2
      rm -f "$err"
      return 0
    fi
    if ! grep -q 'Could not get lock' "$err" || [ "$(date +%s)" -ge "$deadline" ]; then
      cat "$err" >&2
      rm -f "$err"
      return 1
    fi
    if [ "$said" = 0 ]; then
      echo "ctgrad: waiting up to $CTGRAD_APT_LOCK_TIMEOUT s for the package manager:" \
        "$(grep -m 1 'Could not get lock' "$err" | sed 's/^E: //')" >&2
      said=1
    fi
    sleep 5
  done
}

# ctgrad_try_packages PKG...: like ctgrad_require_packages, for what a program can do
# without (a dataset, a plotting tool): returns non-zero instead of stopping.
ctgrad_try_packages() {
  (ctgrad_require_packages "$@") || {
    echo "ctgrad: could not install $*; going on without" >&2
    return 1
  }
}

# The packages every build needs, plus the compiler named by $CXX. (CLI11, header-only,
# gives the examples their command lines.)
ctgrad_require_build_tools() {
  local pkgs=(cmake make ninja-build libboost-dev libboost-test-dev libcli11-dev)
  if ! command -v "$CXX" >/dev/null 2>&1; then
    local cpkg
    cpkg=$(compiler_package "$CXX")
    if [ -z "$cpkg" ]; then
      echo "ctgrad: compiler '$CXX' not found, and no Debian package is known for it" >&2
      exit 1
    fi
    pkgs+=("$cpkg")
  fi
  ctgrad_require_packages "${pkgs[@]}"
}

# ctgrad_configure BUILD_TYPE: configures build/<compiler>-<type>, prints its path in
# CTGRAD_BUILD. With CTGRAD_SANITIZE set (address,undefined or thread), the tests and
# examples are built with those sanitizers, in build/<compiler>-<type>-<sanitizers>.
# New build directories use Ninja: with CMake's Makefiles, `cmake --build --target a b c`
# builds the targets one after another (the top Makefile is .NOTPARALLEL), and each test is
# one file, so a build of named targets used one core of two (CI's ASan step: 645 s).
# An existing directory keeps the generator it was made with (CMake ignores
# CMAKE_GENERATOR there). A sanitized Debug build, and any with CTGRAD_LINE_TABLES=1 (CI),
# keeps only line tables (-gline-tables-only, clang; -g1, g++): the sanitizers' reports and
# backtraces still name file and line, and the compiler writes less (measured on
# test/nets/cnn.cpp: clang ASan + UBSan 3.73 s CPU instead of 4.23 s with -g; g++ 6.1 s
# instead of 7.35 s on a loaded machine).
ctgrad_configure() {
  local type=$1
  shift
  CTGRAD_BUILD="$CTGRAD_ROOT/build/$(basename "$CXX")-$(echo "$type" | tr '[:upper:]' '[:lower:]')"
  local debug=()
  if [ -n "${CTGRAD_SANITIZE:-}" ]; then
    CTGRAD_BUILD="$CTGRAD_BUILD-$(echo "$CTGRAD_SANITIZE" | tr ',' '-')"
  fi
  if [ -n "${CTGRAD_SANITIZE:-}" ] || [ "${CTGRAD_LINE_TABLES:-0}" = 1 ]; then
    case "$(basename "$CXX")" in
      clang++*) debug=(-DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only) ;;
      *) debug=(-DCMAKE_CXX_FLAGS_DEBUG=-g1) ;;
    esac
  fi
  CMAKE_GENERATOR=${CMAKE_GENERATOR:-Ninja} cmake -S "$CTGRAD_ROOT" -B "$CTGRAD_BUILD" \
    -DCMAKE_BUILD_TYPE="$type" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCTGRAD_SANITIZE="${CTGRAD_SANITIZE:-}" "${debug[@]+"${debug[@]}"}" "$@" >/dev/null
}
