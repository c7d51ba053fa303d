#!/usr/bin/env bash
# An independent Avro consumer against rest2kafka's output (issue 12): Python's confluent-kafka
# AvroDeserializer, from PyPI, in a venv (default /tmp/r2k-py-avro). Not part of CI or npm test.
#   KAFKA_BROKERS=127.0.0.1:9092 REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 bash scripts/consumers/check-python-avro.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${VENV:-/tmp/r2k-py-avro}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import confluent_kafka.schema_registry.avro' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'confluent-kafka[avro]'
fi
"$venv/bin/python" -c 'import confluent_kafka, fastavro; print(f"confluent-kafka {confluent_kafka.__version__}, librdkafka {confluent_kafka.libversion()[0]}, fastavro {fastavro.__version__}")'
PYTHON="$venv/bin/python" exec "$root/node_modules/.bin/jiti" "$root/scripts/consumers/check-python-avro.ts"
