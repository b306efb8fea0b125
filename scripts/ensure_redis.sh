#!/usr/bin/env bash
# The report build tests run builds through RQ on a real Redis server, which the tests
# start themselves from Debian's redis-server; install it when missing and we are root.
set -euo pipefail
if [ -n "${REDIS_SERVER:-}" ] && [ -x "$REDIS_SERVER" ]; then exit 0; fi
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ -x /usr/bin/redis-server ] || [ -x /usr/sbin/redis-server ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Redis for the report build tests (apt-get install redis-server)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  exit 0
fi
echo "The report build tests need a Redis server. Install it with:" >&2
echo "    sudo apt-get install redis-server" >&2
echo "or set REDIS_SERVER to the path of a redis-server binary, then run make test again." >&2
exit 1
