#!/bin/bash
# Start script of the image: server.properties from the environment, storage formatted once,
# then the broker in the foreground (so `podman kill` / `pause` reach the JVM itself).
set -euo pipefail
CONFIG=/opt/kafka/config/server.properties
CLASSPATH='/opt/kafka/libs/*'
LOG4J=(-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.yaml)

# JVM settings, not server properties (the same exclusions as apache/kafka's image).
NOT_PROPERTIES=' KAFKA_HEAP_OPTS KAFKA_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_LOG4J_OPTS KAFKA_GC_LOG_OPTS KAFKA_JMX_OPTS KAFKA_DEBUG KAFKA_VERSION KAFKA_HOME '

to_property() { # KAFKA_LOG_DIRS → log.dirs; ___ → -, __ → _, _ → .
  local name="${1#KAFKA_}"
  name="${name//___/-}"
  name="${name//__/@}"
  name="${name//_/.}"
  name="${name//@/_}"
  printf '%s' "${name,,}"
}

write_config() {
  local var found=0
  : >"$CONFIG"
  while IFS='=' read -r var _; do
    case "$NOT_PROPERTIES" in *" $var "*) continue ;; esac
    printf '%s=%s\n' "$(to_property "$var")" "${!var}" >>"$CONFIG"
    found=1
  done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' | sort)
  if [ "$found" = 0 ]; then
    # The image's default: one node, broker and controller, PLAINTEXT on 9092.
    cat >"$CONFIG" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
PROPS
  fi
  grep -q '^log.dirs=' "$CONFIG" || echo 'log.dirs=/var/lib/kafka/data' >>"$CONFIG"
}

umask 077 # the configuration may hold the broker's passwords
write_config
logdir="$(sed -n 's/^log.dirs=//p' "$CONFIG" | cut -d, -f1)"
if [ ! -f "$logdir/meta.properties" ]; then
  # FAULTLINE_SCRAM_CREDENTIALS (space-separated `SCRAM-SHA-512=[name=…,password=…]`): SCRAM
  # credentials created in the storage, so they exist before the broker serves. Passed in an
  # argument file (`java @file`, 0600, removed after), not on a command line anyone can read.
  args=$(mktemp)
  {
    printf '%s\n' "${LOG4J[@]}" -cp "$CLASSPATH" kafka.tools.StorageTool format \
      -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$CONFIG" --ignore-formatted
    read -r -a creds <<<"${FAULTLINE_SCRAM_CREDENTIALS:-}" # split on spaces, no globbing of the [...]
    for cred in "${creds[@]}"; do printf -- '--add-scram\n%s\n' "$cred"; done
  } >"$args"
  java "@$args" || { rm -f "$args"; exit 1; }
  rm -f "$args"
fi
# shellcheck disable=SC2086 # the *_OPTS variables are word lists by contract
exec java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms128m} -XX:+UseSerialGC -XX:MaxMetaspaceSize=192m \
  -Djava.awt.headless=true ${KAFKA_OPTS:-} "${LOG4J[@]}" -cp "$CLASSPATH" kafka.Kafka "$CONFIG"
