#!/bin/sh
# The store's tests also run against a real PostgreSQL: tests/postgres.py starts a throwaway
# cluster with the server's own initdb and pg_ctl (Debian keeps them in
# /usr/lib/postgresql/VERSION/bin, outside the PATH). Install Debian's postgresql when they are
# missing and we are root; otherwise say what to install. Never fails: the tests say why they skip.
set -e
have_server() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then return 0; fi
    for bin in /usr/lib/postgresql/*/bin; do
        if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then return 0; fi
    done
    return 1
}
if have_server; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's postgresql for the store's PostgreSQL tests (about 30 s)..."
    # The package creates a default cluster and starts it; the tests need neither running,
    # so a temporary policy-rc.d (only where none exists) stops the start.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends postgresql >/dev/null && have_server; then
        exit 0
    fi
    echo "Installing postgresql failed (see above), so the PostgreSQL tests cannot run." >&2
    exit 0
fi
echo "PostgreSQL is not installed, so the store's PostgreSQL tests will be skipped" \
    "(on Debian or Ubuntu: sudo apt-get install postgresql)." >&2
exit 0
