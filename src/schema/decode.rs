//! Turning a key or value into JSON: the wire format through the schema it
//! names (fetched once, kept while creel runs, a failure retried with
//! backoff), otherwise left as it is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::avro::AvroDecoder;
use super::local::{LocalSchema, Part};
use super::protobuf::{ProtoSource, ProtobufDecoder};
use super::registry::{RegisteredSchema, RegistryError, SchemaKind, SchemaSource};
use super::wire;

/// What a schema is, for the detail view and the JSON envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaInfo {
    pub id: u32,
    pub kind: SchemaKind,
    /// The subject and version it was first registered under.
    pub subject: Option<String>,
    pub version: Option<i32>,
    /// Every subject and version that holds this id (one schema may be
    /// registered under several subjects).
    pub subjects: Vec<(String, i32)>,
    pub text: String,
    /// A local schema file pinned in the profile (then `id` is 0 and no
    /// subject applies).
    pub file: Option<String>,
}

impl SchemaInfo {
    /// The subject to name for a key or value of `topic`: the topic's own
    /// (`<topic>-key` / `<topic>-value`, Confluent's default strategy)
    /// when the id is registered there, else the first.
    pub fn subject_for(&self, topic: &str, field: &str) -> Option<(&str, i32)> {
        let own = format!("{topic}-{field}");
        self.subjects
            .iter()
            .find(|(s, _)| *s == own)
            .map(|(s, v)| (s.as_str(), *v))
            .or_else(|| Some((self.subject.as_deref()?, self.version?)))
    }
}

pub struct Decoder {
    pub info: Arc<SchemaInfo>,
    pub(super) body: Body,
}

pub(super) enum Body {
    Avro(Box<AvroDecoder>),
    Protobuf(ProtobufDecoder),
    /// One message type, for bodies without message indexes (a local
    /// `.proto` or descriptor set).
    ProtobufAs(prost_reflect::MessageDescriptor),
    /// Reading needs no schema; writing checks against it (a schema that
    /// does not compile still reads, and says why when writing).
    Json(Box<Result<jsonschema::Validator, String>>),
}

/// The outcome for one key or value.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoding {
    /// Not in the wire format: show the bytes as they are.
    Plain,
    Decoded {
        json: Value,
        schema: Arc<SchemaInfo>,
        /// The Protobuf message type the indexes chose.
        type_name: Option<String>,
    },
    /// In the wire format, but its schema is not known yet (the UI asked
    /// the worker for it).
    Pending {
        id: u32,
    },
    Failed {
        id: u32,
        reason: String,
    },
}

impl Decoder {
    pub fn decode(&self, body: &[u8]) -> Result<(Value, Option<String>), String> {
        match &self.body {
            Body::Avro(d) => d.decode(body).map(|v| (v, None)),
            Body::Protobuf(d) => d.decode(body).map(|(v, t)| (v, Some(t))),
            Body::ProtobufAs(m) => {
                ProtobufDecoder::decode_as(m, body).map(|v| (v, Some(m.full_name().to_string())))
            }
            Body::Json(_) => serde_json::from_slice(body)
                .map(|v| (v, None))
                .map_err(|e| format!("not JSON: {e}")),
        }
    }

    /// Fetch what `schema` references and compile it.
    fn build(schema: RegisteredSchema, source: &dyn SchemaSource) -> Result<Decoder, String> {
        let refs = references(&schema, source, 0)?;
        let body = match schema.kind {
            SchemaKind::Avro => {
                let texts: Vec<String> = refs.into_iter().map(|(_, s)| s.text).collect();
                Body::Avro(Box::new(AvroDecoder::new(&schema.text, &texts)?))
            }
            SchemaKind::Protobuf => Body::Protobuf(ProtobufDecoder::new(
                ProtoSource {
                    name: format!("creel-schema-{}.proto", schema.id),
                    text: schema.text.clone(),
                },
                refs.into_iter()
                    .map(|(name, s)| ProtoSource { name, text: s.text })
                    .collect(),
            )?),
            SchemaKind::Json => Body::Json(Box::new(
                serde_json::from_str::<Value>(&schema.text)
                    .map_err(|e| format!("the JSON Schema is not JSON: {e}"))
                    .and_then(|s| {
                        jsonschema::validator_for(&s)
                            .map_err(|e| format!("the JSON Schema does not compile: {e}"))
                    }),
            )),
        };
        let mut subjects = source.id_versions(schema.id).unwrap_or_default();
        subjects.sort();
        let (subject, version) = match (&schema.subject, schema.version) {
            (Some(s), Some(v)) => (Some(s.clone()), Some(v)),
            _ => match subjects.first() {
                Some((s, v)) => (Some(s.clone()), Some(*v)),
                None => (None, None),
            },
        };
        Ok(Decoder {
            info: Arc::new(SchemaInfo {
                id: schema.id,
                kind: schema.kind,
                subject,
                version,
                subjects,
                text: schema.text,
                file: None,
            }),
            body,
        })
    }

    /// A decoder for a schema known without a registry (the demo, local
    /// schema files).
    pub fn from_schema(
        schema: RegisteredSchema,
        source: &dyn SchemaSource,
    ) -> Result<Decoder, String> {
        Decoder::build(schema, source)
    }
}

/// Every schema a schema references, depth first, dependencies before the
/// ones that need them (Avro's parser wants them in that order), each with
/// the name it is referenced by.
fn references(
    schema: &RegisteredSchema,
    source: &dyn SchemaSource,
    depth: usize,
) -> Result<Vec<(String, RegisteredSchema)>, String> {
    if depth > 32 {
        return Err("schema references nest more than 32 deep (a cycle?)".into());
    }
    let mut out: Vec<(String, RegisteredSchema)> = Vec::new();
    for r in &schema.references {
        let s = source
            .by_version(&r.subject, r.version)
            .map_err(|e| format!("reference {} ({} v{}): {e}", r.name, r.subject, r.version))?;
        for (name, dep) in references(&s, source, depth + 1)? {
            if !out.iter().any(|(n, _)| *n == name) {
                out.push((name, dep));
            }
        }
        if !out.iter().any(|(n, _)| *n == r.name) {
            out.push((r.name.clone(), s));
        }
    }
    Ok(out)
}

enum Entry {
    Ready(Arc<Decoder>),
    /// A fetch is under way (by the worker or another scanner thread).
    Fetching,
    Failed {
        reason: String,
        transient: bool,
        attempts: u32,
        retry_at: Instant,
    },
}

/// Decoders by schema id, shared by the UI (which only looks), the worker
/// and scanner threads (which fetch). The lock is never held across a
/// network call.
pub struct Decoders {
    source: Arc<dyn SchemaSource>,
    entries: Mutex<HashMap<u32, Entry>>,
    /// Local schema files by topic: key, value. They decode the whole
    /// body, in place of the wire format.
    pins: HashMap<String, [Option<Arc<Decoder>>; 2]>,
    /// False when only schema files were given.
    registry: bool,
}

/// How long a failure stands before asking again: a registry that did not
/// answer is asked again within seconds, a schema it does not have after a
/// minute.
fn backoff(transient: bool, attempts: u32) -> Duration {
    if transient {
        Duration::from_millis(500 * 2u64.pow(attempts.min(6))).min(Duration::from_secs(30))
    } else {
        Duration::from_secs(60)
    }
}

impl Decoders {
    pub fn new(source: Arc<dyn SchemaSource>) -> Decoders {
        Decoders {
            source,
            entries: Mutex::new(HashMap::new()),
            pins: HashMap::new(),
            registry: true,
        }
    }

    /// Whether a registry stands behind these decoders (not only files).
    pub fn has_registry(&self) -> bool {
        self.registry
    }

    /// The decoders for a profile's registry and local schema files, if
    /// it names any; a file that does not compile is an error here.
    pub fn for_settings(
        settings: &crate::config::Settings,
    ) -> Result<Option<Arc<Decoders>>, String> {
        let source: Arc<dyn SchemaSource> = match &settings.schema_registry {
            Some(r) => Arc::new(super::HttpRegistry::new(r)?),
            None if settings.topic_schemas.is_empty() => return Ok(None),
            None => Arc::new(super::registry::NoRegistry),
        };
        let registry = settings.schema_registry.is_some();
        let mut d = Decoders::new(source);
        d.registry = registry;
        for pin in &settings.topic_schemas {
            d.pin(pin)?;
        }
        Ok(Some(Arc::new(d)))
    }

    /// Decode `pin`'s topic and part with its file from now on.
    pub fn pin(&mut self, pin: &LocalSchema) -> Result<(), String> {
        let decoder = Arc::new(pin.load()?);
        let slot = match pin.part {
            Part::Key => 0,
            Part::Value => 1,
        };
        self.pins.entry(pin.topic.clone()).or_default()[slot] = Some(decoder);
        Ok(())
    }

    /// The local file pinned to a topic's key or value.
    fn pinned(&self, topic: &str, part: Part) -> Option<&Arc<Decoder>> {
        if self.pins.is_empty() {
            return None;
        }
        let [key, value] = self.pins.get(topic)?;
        match part {
            Part::Key => key.as_ref(),
            Part::Value => value.as_ref(),
        }
    }

    pub fn source(&self) -> &Arc<dyn SchemaSource> {
        &self.source
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Without waiting: the decoder if known, or whether to fetch it.
    fn peek(&self, id: u32) -> Result<Arc<Decoder>, Lookup> {
        match self.lock().get(&id) {
            Some(Entry::Ready(d)) => Ok(d.clone()),
            Some(Entry::Fetching) => Err(Lookup::Fetching),
            Some(Entry::Failed {
                reason, retry_at, ..
            }) if Instant::now() < *retry_at => Err(Lookup::Failed(reason.clone())),
            _ => Err(Lookup::Missing),
        }
    }

    /// Fetch and compile the schema for `id` unless known (or failed
    /// lately); blocks on the registry: never call it from the UI thread.
    pub fn fetch(&self, id: u32) -> Result<Arc<Decoder>, String> {
        {
            let mut entries = self.lock();
            match entries.get(&id) {
                Some(Entry::Ready(d)) => return Ok(d.clone()),
                Some(Entry::Failed {
                    reason, retry_at, ..
                }) if Instant::now() < *retry_at => return Err(reason.clone()),
                _ => {}
            }
            let attempts = match entries.get(&id) {
                Some(Entry::Failed { attempts, .. }) => *attempts,
                _ => 0,
            };
            entries.insert(id, Entry::Fetching);
            drop(entries);
            let result = self
                .source
                .by_id(id)
                .map_err(|e| {
                    let transient = e.transient();
                    let reason = match e {
                        RegistryError::NotFound(_) => format!("unknown schema id {id}"),
                        e => e.to_string(),
                    };
                    (reason, transient)
                })
                .and_then(|s| {
                    Decoder::build(s, self.source.as_ref())
                        .map_err(|e| (format!("schema id {id}: {e}"), false))
                });
            let mut entries = self.lock();
            match result {
                Ok(d) => {
                    let d = Arc::new(d);
                    entries.insert(id, Entry::Ready(d.clone()));
                    Ok(d)
                }
                Err((reason, transient)) => {
                    tracing::info!(id, %reason, "schema fetch failed");
                    entries.insert(
                        id,
                        Entry::Failed {
                            reason: reason.clone(),
                            transient,
                            attempts: attempts + 1,
                            retry_at: Instant::now() + backoff(transient, attempts),
                        },
                    );
                    Err(reason)
                }
            }
        }
    }

    /// Decode without waiting (the UI): an unknown id is `Pending`, and
    /// its fetch is the caller's to ask for.
    pub fn decode_now(&self, topic: &str, part: Part, bytes: Option<&[u8]>) -> Decoding {
        if let Some(d) = self.pinned(topic, part) {
            return run_pinned(d, bytes);
        }
        let Some((id, body)) = bytes.and_then(wire::split) else {
            return Decoding::Plain;
        };
        match self.peek(id) {
            Ok(d) => run(&d, id, body),
            Err(Lookup::Failed(reason)) => Decoding::Failed { id, reason },
            Err(Lookup::Missing | Lookup::Fetching) => Decoding::Pending { id },
        }
    }

    /// Decode, fetching the schema if need be (headless reads, searches).
    pub fn decode_blocking(&self, topic: &str, part: Part, bytes: Option<&[u8]>) -> Decoding {
        if let Some(d) = self.pinned(topic, part) {
            return run_pinned(d, bytes);
        }
        let Some((id, body)) = bytes.and_then(wire::split) else {
            return Decoding::Plain;
        };
        match self.peek(id) {
            Ok(d) => run(&d, id, body),
            Err(Lookup::Failed(reason)) => Decoding::Failed { id, reason },
            Err(_) => match self.fetch(id) {
                Ok(d) => run(&d, id, body),
                Err(reason) => Decoding::Failed { id, reason },
            },
        }
    }

    /// Mark an id as being fetched, if it is unknown (or its failure is
    /// due for another try): true when the caller should ask for it.
    pub fn claim(&self, id: u32) -> bool {
        let mut entries = self.lock();
        let due = match entries.get(&id) {
            None => true,
            Some(Entry::Failed { retry_at, .. }) => Instant::now() >= *retry_at,
            Some(_) => false,
        };
        if due {
            entries.insert(id, Entry::Fetching);
        }
        due
    }

    /// When to ask again for an id whose registry did not answer.
    pub fn retry_in(&self, id: u32) -> Option<Duration> {
        match self.lock().get(&id) {
            Some(Entry::Failed {
                transient: true,
                retry_at,
                ..
            }) => Some(retry_at.saturating_duration_since(Instant::now())),
            _ => None,
        }
    }

    /// Whether the registry failed to answer at the last attempt (the
    /// header says so).
    pub fn unreachable(&self) -> Option<String> {
        self.lock().values().find_map(|e| match e {
            Entry::Failed {
                reason,
                transient: true,
                ..
            } => Some(reason.clone()),
            _ => None,
        })
    }

    /// Ids whose decoder is known, for tests and the Schemas screen.
    pub fn known(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .lock()
            .iter()
            .filter(|(_, e)| matches!(e, Entry::Ready(_)))
            .map(|(id, _)| *id)
            .collect();
        v.sort_unstable();
        v
    }
}

impl std::fmt::Debug for Decoders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoders")
            .field("source", &self.source.describe())
            .field("known", &self.known())
            .finish()
    }
}

enum Lookup {
    Missing,
    Fetching,
    Failed(String),
}

fn run(d: &Decoder, id: u32, body: &[u8]) -> Decoding {
    match d.decode(body) {
        Ok((json, type_name)) => Decoding::Decoded {
            json,
            schema: d.info.clone(),
            type_name,
        },
        Err(reason) => Decoding::Failed {
            id,
            reason: format!("does not decode with schema id {id}: {reason}"),
        },
    }
}

/// A pinned file decodes the whole body; a null is left as it is.
fn run_pinned(d: &Decoder, bytes: Option<&[u8]>) -> Decoding {
    let Some(body) = bytes else {
        return Decoding::Plain;
    };
    match d.decode(body) {
        Ok((json, type_name)) => Decoding::Decoded {
            json,
            schema: d.info.clone(),
            type_name,
        },
        Err(reason) => Decoding::Failed {
            id: 0,
            reason: format!(
                "does not decode with {}: {reason}",
                d.info.file.as_deref().unwrap_or("the pinned schema")
            ),
        },
    }
}
