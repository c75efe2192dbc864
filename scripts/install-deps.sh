#!/usr/bin/env bash
# Installs, with apt-get, whichever of pylogen's build and test dependencies
# (Debian 12 packages) are missing. Needs root, or sudo.
#   scripts/install-deps.sh [--test] [--fuzz]
#     --test: also the servers the tests start (redis-server)
#     --fuzz: also what the fuzzers need
set -euo pipefail

packages=(
  g++ cmake ninja-build make
  libcli11-dev nlohmann-json3-dev libfmt-dev libboost-dev
  googletest libgtest-dev libbenchmark-dev
  libcurl4-openssl-dev libssl-dev libhttp-parser-dev libhiredis-dev
)
test=0 fuzz=0
for arg in "$@"; do
  case $arg in
    --test) test=1 ;;
    --fuzz) fuzz=1 ;;
    *) echo "install-deps: unknown option '$arg' (expected --test or --fuzz)" >&2; exit 2 ;;
  esac
done
if ((test)); then
  # The Redis CUT's tests start their own redis-server on a free port of
  # 127.0.0.1 (Debian's package also installs a service they never use).
  packages+=(redis-server)
fi
if ((fuzz)); then
  # The fuzzers (scripts/fuzz.sh): Debian 12's clang 19 and its libFuzzer,
  # ASan and UBSan runtimes, llvm for the symbolizer. Not the default clang
  # 14, whose __cpp_concepts (201907) hides libstdc++ 12's <expected>, and
  # so std::expected, from the tree.
  packages+=(clang-19 libclang-rt-19-dev llvm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all dependencies present"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
