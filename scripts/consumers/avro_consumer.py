"""Reads a topic from the start, read_committed, with confluent-kafka's AvroDeserializer and the
Schema Registry, and prints one JSON line per record: {"key": ..., "value": ...} (value null for
a tombstone). A consumer rest2kafka did not write: used by check-python-avro.ts.

Usage: avro_consumer.py BROKERS REGISTRY_URL TOPIC
"""
import json
import sys
import uuid

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

brokers, registry_url, topic = sys.argv[1:4]
deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
consumer = Consumer({
    "bootstrap.servers": brokers,
    "group.id": f"r2k-python-check-{uuid.uuid4().hex}",
    "isolation.level": "read_committed",
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
})
# The end to read up to: the last stable offset of each partition, as read_committed sees it.
partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
ends = {}
for p in partitions:
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
    if high > low:
        ends[p] = high
consumer.assign([TopicPartition(topic, p, 0) for p in ends])
done = set()
while len(done) < len(ends):
    message = consumer.poll(5.0)
    if message is None:
        # Transaction markers take offsets but are never delivered: stop at the position.
        for tp in consumer.position([TopicPartition(topic, p) for p in ends]):
            if tp.offset >= ends[tp.partition]:
                done.add(tp.partition)
        continue
    if message.error():
        raise SystemExit(f"consumer error: {message.error()}")
    value = None if message.value() is None else deserialize(message.value(), SerializationContext(topic, MessageField.VALUE))
    print(json.dumps({"key": message.key().decode(), "value": value}))
    if message.offset() + 1 >= ends[message.partition()]:
        done.add(message.partition())
consumer.close()
