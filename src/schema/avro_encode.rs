//! JSON to Avro, the inverse of the reading in avro.rs: a value that reads
//! as some JSON is written back from that JSON to the same bytes. Strict on
//! purpose (an unknown field, a missing field without a default, a number
//! out of range are refused) so that a tester's typo is caught before it
//! reaches a topic, with the path of the first mismatch.

use std::collections::HashMap;
use std::str::FromStr;

use apache_avro::schema::{Name, Schema, UnionSchema};
use apache_avro::types::Value as Avro;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde_json::Value;

/// Where in the value a mismatch is, as `$.items[2].price`.
#[derive(Debug, Clone, Default)]
pub struct Path(Vec<String>);

impl Path {
    fn field(&self, name: &str) -> Path {
        let mut p = self.0.clone();
        p.push(format!(".{name}"));
        Path(p)
    }
    fn index(&self, i: usize) -> Path {
        let mut p = self.0.clone();
        p.push(format!("[{i}]"));
        Path(p)
    }
    pub fn fail(&self, what: impl std::fmt::Display) -> String {
        format!("at ${}: {what}", self.0.concat())
    }
}

/// A short picture of a JSON value for error messages.
fn shown(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

pub struct AvroWriter<'a> {
    pub names: &'a HashMap<Name, Schema>,
}

impl AvroWriter<'_> {
    fn resolve<'s>(&'s self, schema: &'s Schema) -> &'s Schema {
        match schema {
            Schema::Ref { name } => self.names.get(name).unwrap_or(schema),
            s => s,
        }
    }

    pub fn value(&self, v: &Value, schema: &Schema, at: &Path) -> Result<Avro, String> {
        let schema = self.resolve(schema);
        let want = |what: &str| at.fail(format!("expected {what}, found {}", shown(v)));
        Ok(match schema {
            Schema::Null => match v {
                Value::Null => Avro::Null,
                _ => return Err(want("null")),
            },
            Schema::Boolean => Avro::Boolean(v.as_bool().ok_or_else(|| want("true or false"))?),
            Schema::Int => Avro::Int(
                v.as_i64()
                    .and_then(|i| i32::try_from(i).ok())
                    .ok_or_else(|| want("a 32-bit integer"))?,
            ),
            Schema::Long => Avro::Long(v.as_i64().ok_or_else(|| want("a 64-bit integer"))?),
            Schema::Float => Avro::Float(number(v).ok_or_else(|| want("a number"))? as f32),
            Schema::Double => Avro::Double(number(v).ok_or_else(|| want("a number"))?),
            Schema::Bytes => Avro::Bytes(base64(v).ok_or_else(|| want("base64 text"))?),
            Schema::Fixed(f) => {
                let b = base64(v).ok_or_else(|| want("base64 text"))?;
                if b.len() != f.size {
                    return Err(at.fail(format!(
                        "{} takes {} bytes, the base64 text holds {}",
                        f.name.fullname(None),
                        f.size,
                        b.len()
                    )));
                }
                Avro::Fixed(f.size, b)
            }
            Schema::String => Avro::String(v.as_str().ok_or_else(|| want("a string"))?.into()),
            Schema::Uuid => Avro::Uuid(
                v.as_str()
                    .and_then(|s| apache_avro::Uuid::parse_str(s).ok())
                    .ok_or_else(|| want("a UUID"))?,
            ),
            Schema::Enum(e) => {
                let s = v.as_str().ok_or_else(|| want("a symbol"))?;
                let i = e.symbols.iter().position(|x| x == s).ok_or_else(|| {
                    at.fail(format!(
                        "{s:?} is not a symbol of {} ({})",
                        e.name.fullname(None),
                        e.symbols.join(", ")
                    ))
                })?;
                Avro::Enum(i as u32, s.into())
            }
            Schema::Union(u) => self.union(v, u, at)?,
            Schema::Array(a) => {
                let items = v.as_array().ok_or_else(|| want("an array"))?;
                Avro::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, x)| self.value(x, &a.items, &at.index(i)))
                        .collect::<Result<_, _>>()?,
                )
            }
            Schema::Map(m) => {
                let o = v.as_object().ok_or_else(|| want("an object"))?;
                Avro::Map(
                    o.iter()
                        .map(|(k, x)| Ok((k.clone(), self.value(x, &m.types, &at.field(k))?)))
                        .collect::<Result<_, String>>()?,
                )
            }
            Schema::Record(r) => {
                let o = v.as_object().ok_or_else(|| want("an object"))?;
                if let Some(extra) = o.keys().find(|k| !r.lookup.contains_key(k.as_str())) {
                    return Err(
                        at.fail(format!("{} has no field {extra:?}", r.name.fullname(None)))
                    );
                }
                let mut fields = Vec::with_capacity(r.fields.len());
                for f in &r.fields {
                    let here = at.field(&f.name);
                    let value = match (o.get(&f.name), &f.default) {
                        (Some(x), _) => self.value(x, &f.schema, &here)?,
                        // A union's default is a value of its first branch.
                        (None, Some(d)) => match self.resolve(&f.schema) {
                            Schema::Union(u) => {
                                let first = u
                                    .variants()
                                    .first()
                                    .ok_or_else(|| here.fail("empty union"))?;
                                Avro::Union(0, Box::new(self.value(d, first, &here)?))
                            }
                            s => self.value(d, s, &here)?,
                        },
                        (None, None) => return Err(here.fail("missing, and it has no default")),
                    };
                    fields.push((f.name.clone(), value));
                }
                Avro::Record(fields)
            }
            Schema::Decimal(d) => {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(want("a decimal such as \"12.50\"")),
                };
                let unscaled = unscaled(&text, d.scale).ok_or_else(|| {
                    at.fail(format!(
                        "{text:?} is not a decimal with at most {} places",
                        d.scale
                    ))
                })?;
                Avro::Decimal(apache_avro::Decimal::from(unscaled.to_signed_bytes_be()))
            }
            Schema::BigDecimal => Avro::BigDecimal(
                v.as_str()
                    .and_then(|s| apache_avro::BigDecimal::from_str(s).ok())
                    .ok_or_else(|| want("a decimal string"))?,
            ),
            Schema::Date => Avro::Date(match v {
                Value::String(s) => {
                    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map_err(|_| want("a date such as \"2026-12-01\""))?;
                    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
                    (d - epoch).num_days() as i32
                }
                _ => int32(v).ok_or_else(|| want("a date such as \"2026-12-01\""))?,
            }),
            Schema::TimeMillis => Avro::TimeMillis(match time(v) {
                Some(n) => (n / 1_000_000) as i32,
                None => int32(v).ok_or_else(|| want("a time such as \"12:30:00.000\""))?,
            }),
            Schema::TimeMicros => Avro::TimeMicros(match time(v) {
                Some(n) => n / 1_000,
                None => v
                    .as_i64()
                    .ok_or_else(|| want("a time such as \"12:30:00.000\""))?,
            }),
            Schema::TimestampMillis => Avro::TimestampMillis(instant(v, true, 1_000_000, &want)?),
            Schema::TimestampMicros => Avro::TimestampMicros(instant(v, true, 1_000, &want)?),
            Schema::TimestampNanos => Avro::TimestampNanos(instant(v, true, 1, &want)?),
            Schema::LocalTimestampMillis => {
                Avro::LocalTimestampMillis(instant(v, false, 1_000_000, &want)?)
            }
            Schema::LocalTimestampMicros => {
                Avro::LocalTimestampMicros(instant(v, false, 1_000, &want)?)
            }
            Schema::LocalTimestampNanos => Avro::LocalTimestampNanos(instant(v, false, 1, &want)?),
            Schema::Duration => {
                let part = |k: &str| {
                    v.get(k)
                        .and_then(Value::as_u64)
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| want("{\"months\": M, \"days\": D, \"millis\": MS}"))
                };
                Avro::Duration(apache_avro::Duration::new(
                    apache_avro::Months::new(part("months")?),
                    apache_avro::Days::new(part("days")?),
                    apache_avro::Millis::new(part("millis")?),
                ))
            }
            Schema::Ref { name } => {
                return Err(at.fail(format!("unknown type {}", name.fullname(None))))
            }
        })
    }

    /// A union reads as its value when it holds null or one other type,
    /// else as `{"<branch>": value}` (see avro.rs).
    fn union(&self, v: &Value, u: &UnionSchema, at: &Path) -> Result<Avro, String> {
        let variants = u.variants();
        let null = variants.iter().position(|s| matches!(s, Schema::Null));
        if v.is_null() {
            return match null {
                Some(i) => Ok(Avro::Union(i as u32, Box::new(Avro::Null))),
                None => Err(at.fail("null, but this union has no null branch")),
            };
        }
        if super::avro::plain_union(u) {
            let (i, s) = variants
                .iter()
                .enumerate()
                .find(|(_, s)| !matches!(s, Schema::Null))
                .ok_or_else(|| at.fail("a value, but this union only holds null"))?;
            return Ok(Avro::Union(i as u32, Box::new(self.value(v, s, at)?)));
        }
        let names: Vec<String> = variants
            .iter()
            .filter(|s| !matches!(s, Schema::Null))
            .map(super::avro::branch_name)
            .collect();
        let one = v.as_object().filter(|o| o.len() == 1).ok_or_else(|| {
            at.fail(format!(
                "expected {{\"<branch>\": value}} with a branch among {}, found {}",
                names.join(", "),
                shown(v)
            ))
        })?;
        let (name, inner) = one.iter().next().ok_or_else(|| at.fail("empty object"))?;
        let (i, s) = variants
            .iter()
            .enumerate()
            .find(|(_, s)| &super::avro::branch_name(s) == name)
            .ok_or_else(|| {
                at.fail(format!(
                    "{name:?} is not a branch of this union ({})",
                    names.join(", ")
                ))
            })?;
        Ok(Avro::Union(
            i as u32,
            Box::new(self.value(inner, s, &at.field(name))?),
        ))
    }
}

/// A JSON number, or the names avro.rs gives the floats JSON cannot hold.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "inf" | "Infinity" => Some(f64::INFINITY),
            "-inf" | "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

fn int32(v: &Value) -> Option<i32> {
    v.as_i64().and_then(|i| i32::try_from(i).ok())
}

fn base64(v: &Value) -> Option<Vec<u8>> {
    STANDARD.decode(v.as_str()?).ok()
}

/// Nanoseconds since midnight of "HH:MM:SS[.fff]".
fn time(v: &Value) -> Option<i64> {
    let t = NaiveTime::parse_from_str(v.as_str()?, "%H:%M:%S%.f").ok()?;
    Some(i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(t.nanosecond()))
}

/// An ISO 8601 instant (with `Z` or an offset for a UTC timestamp, without
/// for a local one) or the raw count, in units of `nanos_per_unit`.
fn instant(
    v: &Value,
    utc: bool,
    nanos_per_unit: i64,
    want: &dyn Fn(&str) -> String,
) -> Result<i64, String> {
    let example = if utc {
        "a time such as \"2026-12-01T10:00:00Z\""
    } else {
        "a local time such as \"2026-12-01T10:00:00\""
    };
    if let Some(n) = v.as_i64() {
        return Ok(n);
    }
    let s = v.as_str().ok_or_else(|| want(example))?;
    let nanos = if utc {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .and_then(|t| t.timestamp_nanos_opt())
    } else {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .and_then(|t| t.and_utc().timestamp_nanos_opt())
    };
    nanos
        .map(|n| n / nanos_per_unit)
        .ok_or_else(|| want(example))
}

/// "12.5" with scale 2 is 1250; more places than the scale is refused
/// rather than rounded.
fn unscaled(text: &str, scale: usize) -> Option<num_bigint::BigInt> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if frac.len() > scale
        || int.is_empty() && frac.is_empty()
        || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let all = format!("{sign}{int}{frac:0<scale$}");
    num_bigint::BigInt::from_str(&all).ok()
}
