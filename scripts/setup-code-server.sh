#!/usr/bin/env bash
# Install code-server (VS Code in the browser, from npm) for Tensorloupe's e2e tests and `npm start`.
# Idempotent: a marker file makes the second run instant. Prints the path of entry.js on stdout
# (everything else goes to stderr), so callers can do ENTRY=$(scripts/setup-code-server.sh).
#
# Usage: scripts/setup-code-server.sh [DIR] [VERSION]
#   DIR defaults to ${TENSORLOUPE_CACHE:-$HOME/.cache/tensorloupe}/code-server
#   VERSION defaults to 4.100.3 (= VS Code 1.100.3, the newest that runs on Node 20; the
#   extension's engines.vscode must stay <= 1.100)
#
# Why the manual steps: code-server's own postinstall (a) refuses to run as root without
# unsafe-perm and (b) lets @vscode/ripgrep download rg from GitHub, which CI cannot reach. So we
# install with --ignore-scripts, copy Debian's rg in, and `npm rebuild` the native modules
# (kerberos, native-keymap, node-pty, @parcel/watcher, spdlog, argon2 ...). Those need the -dev
# packages below and Node's headers; node-gyp cannot download headers offline, so nodedir points
# at the local Node install.
set -euo pipefail
DIR=${1:-${TENSORLOUPE_CACHE:-$HOME/.cache/tensorloupe}/code-server}
VERSION=${2:-4.100.3}
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
if [ -f "$DIR/.ready-$VERSION" ] && [ -f "$ENTRY" ]; then echo "$ENTRY"; exit 0; fi

{
need=""
for p in libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then echo "setup-code-server: missing apt packages:$need (run as root or install them)"; exit 1; fi
  apt-get update -qq || true
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
# Node headers for node-gyp, offline: /usr for Debian's node, the prefix of a tarball install otherwise
export npm_config_nodedir=${npm_config_nodedir:-$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")}
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# The project's .npmrc must not leak in (we are outside the repo, but be explicit).
cd "$DIR"
[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json
npm install --ignore-scripts "code-server@$VERSION"

cd node_modules/code-server/lib/vscode
npm install --ignore-scripts --omit=dev
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild                                        # compiles the native modules (minutes)
ln -sfn node_modules node_modules.asar             # what code-server's postinstall does
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev)          # built-in extensions' deps

cd "$DIR"
npm rebuild argon2 --build-from-source             # password hashing; the prebuilt fetch is offline
node "$ENTRY" --config "$DIR/config.yaml" --version   # --config: never touch ~/.config/code-server
echo "auth: none" > "$DIR/config.yaml"
touch "$DIR/.ready-$VERSION"
} >&2
echo "$ENTRY"
