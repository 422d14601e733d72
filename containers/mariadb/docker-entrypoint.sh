#!/bin/bash
# The official image's start contract, reduced to what its documented variables promise:
# initialise an empty data dir once (root password, database, user, init scripts) on a
# server that listens on no port, then run the real server in the foreground.
set -euo pipefail

env_or() { # MARIADB_X, else MYSQL_X, else the default
  local m="MARIADB_$1" y="MYSQL_$1"
  printf '%s' "${!m:-${!y:-${2:-}}}"
}

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi

init_datadir() {
  local root_pw database user password allow_empty
  root_pw="$(env_or ROOT_PASSWORD)"
  allow_empty="$(env_or ALLOW_EMPTY_ROOT_PASSWORD)"
  if [ -z "$root_pw" ] && [ -z "$allow_empty" ]; then
    echo >&2 'error: database is uninitialized and MARIADB_ROOT_PASSWORD is not set (or set MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1)'
    exit 1
  fi
  database="$(env_or DATABASE)"
  user="$(env_or USER)"
  password="$(env_or PASSWORD)"
  if [ "$user" = root ]; then echo >&2 'error: MARIADB_USER=root is not allowed; use MARIADB_ROOT_PASSWORD'; exit 1; fi

  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >/dev/null
  local sock=/run/mysqld/init.sock
  mariadbd --user=mysql --skip-networking --socket="$sock" &
  local pid=$!
  for _ in $(seq 1 60); do
    mariadb --protocol=socket --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  local client=(mariadb --protocol=socket --socket="$sock" -uroot)
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.global_priv WHERE user='' OR (user='root' AND host NOT IN ('localhost'));"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_quote "$root_pw");"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_quote "$root_pw");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS \`${database//\`/\`\`}\`;"; fi
    if [ -n "$user" ] && [ -n "$password" ]; then
      echo "CREATE USER $(sql_quote "$user")@'%' IDENTIFIED BY $(sql_quote "$password");"
      if [ -n "$database" ]; then echo "GRANT ALL ON \`${database//\`/\`\`}\`.* TO $(sql_quote "$user")@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | "${client[@]}"
  [ -n "$root_pw" ] && client+=("-p$root_pw")
  [ -n "$database" ] && client+=("$database")
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "init: running $f"; . "$f" ;;
      *.sql) echo "init: running $f"; "${client[@]}" <"$f" ;;
      *.sql.gz) echo "init: running $f"; gunzip -c "$f" | "${client[@]}" ;;
      *.sql.xz) echo "init: running $f"; xzcat "$f" | "${client[@]}" ;;
      *) ;;
    esac
  done
  kill "$pid"
  wait "$pid"
}

if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
  if [ ! -d /var/lib/mysql/mysql ]; then init_datadir; fi
  shift
  exec mariadbd --user=mysql "$@"
fi
exec "$@"
