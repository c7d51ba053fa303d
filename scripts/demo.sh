#!/usr/bin/env bash
# `npm run demo`: the seed's pipeline end to end on this machine. Starts the local Kafka broker
# if KAFKA_BROKERS is not set (and leaves it running for you to explore), starts the incident-API
# simulator (stopped again when the demo ends), runs examples/pipeline.yaml, then shows what
# landed and checks that replaying each topic gives exactly the API's record count. Every step
# is a command you can run yourself.
#
# Ports: SIMULATOR_PORT (default 8080), KAFKA_PORT (9092) and KAFKA_CONTROLLER_PORT (9093) for
# the broker it starts; or KAFKA_BROKERS=host:port to use a broker that already runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
cli() { node dist/lib/cli.js "$@"; }

[ -f dist/lib/cli.js ] || npm run build --silent

export API_KEY="${API_KEY:-demo-key}"
port="${SIMULATOR_PORT:-8080}"
export BASE_URL="http://127.0.0.1:${port}"
config=examples/pipeline.yaml

# A taken port is the usual first-run failure: say which variable moves it.
port_free() { node -e "require('net').createServer().once('error', () => process.exit(1)).listen({ host: '127.0.0.1', port: +process.argv[1], exclusive: true }, function () { this.close(); })" "$1"; }
if ! port_free "$port"; then
  echo "demo: port ${port} (the simulator's) is in use; set SIMULATOR_PORT to a free port, e.g. SIMULATOR_PORT=18080 npm run demo" >&2
  exit 2
fi

started_broker=
if [ -z "${KAFKA_BROKERS:-}" ]; then
  say "Kafka: starting the local broker (npm run kafka:start; stop it with npm run kafka:stop)"
  if ! bash scripts/kafka/kafka.sh start; then
    echo "demo: the broker did not start. If a port is taken, set KAFKA_PORT (default 9092) and KAFKA_CONTROLLER_PORT (default 9093), e.g. KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 npm run demo; or set KAFKA_BROKERS=host:port to use a broker that runs already" >&2
    exit 2
  fi
  started_broker=1
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
else
  say "Kafka: using KAFKA_BROKERS=${KAFKA_BROKERS}"
fi

say "Simulator: npx rest2kafka simulator --port ${port} --api-key ${API_KEY}"
# node directly (not the cli function) so $! is the simulator's own pid. Its stderr goes to a
# file: its own "SIGTERM received, stopping" at the demo's clean-up is not news.
sim_log="${TMPDIR:-/tmp}/rest2kafka-demo-simulator.log"
node dist/lib/cli.js simulator --port "$port" --api-key "$API_KEY" 2>"$sim_log" &
sim_pid=$!
cleanup() {
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  if [ -n "$started_broker" ] && [ -n "${DEMO_STOP_BROKER:-}" ]; then bash scripts/kafka/kafka.sh stop; fi
}
trap cleanup EXIT
sim_up=
for _ in $(seq 1 50); do
  if node -e "require('http').get('${BASE_URL}/_sim/info', r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"; then sim_up=1; break; fi
  sleep 0.2
done
if [ -z "$sim_up" ]; then
  echo "demo: the simulator did not start (its log, ${sim_log}, follows)" >&2
  cat "$sim_log" >&2
  exit 2
fi
echo "listening on ${BASE_URL} (log: ${sim_log})"

say "Check: npx rest2kafka check --config ${config}"
cli check --config "$config"

say "Run: npx rest2kafka run --config ${config}"
cli run --config "$config" --log-format pretty

say "What landed"
status=0
for resource in incidents services; do
  api_total="$(node -e "
    require('http').get('${BASE_URL}/v1/${resource}?limit=1&api_key=' + encodeURIComponent(process.env.API_KEY), (r) => {
      let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => console.log(JSON.parse(b).total));
    });")"
  replayed="$(cli replay --config "$config" --resource "$resource" --summary)"
  live="$(node -e "console.log(JSON.parse(process.argv[1]).live_keys)" "$replayed")"
  printf '%-10s topic %-10s live keys after replay: %-6s API total: %-6s %s\n' "$resource" "$resource" "$live" "$api_total" \
    "$([ "$live" = "$api_total" ] && echo 'match' || echo 'MISMATCH')"
  [ "$live" = "$api_total" ] || status=1
done

say "A sample record (npx rest2kafka replay --config ${config} --resource incidents | head -n 1)"
cli replay --config "$config" --resource incidents | head -n 1

say "Read the topics yourself"
cat <<TXT
  export KAFKA_BROKERS=${KAFKA_BROKERS}
  npx rest2kafka replay --config ${config} --resource incidents    # current state as JSONL
  kcat -b ${KAFKA_BROKERS} -C -t incidents -o beginning -e -K '\t' -X isolation.level=read_committed
  kafka-console-consumer.sh --bootstrap-server ${KAFKA_BROKERS} --topic incidents --from-beginning \\
      --property print.key=true --isolation-level read_committed
  State: topic incidents-demo.state; invalid records: incidents-demo.dead-letter.

The simulator stops with the demo${started_broker:+ (the broker keeps running; npm run kafka:stop stops it)}.
To run the pipeline again, start the simulator in another terminal first:
  npx rest2kafka simulator --port ${port} --api-key ${API_KEY}
  API_KEY=${API_KEY} BASE_URL=${BASE_URL} KAFKA_BROKERS=${KAFKA_BROKERS} npx rest2kafka run --config ${config}
TXT
exit "$status"
