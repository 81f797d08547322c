#!/usr/bin/env python3
"""Writes bare Avro and Protobuf messages (no registry, no wire-format
header) with encoders that are not creel's: fastavro's schemaless writer
and Google's protobuf runtime. creel reads them through schema files
pinned in a profile.

    bare.py BOOTSTRAP PREFIX DIR

Reads DIR/order.avsc; writes DIR/shop.pb (a FileDescriptorSet of
shop/money.proto and shop/order.proto, the same types as the .proto files
the test wrote there). Topics: PREFIX-avro (Avro values, text keys) and
PREFIX-proto (shop.Order values, shop.Money keys). One JSON line per
message on stdout: {"topic", "offset", "key", "value"} as creel must show
them decoded.
"""

import io
import json
import sys

import fastavro
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

bootstrap, prefix, folder = sys.argv[1:4]
producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
admin = AdminClient({"bootstrap.servers": bootstrap})
for f in admin.create_topics(
    [NewTopic(f"{prefix}-{kind}", num_partitions=1) for kind in ("avro", "proto")]
).values():
    f.result()
written = []


def send(topic, key, value, expected_key, expected_value):
    def delivered(err, msg):
        if err is not None:
            raise RuntimeError(err)
        written.append(
            {"topic": topic, "offset": msg.offset(), "key": expected_key, "value": expected_value}
        )

    producer.produce(topic, key=key, value=value, on_delivery=delivered)
    producer.flush()


# --- Avro, schemaless -------------------------------------------------------
with open(f"{folder}/order.avsc") as f:
    schema = fastavro.parse_schema(json.load(f))
for i in range(3):
    order = {"id": f"ORD-{i}", "quantity": i * 7, "note": None if i % 2 else f"gift {i}"}
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, order)
    send(f"{prefix}-avro", f"k{i}".encode(), out.getvalue(), None, order)

# --- Protobuf, bare messages ------------------------------------------------
pool = descriptor_pool.DescriptorPool()
money = descriptor_pb2.FileDescriptorProto(name="shop/money.proto", package="shop", syntax="proto3")
m = money.message_type.add(name="Money")
m.field.add(name="cents", number=1, type=3, label=1)  # int64
m.field.add(name="currency", number=2, type=9, label=1)  # string
pool.Add(money)
order = descriptor_pb2.FileDescriptorProto(
    name="shop/order.proto", package="shop", syntax="proto3", dependency=["shop/money.proto"]
)
o = order.message_type.add(name="Order")
o.field.add(name="id", number=1, type=9, label=1)
o.field.add(name="total", number=2, type=11, label=1, type_name=".shop.Money")
o.field.add(name="tags", number=3, type=9, label=3)
pool.Add(order)
with open(f"{folder}/shop.pb", "wb") as f:
    f.write(descriptor_pb2.FileDescriptorSet(file=[money, order]).SerializeToString())

Money = message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Money"))
Order = message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Order"))
for i in range(3):
    value = Order(id=f"P-{i}", total=Money(cents=1000 + i, currency="EUR"), tags=["a", f"t{i}"])
    key = Money(cents=i + 1, currency="USD")
    send(
        f"{prefix}-proto",
        key.SerializeToString(),
        value.SerializeToString(),
        json_format.MessageToDict(key),
        json_format.MessageToDict(value),
    )

for w in written:
    print(json.dumps(w))
