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
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    export CTGRAD_APT_UPDATED=1
  fi
  # Waits for another install's dpkg lock (developers share the machine) instead of failing.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" \
    >/dev/null
  echo "ctgrad: installed ${missing[*]}"
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
  local pkgs=(cmake make libboost-dev libboost-test-dev libcli11-dev)
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
ctgrad_configure() {
  local type=$1
  shift
  CTGRAD_BUILD="$CTGRAD_ROOT/build/$(basename "$CXX")-$(echo "$type" | tr '[:upper:]' '[:lower:]')"
  if [ -n "${CTGRAD_SANITIZE:-}" ]; then
    CTGRAD_BUILD="$CTGRAD_BUILD-$(echo "$CTGRAD_SANITIZE" | tr ',' '-')"
  fi
  cmake -S "$CTGRAD_ROOT" -B "$CTGRAD_BUILD" -DCMAKE_BUILD_TYPE="$type" \
    -DCMAKE_CXX_COMPILER="$CXX" -DCTGRAD_SANITIZE="${CTGRAD_SANITIZE:-}" "$@" >/dev/null
}
