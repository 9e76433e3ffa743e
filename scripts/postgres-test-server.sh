#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests (docs/contributing: "PostgreSQL tests"): its own data
# directory, a free loopback port, password (SCRAM) auth, run as a non-root user. Prints the
# TEST_DATABASE_URL to use.
#   scripts/postgres-test-server.sh start [dir]   # prints postgres://postgres:<password>@127.0.0.1:<port>/postgres
#   scripts/postgres-test-server.sh stop [dir]
set -euo pipefail
command=${1:-}
dir=${2:-${TMPDIR:-/tmp}/referral-desk-postgres}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ]; then
  echo "postgres-test-server: no PostgreSQL server found under /usr/lib/postgresql (Debian: apt-get install postgresql)" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: as root, run it as the postgres user Debian's package made.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/bash -c "$1"
  else
    bash -c "$1"
  fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    password=$(node -e "console.log(require('node:crypto').randomBytes(18).toString('base64url'))")
    port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    as_server_user "umask 077 && printf '%s' '$password' > '$dir/pwfile' && '$bindir/initdb' -D '$dir/data' -U postgres --pwfile='$dir/pwfile' --auth-local=scram-sha-256 --auth-host=scram-sha-256 >'$dir/initdb.log' 2>&1"
    as_server_user "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" start >/dev/null"
    echo "postgres://postgres:$password@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_server_user "'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" || true
      rm -rf "$dir"
    fi
    ;;
  *)
    echo "usage: $0 start|stop [dir]" >&2
    exit 2
    ;;
esac
