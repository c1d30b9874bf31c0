#!/usr/bin/env bash
# Debian packages only the tests use: Chromium (reports opened in a real browser) and CJK
# fonts (Chinese in screenshots and generated PDF fixtures: wqy, uming).  Called by
# scripts/test.sh; the main job (scripts/ingest.sh) needs none of them.  When one is missing
# and this runs as root with apt-get, it says so, installs them, and then reports what is
# actually installed (checked again, not inferred from apt-get's exit status alone).
# Otherwise it says which tests will skip.  It never fails the test command.
set -uo pipefail

missing() {
  local m=()
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || m+=(chromium)
  [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || m+=(fonts-wqy-zenhei)
  [ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || m+=(fonts-arphic-uming)
  echo "${m[*]}"
}

read -ra need <<<"$(missing)"
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test: Debian packages ${need[*]} are not installed; the browser and font tests will" \
    "skip (to run them: apt-get install ${need[*]})" >&2
  exit 0
fi
log=$(mktemp "${TMPDIR:-/tmp}/jixiao-apt.XXXXXX")
echo "test: installing Debian packages the tests use: ${need[*]} (apt-get, log: $log)" >&2
apt-get update >>"$log" 2>&1
update=$?
DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >>"$log" 2>&1
rc=$?
read -ra still <<<"$(missing)"
if [ ${#still[@]} -eq 0 ]; then
  note=""
  [ "$rc" != 0 ] && note=" (apt-get install exited $rc all the same; see $log)"
  echo "test: installed ${need[*]}$note" >&2
else
  echo "test: apt-get update exited $update, apt-get install exited $rc; still missing:" \
    "${still[*]}; the tests that need them will skip (see $log)" >&2
fi
exit 0
