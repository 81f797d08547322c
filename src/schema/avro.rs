//! Avro bodies to JSON, the way the README documents: bytes and fixed as
//! base64, enums by symbol, decimals as exact decimal strings, dates and
//! timestamps as ISO 8601 text, a union holding null or one other type as
//! that value, and any other union as `{"<branch>": value}` so that no two
//! branches read alike.

use std::collections::HashMap;

use apache_avro::schema::{Name, Schema, UnionSchema};
use apache_avro::types::Value as Avro;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::{Map, Value};

/// The largest Avro string or bytes field creel decodes (a Kafka message
/// is rarely over a few MiB; larger fields are shown raw with the reason).
pub const MAX_FIELD_BYTES: usize = 64 << 20;

/// A writer schema with the named types it and its references define.
pub struct AvroDecoder {
    schema: Schema,
    /// The referenced schemas, which the datum reader resolves names in.
    others: Vec<Schema>,
    /// Every named type, for following `Ref`s while writing JSON.
    names: HashMap<Name, Schema>,
}

impl AvroDecoder {
    /// `references` are the texts of the schemas the main one names
    /// (Confluent's schema references), in dependency order.
    pub fn new(text: &str, references: &[String]) -> Result<AvroDecoder, String> {
        // A corrupt length prefix must not make the reader allocate what
        // the body cannot hold: apache-avro's default cap is 512 MiB.
        apache_avro::util::max_allocation_bytes(MAX_FIELD_BYTES);
        let (schema, others) = if references.is_empty() {
            (
                Schema::parse_str(text).map_err(|e| e.to_string())?,
                Vec::new(),
            )
        } else {
            Schema::parse_str_with_list(text, references).map_err(|e| e.to_string())?
        };
        let mut names = HashMap::new();
        for s in others.iter().chain(std::iter::once(&schema)) {
            collect_names(s, &mut names);
        }
        Ok(AvroDecoder {
            schema,
            others,
            names,
        })
    }

    pub fn decode(&self, body: &[u8]) -> Result<Value, String> {
        let mut reader = body;
        let refs: Vec<&Schema> = self.others.iter().collect();
        let value = apache_avro::from_avro_datum_schemata(&self.schema, refs, &mut reader, None)
            .map_err(|e| e.to_string())?;
        if !reader.is_empty() {
            return Err(format!(
                "{} bytes left over after the value (wrong schema?)",
                reader.len()
            ));
        }
        Ok(self.to_json(&value, &self.schema))
    }

    /// JSON as the reader writes it, back to an Avro body; a mismatch is
    /// refused with its path.
    pub fn encode(&self, json: &Value) -> Result<Vec<u8>, String> {
        let writer = super::avro_encode::AvroWriter { names: &self.names };
        let value = writer.value(json, &self.schema, &super::avro_encode::Path::default())?;
        let refs: Vec<&Schema> = self.others.iter().collect();
        apache_avro::to_avro_datum_schemata(&self.schema, refs, value).map_err(|e| e.to_string())
    }

    fn resolve<'a>(&'a self, schema: &'a Schema) -> &'a Schema {
        match schema {
            Schema::Ref { name } => self.names.get(name).unwrap_or(schema),
            s => s,
        }
    }

    fn to_json(&self, value: &Avro, schema: &Schema) -> Value {
        let schema = self.resolve(schema);
        match value {
            Avro::Null => Value::Null,
            Avro::Boolean(b) => Value::Bool(*b),
            Avro::Int(i) => (*i).into(),
            Avro::Long(i) => (*i).into(),
            Avro::Float(f) => float(f64::from(*f)),
            Avro::Double(f) => float(*f),
            Avro::Bytes(b) | Avro::Fixed(_, b) => STANDARD.encode(b).into(),
            Avro::String(s) => s.clone().into(),
            Avro::Enum(_, symbol) => symbol.clone().into(),
            Avro::Union(i, inner) => {
                let Schema::Union(u) = schema else {
                    return self.to_json(inner, schema);
                };
                let Some(branch) = u.variants().get(*i as usize) else {
                    return self.to_json(inner, schema);
                };
                let v = self.to_json(inner, branch);
                if matches!(**inner, Avro::Null) || plain_union(u) {
                    v
                } else {
                    let mut m = Map::new();
                    m.insert(branch_name(branch), v);
                    Value::Object(m)
                }
            }
            Avro::Array(items) => {
                let item = match schema {
                    Schema::Array(a) => &*a.items,
                    s => s,
                };
                items.iter().map(|v| self.to_json(v, item)).collect()
            }
            Avro::Map(entries) => {
                let item = match schema {
                    Schema::Map(m) => &*m.types,
                    s => s,
                };
                // Avro maps have no order; sorted keys keep output stable.
                let mut keys: Vec<&String> = entries.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), self.to_json(&entries[k], item)))
                        .collect(),
                )
            }
            Avro::Record(fields) => {
                let field_schemas: HashMap<&str, &Schema> = match schema {
                    Schema::Record(r) => r
                        .fields
                        .iter()
                        .map(|f| (f.name.as_str(), &f.schema))
                        .collect(),
                    _ => HashMap::new(),
                };
                Value::Object(
                    fields
                        .iter()
                        .map(|(name, v)| {
                            let s = field_schemas.get(name.as_str()).copied().unwrap_or(schema);
                            (name.clone(), self.to_json(v, s))
                        })
                        .collect(),
                )
            }
            Avro::Date(days) => NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|d| d.checked_add_signed(chrono::Duration::days(i64::from(*days))))
                .map_or_else(|| (*days).into(), |d| d.to_string().into()),
            Avro::TimeMillis(ms) => time_of_day(i64::from(*ms) * 1_000_000, *ms),
            Avro::TimeMicros(us) => time_of_day(us.saturating_mul(1_000), *us),
            Avro::TimestampMillis(t) => instant(t.saturating_mul(1_000_000), true, *t),
            Avro::TimestampMicros(t) => instant(t.saturating_mul(1_000), true, *t),
            Avro::TimestampNanos(t) => instant(*t, true, *t),
            Avro::LocalTimestampMillis(t) => instant(t.saturating_mul(1_000_000), false, *t),
            Avro::LocalTimestampMicros(t) => instant(t.saturating_mul(1_000), false, *t),
            Avro::LocalTimestampNanos(t) => instant(*t, false, *t),
            Avro::Decimal(d) => {
                let scale = match schema {
                    Schema::Decimal(d) => d.scale,
                    _ => 0,
                };
                let unscaled = num_bigint::BigInt::from(d.clone());
                decimal_text(&unscaled.to_string(), scale).into()
            }
            Avro::BigDecimal(d) => d.to_string().into(),
            Avro::Uuid(u) => u.to_string().into(),
            Avro::Duration(d) => serde_json::json!({
                "months": u32::from(d.months()),
                "days": u32::from(d.days()),
                "millis": u32::from(d.millis()),
            }),
        }
    }
}

/// `["null", X]` and `[X]` read the same as X itself: no ambiguity.
pub(crate) fn plain_union(u: &UnionSchema) -> bool {
    u.variants()
        .iter()
        .filter(|s| !matches!(s, Schema::Null))
        .count()
        <= 1
}

pub(crate) fn branch_name(s: &Schema) -> String {
    match s {
        Schema::Record(r) => r.name.fullname(None),
        Schema::Enum(e) => e.name.fullname(None),
        Schema::Fixed(f) => f.name.fullname(None),
        Schema::Ref { name } => name.fullname(None),
        other => {
            let kind: apache_avro::schema::SchemaKind = other.into();
            format!("{kind:?}").to_lowercase()
        }
    }
}

fn collect_names(s: &Schema, names: &mut HashMap<Name, Schema>) {
    match s {
        Schema::Record(r) => {
            names.insert(r.name.clone(), s.clone());
            for f in &r.fields {
                collect_names(&f.schema, names);
            }
        }
        Schema::Enum(e) => {
            names.insert(e.name.clone(), s.clone());
        }
        Schema::Fixed(f) => {
            names.insert(f.name.clone(), s.clone());
        }
        Schema::Array(a) => collect_names(&a.items, names),
        Schema::Map(m) => collect_names(&m.types, names),
        Schema::Union(u) => u.variants().iter().for_each(|v| collect_names(v, names)),
        Schema::Decimal(d) => collect_names(&d.inner, names),
        _ => {}
    }
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or_else(|| f.to_string().into(), Value::Number)
}

/// An unscaled integer's digits with the decimal point `scale` places in.
fn decimal_text(digits: &str, scale: usize) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", digits),
    };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

fn time_of_day(nanos: i64, raw: impl Into<Value>) -> Value {
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000);
    match NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, sub as u32) {
        Some(t) if (0..86_400).contains(&secs) => t.format("%H:%M:%S%.f").to_string().into(),
        _ => raw.into(),
    }
}

fn instant(nanos: i64, utc: bool, raw: i64) -> Value {
    // A saturated product means the value is out of chrono's range.
    if nanos == i64::MAX || nanos == i64::MIN {
        return raw.into();
    }
    let t = DateTime::<Utc>::from_timestamp_nanos(nanos);
    let text = t.format("%Y-%m-%dT%H:%M:%S%.f").to_string();
    if utc {
        format!("{text}Z").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apache_avro::types::Record;

    const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"long"},
        {"name":"note","type":["null","string"],"default":null},
        {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
        {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"state","type":{"type":"enum","name":"State","symbols":["NEW","PAID"]}},
        {"name":"either","type":["int","string"]},
        {"name":"raw","type":"bytes"}]}"#;

    #[test]
    fn avro_reads_as_the_readme_says() {
        let d = AvroDecoder::new(ORDER, &[]).unwrap();
        let mut r = Record::new(&d.schema).unwrap();
        r.put("id", 7i64);
        r.put("note", Avro::Union(1, Box::new(Avro::String("hi".into()))));
        r.put(
            "amount",
            Avro::Decimal(apache_avro::Decimal::from(vec![0x30, 0x39])),
        );
        r.put("at", Avro::TimestampMillis(1_700_000_000_123));
        r.put("state", Avro::Enum(1, "PAID".into()));
        r.put("either", Avro::Union(1, Box::new(Avro::String("x".into()))));
        r.put("raw", Avro::Bytes(vec![0, 255]));
        let body = apache_avro::to_avro_datum(&d.schema, r).unwrap();
        assert_eq!(
            d.decode(&body).unwrap().to_string(),
            r#"{"id":7,"note":"hi","amount":"123.45","at":"2023-11-14T22:13:20.123Z","state":"PAID","either":{"string":"x"},"raw":"AP8="}"#
        );
        let err = d.decode(&body[..3]).unwrap_err();
        assert!(!err.is_empty());
        let mut longer = body.clone();
        longer.push(1);
        assert!(d.decode(&longer).unwrap_err().contains("left over"));
    }

    #[test]
    fn references_resolve_named_types_from_other_subjects() {
        let money = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"}]}"#;
        let main = r#"{"type":"record","name":"Refund","namespace":"shop","fields":[{"name":"total","type":"shop.Money"}]}"#;
        let d = AvroDecoder::new(main, &[money.to_string()]).unwrap();
        // cents = 5 (zigzag varint 10)
        assert_eq!(
            d.decode(&[10]).unwrap().to_string(),
            r#"{"total":{"cents":5}}"#
        );
    }

    #[test]
    fn decimals_keep_every_digit() {
        assert_eq!(decimal_text("5", 2), "0.05");
        assert_eq!(decimal_text("-12345", 2), "-123.45");
        assert_eq!(decimal_text("7", 0), "7");
    }
}
