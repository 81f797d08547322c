#!/usr/bin/env python3
"""Writes Avro, Protobuf and JSON Schema messages in the Schema Registry
wire format with Confluent's own Python serializers (an encoder that is not
creel's), and prints what each message holds as the JSON creel must show.

    encode.py BOOTSTRAP REGISTRY_URL PREFIX

Topics: PREFIX-avro (three versions of the value schema: a field added,
then one removed; Avro string keys), PREFIX-proto (nested types, an enum,
a well-known type, an import registered as a reference, three message
types of one file), PREFIX-json (JSON Schema). One JSON line per message
on stdout: {"topic", "offset", "key", "value"}.
"""

import base64
import json
import sys
import time
from decimal import Decimal
from datetime import datetime, timezone

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.serialization import MessageField, SerializationContext
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf import timestamp_pb2

bootstrap, registry_url, prefix = sys.argv[1:4]
# A generous timeout: a registration that times out on a loaded machine is
# retried by the client, and the retry fails as "already exists".
registry = SchemaRegistryClient({"url": registry_url, "timeout": 120})
producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
admin = AdminClient({"bootstrap.servers": bootstrap})
for f in admin.create_topics(
    [NewTopic(f"{prefix}-{kind}", num_partitions=1) for kind in ("avro", "proto", "json")]
).values():
    f.result()
written = []


def registered(serialize, obj, ctx):
    """Apicurio 2.4 answers 409 "already exists" when two artifacts with
    the same content are created at the same moment (the tests run in
    parallel, each registering "string" keys): the artifact was not made,
    and asking again makes it."""
    for attempt in range(10):
        try:
            return serialize(obj, ctx)
        except SchemaRegistryError as e:
            if e.http_status_code != 409 or attempt == 9:
                raise
            time.sleep(0.2 * (attempt + 1))


def send(topic, key, value, expected_key, expected_value):
    def done(err, msg):
        if err is not None:
            raise SystemExit(f"delivery failed: {err}")
        written.append(
            {"topic": topic, "offset": msg.offset(), "key": expected_key, "value": expected_value}
        )

    producer.produce(topic, key=key, value=value, partition=0, on_delivery=done)
    producer.flush()


# --- Avro: three versions of one subject -----------------------------------
def avro_schema(version):
    fields = [
        {"name": "id", "type": "long"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["NEW", "PAID", "SHIPPED"]}},
        {"name": "tags", "type": {"type": "map", "values": "int"}},
        {"name": "blob", "type": "bytes"},
    ]
    if version < 3:
        fields.append({"name": "note", "type": ["null", "string"], "default": None})
    if version >= 2:
        fields.append({"name": "channel", "type": "string", "default": "web"})
        fields.append({"name": "either", "type": ["int", "string"], "default": 0})
    return json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": fields})


topic = f"{prefix}-avro"
key_ser = AvroSerializer(registry, '"string"')
for version in (1, 2, 3):
    ser = AvroSerializer(registry, avro_schema(version))
    for n in range(3):
        seq = version * 10 + n
        at = datetime(2026, 11, 30, 12, 0, seq, 123000, tzinfo=timezone.utc)
        record = {
            "id": seq,
            "amount": Decimal(f"{seq}.05"),
            "at": at,
            "state": ["NEW", "PAID", "SHIPPED"][n],
            # Avro maps have no order: one entry in the first of each
            # version, so that its bytes are fixed for creel to match.
            "tags": {"b": n, "a": seq} if n else {"a": seq},
            "blob": bytes([0, 255, seq]),
        }
        expected = {
            "id": seq,
            "amount": f"{seq}.05",
            "at": at.strftime("%Y-%m-%dT%H:%M:%S.123Z"),
            "state": record["state"],
            "tags": {"a": seq, "b": n} if n else {"a": seq},
            "blob": base64.b64encode(record["blob"]).decode(),
        }
        if version < 3:
            record["note"] = None if n == 0 else f"note {seq}"
            expected["note"] = record["note"]
        if version >= 2:
            record["channel"] = "app"
            record["either"] = f"s{seq}" if n % 2 else seq
            expected["channel"] = "app"
            expected["either"] = {"string": f"s{seq}"} if n % 2 else {"int": seq}
        key = f"order-{seq}"
        send(
            topic,
            registered(key_ser, key, SerializationContext(topic, MessageField.KEY)),
            registered(ser, record, SerializationContext(topic, MessageField.VALUE)),
            key,
            expected,
        )

# --- Protobuf: nested types, an enum, Timestamp, an imported file ----------
pool = descriptor_pool.Default()
money = descriptor_pb2.FileDescriptorProto(name="shop/money.proto", package="shop", syntax="proto3")
m = money.message_type.add(name="Money")
m.field.add(name="cents", number=1, type=3, label=1)  # int64
m.field.add(name="currency", number=2, type=9, label=1)  # string
pool.Add(money)

shop = descriptor_pb2.FileDescriptorProto(
    name="shop/payment.proto",
    package="shop",
    syntax="proto3",
    dependency=["shop/money.proto", "google/protobuf/timestamp.proto"],
)
shop.message_type.add(name="Ping").field.add(name="n", number=1, type=5, label=1)
p = shop.message_type.add(name="Payment")
p.field.add(name="payment_id", number=1, type=9, label=1)
p.field.add(name="amount", number=2, type=11, label=1, type_name=".shop.Money")
p.field.add(name="at", number=3, type=11, label=1, type_name=".google.protobuf.Timestamp")
p.field.add(name="kind", number=4, type=14, label=1, type_name=".shop.Payment.Kind")
p.field.add(name="lines", number=5, type=11, label=3, type_name=".shop.Payment.Line")
p.field.add(name="raw", number=6, type=12, label=1)  # bytes
kind = p.enum_type.add(name="Kind")
kind.value.add(name="CARD", number=0)
kind.value.add(name="CASH", number=1)
line = p.nested_type.add(name="Line")
line.field.add(name="sku", number=1, type=9, label=1)
line.field.add(name="count", number=2, type=3, label=1)
pool.Add(shop)

Payment = message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Payment"))
Line = message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Payment.Line"))
Ping = message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Ping"))

topic = f"{prefix}-proto"
conf = {"use.deprecated.format": False}
for cls, make in (
    (Payment, lambda i: Payment(
        payment_id=f"pay-{i}",
        amount={"cents": 1000 + i, "currency": "EUR"},
        at=timestamp_pb2.Timestamp(seconds=1_764_504_000 + i, nanos=5_000_000),
        kind=i % 2,
        lines=[Line(sku=f"sku-{i}", count=i + 1), Line(sku="x", count=9_000_000_000)],
        raw=bytes([i, 0, 200]),
    )),
    (Line, lambda i: Line(sku=f"nested-{i}", count=i)),
    (Ping, lambda i: Ping(n=i)),
):
    ser = ProtobufSerializer(cls, registry, conf)
    for i in range(1, 3):
        msg = make(i)
        send(
            topic,
            f"k{i}".encode(),
            registered(ser, msg, SerializationContext(topic, MessageField.VALUE)),
            f"k{i}",
            json_format.MessageToDict(msg),
        )

# --- JSON Schema ------------------------------------------------------------
topic = f"{prefix}-json"
schema = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Click",
    "type": "object",
    "properties": {"page": {"type": "string"}, "ms": {"type": "integer"}},
    "required": ["page"],
})
ser = JSONSerializer(schema, registry)
for i in range(3):
    doc = {"page": f"/p/{i}", "ms": i * 7}
    send(topic, f"c{i}".encode(), registered(ser, doc, SerializationContext(topic, MessageField.VALUE)), f"c{i}", doc)

for w in written:
    print(json.dumps(w))
