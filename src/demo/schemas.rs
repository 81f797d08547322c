//! The demo's schema-registry topics: `returns` in Avro and
//! `loyalty-points` in Protobuf, keys and values in Confluent's wire
//! format, with their schemas in an in-process registry that the demo also
//! serves on loopback (its stand-in for a Schema Registry, as the mock
//! cluster is for Kafka).

use std::sync::Arc;

use apache_avro::types::Value as Avro;
use prost::Message as _;
use prost_reflect::{DynamicMessage, MessageDescriptor, Value as Proto};

use super::catalog::{pick, Catalog};
use super::events::Event;
use crate::schema::protobuf::{ProtoSource, ProtobufDecoder};
use crate::schema::{wire, MemoryRegistry, SchemaKind};

pub const RETURNS: &str = "returns";
pub const LOYALTY: &str = "loyalty-points";

const RETURN_AVRO: &str = r#"{"type":"record","name":"Return","namespace":"shop.returns","fields":[
  {"name":"return_id","type":"string"},
  {"name":"order_id","type":"string"},
  {"name":"reason","type":{"type":"enum","name":"Reason","symbols":["DAMAGED","WRONG_SIZE","CHANGED_MIND","LATE"]}},
  {"name":"refund","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
  {"name":"requested_at","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"note","type":["null","string"],"default":null}]}"#;

const LOYALTY_PROTO: &str = r#"syntax = "proto3";
package shop.loyalty;

import "google/protobuf/timestamp.proto";

message PointsEarned {
  string customer = 1;
  int64 points = 2;
  enum Tier { BRONZE = 0; SILVER = 1; GOLD = 2; }
  Tier tier = 3;
  repeated string reasons = 4;
  google.protobuf.Timestamp at = 5;
}

message CustomerKey { string customer = 1; }
"#;

/// The schemas registered, and how to write each record.
pub struct Schemas {
    pub registry: Arc<MemoryRegistry>,
    return_key: u32,
    return_value: (u32, apache_avro::Schema),
    loyalty_key: (u32, MessageDescriptor),
    loyalty_value: (u32, MessageDescriptor),
}

impl Schemas {
    pub fn new() -> anyhow::Result<Schemas> {
        let registry = Arc::new(MemoryRegistry::new());
        let return_key = registry.register("returns-key", SchemaKind::Avro, r#""string""#, vec![]);
        let return_value =
            registry.register("returns-value", SchemaKind::Avro, RETURN_AVRO, vec![]);
        let loyalty_key = registry.register(
            "loyalty-points-key",
            SchemaKind::Protobuf,
            LOYALTY_PROTO,
            vec![],
        );
        let loyalty_value = registry.register(
            "loyalty-points-value",
            SchemaKind::Protobuf,
            LOYALTY_PROTO,
            vec![],
        );
        let proto = ProtobufDecoder::new(
            ProtoSource {
                name: "loyalty.proto".into(),
                text: LOYALTY_PROTO.into(),
            },
            vec![],
        )
        .map_err(|e| anyhow::anyhow!(e))?;
        Ok(Schemas {
            registry,
            return_key,
            return_value: (return_value, apache_avro::Schema::parse_str(RETURN_AVRO)?),
            loyalty_key: (
                loyalty_key,
                proto.message_at(&[1]).map_err(|e| anyhow::anyhow!(e))?,
            ),
            loyalty_value: (
                loyalty_value,
                proto.message_at(&[0]).map_err(|e| anyhow::anyhow!(e))?,
            ),
        })
    }

    pub fn a_return(&self, rng: &mut fastrand::Rng, seq: u64, at_ms: i64) -> Event {
        const REASONS: [&str; 4] = ["DAMAGED", "WRONG_SIZE", "CHANGED_MIND", "LATE"];
        let reason = rng.usize(..REASONS.len());
        let cents: i64 = rng.i64(500..25_000);
        let note = match rng.u8(..3) {
            0 => Avro::Union(1, Box::new(Avro::String("box was open".into()))),
            _ => Avro::Union(0, Box::new(Avro::Null)),
        };
        let (id, schema) = &self.return_value;
        let value = Avro::Record(vec![
            ("return_id".into(), Avro::String(format!("RET-{seq:06}"))),
            (
                "order_id".into(),
                Avro::String(format!("ORD-{:06}", seq.saturating_sub(rng.u64(1..50)))),
            ),
            (
                "reason".into(),
                Avro::Enum(reason as u32, REASONS[reason].into()),
            ),
            (
                "refund".into(),
                Avro::Decimal(apache_avro::Decimal::from(cents.to_be_bytes().to_vec())),
            ),
            ("requested_at".into(), Avro::TimestampMillis(at_ms)),
            ("note".into(), note),
        ]);
        let key = Avro::String(format!("RET-{seq:06}"));
        Event {
            topic: RETURNS,
            key: Some(framed(
                self.return_key,
                &apache_avro::to_avro_datum(&apache_avro::Schema::String, key).unwrap_or_default(),
            )),
            value: Some(framed(
                *id,
                &apache_avro::to_avro_datum(schema, value).unwrap_or_default(),
            )),
            headers: vec![],
        }
    }

    pub fn loyalty(&self, rng: &mut fastrand::Rng, c: &Catalog, at_ms: i64) -> Event {
        let customer = pick(rng, &c.customers).clone();
        let (key_id, key_desc) = &self.loyalty_key;
        let mut key = DynamicMessage::new(key_desc.clone());
        key.set_field_by_name("customer", Proto::String(customer.clone()));
        let (value_id, desc) = &self.loyalty_value;
        let mut m = DynamicMessage::new(desc.clone());
        m.set_field_by_name("customer", Proto::String(customer));
        m.set_field_by_name("points", Proto::I64(rng.i64(5..500)));
        m.set_field_by_name("tier", Proto::EnumNumber(rng.i32(0..3)));
        let reasons: Vec<Proto> = ["purchase", "review", "referral"]
            .iter()
            .filter(|_| rng.bool())
            .map(|r| Proto::String((*r).into()))
            .collect();
        m.set_field_by_name("reasons", Proto::List(reasons));
        if let Some(ts) = desc
            .get_field_by_name("at")
            .and_then(|f| f.kind().as_message().cloned())
        {
            let mut t = DynamicMessage::new(ts);
            t.set_field_by_name("seconds", Proto::I64(at_ms.div_euclid(1000)));
            t.set_field_by_name(
                "nanos",
                Proto::I32((at_ms.rem_euclid(1000) * 1_000_000) as i32),
            );
            m.set_field_by_name("at", Proto::Message(t));
        }
        Event {
            topic: LOYALTY,
            key: Some(framed_proto(*key_id, &[1], &key.encode_to_vec())),
            value: Some(framed_proto(*value_id, &[0], &m.encode_to_vec())),
            headers: vec![],
        }
    }
}

fn framed(id: u32, body: &[u8]) -> Vec<u8> {
    let mut out = wire::header(id).to_vec();
    out.extend_from_slice(body);
    out
}

fn framed_proto(id: u32, path: &[usize], body: &[u8]) -> Vec<u8> {
    let mut out = wire::header(id).to_vec();
    wire::write_message_indexes(path, &mut out);
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Decoders, Decoding};

    /// What the demo writes, its own registry decodes.
    #[test]
    fn the_demo_records_decode_through_the_demo_registry() {
        let s = Schemas::new().unwrap();
        let c = Catalog::embedded().unwrap();
        let d = Decoders::new(s.registry.clone());
        let mut rng = fastrand::Rng::with_seed(1);
        let r = s.a_return(&mut rng, 42, 1_700_000_000_000);
        let Decoding::Decoded { json, schema, .. } = d.decode_blocking(r.value.as_deref()) else {
            panic!("{:?}", d.decode_blocking(r.value.as_deref()));
        };
        assert_eq!(json["return_id"], "RET-000042");
        assert_eq!(json["requested_at"], "2023-11-14T22:13:20Z");
        assert_eq!(schema.subject.as_deref(), Some("returns-value"));
        let Decoding::Decoded { json, .. } = d.decode_blocking(r.key.as_deref()) else {
            panic!("key")
        };
        assert_eq!(json, "RET-000042");
        let l = s.loyalty(&mut rng, &c, 1_700_000_000_000);
        let Decoding::Decoded {
            json, type_name, ..
        } = d.decode_blocking(l.value.as_deref())
        else {
            panic!("loyalty")
        };
        assert_eq!(type_name.as_deref(), Some("shop.loyalty.PointsEarned"));
        assert!(json["customer"].is_string());
        let Decoding::Decoded { type_name, .. } = d.decode_blocking(l.key.as_deref()) else {
            panic!("loyalty key")
        };
        assert_eq!(type_name.as_deref(), Some("shop.loyalty.CustomerKey"));
    }
}
