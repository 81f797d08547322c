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
                Avro::Decimal(
                    // Minimal two's complement, as Java's BigInteger writes it.
                    apache_avro::Decimal::from(
                        num_bigint::BigInt::from(cents).to_signed_bytes_be(),
                    ),
                ),
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
        let Decoding::Decoded { json, schema, .. } =
            d.decode_blocking("demo", crate::schema::Part::Value, r.value.as_deref())
        else {
            panic!(
                "{:?}",
                d.decode_blocking("demo", crate::schema::Part::Value, r.value.as_deref())
            );
        };
        assert_eq!(json["return_id"], "RET-000042");
        assert_eq!(json["requested_at"], "2023-11-14T22:13:20Z");
        assert_eq!(schema.subject.as_deref(), Some("returns-value"));
        let Decoding::Decoded { json, .. } =
            d.decode_blocking("demo", crate::schema::Part::Key, r.key.as_deref())
        else {
            panic!("key")
        };
        assert_eq!(json, "RET-000042");
        let l = s.loyalty(&mut rng, &c, 1_700_000_000_000);
        let Decoding::Decoded {
            json, type_name, ..
        } = d.decode_blocking("demo", crate::schema::Part::Value, l.value.as_deref())
        else {
            panic!("loyalty")
        };
        assert_eq!(type_name.as_deref(), Some("shop.loyalty.PointsEarned"));
        assert!(json["customer"].is_string());
        let Decoding::Decoded { type_name, .. } =
            d.decode_blocking("demo", crate::schema::Part::Key, l.key.as_deref())
        else {
            panic!("loyalty key")
        };
        assert_eq!(type_name.as_deref(), Some("shop.loyalty.CustomerKey"));
    }

    /// Replay: what reads as some JSON is written back from that JSON,
    /// with the same schema id, to the same bytes.
    #[test]
    fn decoded_records_encode_back_byte_for_byte() {
        use crate::schema::SchemaChoice;
        let s = Schemas::new().unwrap();
        let c = Catalog::embedded().unwrap();
        let d = Decoders::new(s.registry.clone());
        let mut rng = fastrand::Rng::with_seed(7);
        for seq in 0..40 {
            let e = if seq % 2 == 0 {
                s.a_return(&mut rng, seq, 1_700_000_000_000 + seq as i64)
            } else {
                s.loyalty(&mut rng, &c, 1_700_000_000_000 + seq as i64)
            };
            for bytes in [e.key.as_deref(), e.value.as_deref()] {
                let Decoding::Decoded {
                    json,
                    schema,
                    type_name,
                } = d.decode_blocking("demo", crate::schema::Part::Value, bytes)
                else {
                    panic!(
                        "{:?}",
                        d.decode_blocking("demo", crate::schema::Part::Value, bytes)
                    );
                };
                let choice = SchemaChoice::parse(
                    &format!("#{} {}", schema.id, type_name.unwrap_or_default()),
                    "",
                )
                .unwrap();
                let pretty = serde_json::to_string_pretty(&json).unwrap();
                let again = d.encoder(&choice).unwrap().encode(&pretty).unwrap();
                assert_eq!(Some(&again[..]), bytes, "{pretty}");
            }
        }
    }

    /// A value that does not fit is refused before sending, saying where.
    #[test]
    fn a_value_that_does_not_fit_the_schema_says_where() {
        use crate::schema::SchemaChoice;
        let s = Schemas::new().unwrap();
        let d = Decoders::new(s.registry.clone());
        let avro = d
            .encoder(&SchemaChoice::parse("", "returns-value").unwrap())
            .unwrap();
        let good = r#"{"return_id":"R1","order_id":"O1","reason":"LATE","refund":"12.50","requested_at":"2026-12-01T10:00:00Z"}"#;
        let bytes = avro.encode(good).unwrap();
        let back = d.decode_blocking("demo", crate::schema::Part::Value, Some(&bytes));
        let Decoding::Decoded { json, .. } = back else {
            panic!("{back:?}")
        };
        assert_eq!(json["refund"], "12.50");
        assert_eq!(
            json["note"],
            serde_json::Value::Null,
            "the default filled in"
        );
        let e = avro.encode(&good.replace("LATE", "SOON")).unwrap_err();
        assert!(
            e.starts_with("at $.reason: \"SOON\" is not a symbol"),
            "{e}"
        );
        let e = avro.encode(&good.replace("12.50", "12.505")).unwrap_err();
        assert!(e.starts_with("at $.refund:"), "{e}");
        let e = avro
            .encode(&good.replace(r#""R1""#, r#""R1","colour":"red""#))
            .unwrap_err();
        assert!(e.contains("no field \"colour\""), "{e}");
        let e = avro.encode(r#"{"return_id":"R1"}"#).unwrap_err();
        assert!(e.starts_with("at $.order_id: missing"), "{e}");
        let proto = d
            .encoder(&SchemaChoice::parse("", "loyalty-points-value").unwrap())
            .unwrap();
        let e = proto
            .encode(r#"{"customer":"c1","reasons":["a",7]}"#)
            .unwrap_err();
        assert!(e.starts_with("at $.reasons[1]:"), "{e}");
        let e = proto.encode(r#"{"custmer":"c1"}"#).unwrap_err();
        assert!(e.contains("custmer"), "{e}");
        let ok = proto
            .encode(r#"{"customer":"c1","points":"40","tier":"GOLD","at":"2026-12-01T10:00:00Z"}"#)
            .unwrap();
        let Decoding::Decoded { json, .. } =
            d.decode_blocking("demo", crate::schema::Part::Value, Some(&ok))
        else {
            panic!()
        };
        assert_eq!(json["tier"], "GOLD");
        let e = d
            .encoder(&SchemaChoice::parse("", "nope-value").unwrap())
            .err()
            .unwrap();
        assert!(e.contains("no subject nope-value"), "{e}");
    }

    /// `R` on a decoded message: the form holds its JSON and schema ids,
    /// and sending it unchanged sends the same key and value bytes.
    #[test]
    fn a_replayed_decoded_message_goes_out_as_it_came() {
        use crate::model::{Message, TimestampKind};
        use crate::protocol::produce::{draft_from_decoded, ValueMode};
        let s = Schemas::new().unwrap();
        let c = Catalog::embedded().unwrap();
        let d = Decoders::new(s.registry.clone());
        let mut rng = fastrand::Rng::with_seed(3);
        for e in [
            s.a_return(&mut rng, 5, 1_700_000_000_000),
            s.loyalty(&mut rng, &c, 1_700_000_000_000),
        ] {
            let m = Message {
                partition: 0,
                offset: 9,
                timestamp: Some(1_700_000_000_000),
                timestamp_kind: TimestampKind::Create,
                key: e.key.clone(),
                value: e.value.clone(),
                headers: vec![],
            };
            let draft = draft_from_decoded(
                e.topic,
                &m,
                &d.decode_blocking("demo", crate::schema::Part::Key, m.key.as_deref()),
                &d.decode_blocking("demo", crate::schema::Part::Value, m.value.as_deref()),
            );
            assert_eq!(draft.mode, ValueMode::Schema);
            assert!(draft.value.starts_with("{\n"), "pretty JSON to edit");
            assert!(
                draft.value_schema.starts_with('#'),
                "{}",
                draft.value_schema
            );
            let p = draft.prepare().unwrap();
            let r = p
                .encoders(Some(&d))
                .unwrap()
                .apply(p.record(0).unwrap())
                .unwrap();
            assert_eq!((r.key, r.value), (m.key, m.value), "{}", e.topic);
        }
    }
}
