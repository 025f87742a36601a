#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#   scripts/postgres-local.sh start <dir> <port>   -> prints the DATABASE_URL on its last line
#   scripts/postgres-local.sh stop <dir>
# Installs Debian's postgresql package first when no server binaries are found (as on a fresh CI
# machine). As root, the cluster runs as the `postgres` user, which the package creates.
set -euo pipefail
cmd=${1:?usage: postgres-local.sh start|stop <dir> [port]}
dir=${2:?missing data folder}
port=${3:-55432}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "${bin}" ]]; then
  echo "postgres-local: installing Debian's postgresql package" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

as_owner() {
  if [[ "$(id -u)" == "0" ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "${cmd}" in
  start)
    mkdir -p "${dir}"
    [[ "$(id -u)" == "0" ]] && chown postgres "${dir}"
    if [[ ! -f "${dir}/data/PG_VERSION" ]]; then
      as_owner "'${bin}/initdb' -A trust -U postgres -D '${dir}/data'" >&2
    fi
    as_owner "'${bin}/pg_ctl' -D '${dir}/data' -l '${dir}/server.log' -w -o \"-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >&2
    echo "postgres://postgres@127.0.0.1:${port}/postgres"
    ;;
  stop)
    as_owner "'${bin}/pg_ctl' -D '${dir}/data' -m fast -w stop" >&2 || true
    ;;
  *)
    echo "usage: postgres-local.sh start|stop <dir> [port]" >&2
    exit 2
    ;;
esac
