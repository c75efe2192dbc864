#!/usr/bin/env bash
# Installs, with apt-get, whichever of pylogen's build and test dependencies
# (Debian 12 packages) are missing. Needs root, or sudo.
#   scripts/install-deps.sh [--fuzz]   --fuzz: also what the fuzzers need
set -euo pipefail

packages=(
  g++ cmake ninja-build make
  libcli11-dev nlohmann-json3-dev libfmt-dev libboost-dev
  googletest libgtest-dev libbenchmark-dev
  libcurl4-openssl-dev libssl-dev
)
if [[ "${1:-}" == --fuzz ]]; then
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
