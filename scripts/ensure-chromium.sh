#!/bin/sh
# The browser tests drive Debian's Chromium (Playwright's own browser download does not
# work offline). Install it when missing and we are root; otherwise say what to install.
set -e
if [ -n "${HINGE_CHROMIUM:-}" ] && [ -x "$HINGE_CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests (about 20 s)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
cat >&2 <<'MSG'
The browser tests need Chromium, and it is not installed.
  On Debian or Ubuntu:  sudo apt-get install chromium
  Elsewhere: install Chromium or Chrome and set HINGE_CHROMIUM=/path/to/the/browser
Then run `make test` again.
MSG
exit 1
