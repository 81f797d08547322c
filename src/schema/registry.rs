//! The few REST calls of Confluent's Schema Registry API that creel makes
//! (Apicurio's ccompat API, Karapace and Redpanda answer the same), behind
//! a trait so that the demo can hand its schemas over in process.

use std::time::Duration;

use serde::Deserialize;

/// The schema languages of the wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Avro,
    Protobuf,
    Json,
}

impl SchemaKind {
    /// The registry's `schemaType`; absent means Avro.
    pub fn from_registry(s: Option<&str>) -> Result<SchemaKind, String> {
        match s.map(str::to_ascii_uppercase).as_deref() {
            None | Some("AVRO") => Ok(SchemaKind::Avro),
            Some("PROTOBUF") => Ok(SchemaKind::Protobuf),
            Some("JSON") => Ok(SchemaKind::Json),
            Some(other) => Err(format!("schema type {other} is not one creel reads")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Avro => "AVRO",
            SchemaKind::Protobuf => "PROTOBUF",
            SchemaKind::Json => "JSON",
        }
    }
}

/// Another subject's version that a schema names (an Avro named type, a
/// Protobuf import, a JSON Schema `$ref`), by the name it is known by there.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reference {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// A schema as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    pub id: u32,
    pub kind: SchemaKind,
    pub text: String,
    pub references: Vec<Reference>,
    /// Known when it was fetched by subject and version, or looked up.
    pub subject: Option<String>,
    pub version: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("schema registry unreachable: {0}")]
    Unreachable(String),
    #[error("{0}")]
    NotFound(String),
    #[error("schema registry refused creel: {0}")]
    Refused(String),
    #[error("schema registry: {0}")]
    Other(String),
    /// The profile names local schema files and no registry.
    #[error("no schema registry is set (-r URL, or schema_registry in the profile); schema files pinned with topic_schemas decode without one")]
    NoRegistry,
}

impl RegistryError {
    /// Worth asking again soon: the registry, not the schema, failed.
    pub fn transient(&self) -> bool {
        matches!(
            self,
            RegistryError::Unreachable(_) | RegistryError::Other(_)
        )
    }
}

/// Where schemas come from.
pub trait SchemaSource: Send + Sync {
    fn by_id(&self, id: u32) -> Result<RegisteredSchema, RegistryError>;
    fn by_version(&self, subject: &str, version: i32) -> Result<RegisteredSchema, RegistryError>;
    /// Every (subject, version) that holds this id.
    fn id_versions(&self, id: u32) -> Result<Vec<(String, i32)>, RegistryError>;
    fn subjects(&self) -> Result<Vec<String>, RegistryError>;
    fn versions(&self, subject: &str) -> Result<Vec<i32>, RegistryError>;
    /// The compatibility level of a subject, or the global one.
    fn compatibility(&self, subject: Option<&str>) -> Result<Option<String>, RegistryError>;
    /// What the URL is, for messages.
    fn describe(&self) -> String;
    /// Soft-delete one version of a subject (Confluent's DELETE
    /// /subjects/S/versions/V): the id stays readable by messages.
    fn delete_version(&self, subject: &str, version: i32) -> Result<(), RegistryError>;
}

/// What a profile with local schema files and no registry asks: every
/// question gets the same plain answer.
pub struct NoRegistry;

impl SchemaSource for NoRegistry {
    fn by_id(&self, _: u32) -> Result<RegisteredSchema, RegistryError> {
        Err(RegistryError::NoRegistry)
    }
    fn by_version(&self, _: &str, _: i32) -> Result<RegisteredSchema, RegistryError> {
        Err(RegistryError::NoRegistry)
    }
    fn id_versions(&self, _: u32) -> Result<Vec<(String, i32)>, RegistryError> {
        Err(RegistryError::NoRegistry)
    }
    fn subjects(&self) -> Result<Vec<String>, RegistryError> {
        Err(RegistryError::NoRegistry)
    }
    fn versions(&self, _: &str) -> Result<Vec<i32>, RegistryError> {
        Err(RegistryError::NoRegistry)
    }
    fn compatibility(&self, _: Option<&str>) -> Result<Option<String>, RegistryError> {
        Err(RegistryError::NoRegistry)
    }
    fn describe(&self) -> String {
        "no schema registry".into()
    }
    fn delete_version(&self, _: &str, _: i32) -> Result<(), RegistryError> {
        Err(RegistryError::NoRegistry)
    }
}

/// How to reach an HTTP registry (resolved from the profile).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RegistrySettings {
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    /// A PEM file of CA certificates to trust instead of the built-in ones.
    pub ca_location: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for RegistrySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrySettings")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "•••"))
            .field("token", &self.token.as_ref().map(|_| "•••"))
            .field("ca_location", &self.ca_location)
            .finish()
    }
}

pub struct HttpRegistry {
    base: String,
    agent: ureq::Agent,
    auth: Option<String>,
}

#[derive(Deserialize)]
struct SchemaBody {
    schema: String,
    #[serde(rename = "schemaType")]
    schema_type: Option<String>,
    #[serde(default)]
    references: Vec<Reference>,
    id: Option<u32>,
    subject: Option<String>,
    version: Option<i32>,
}

#[derive(Deserialize)]
struct SubjectVersion {
    subject: String,
    version: i32,
}

impl HttpRegistry {
    pub fn new(s: &RegistrySettings) -> Result<HttpRegistry, String> {
        let mut config = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(3)))
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .user_agent(concat!("creel/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &s.ca_location {
            let pem = std::fs::read(path)
                .map_err(|e| format!("schema registry CA {}: {e}", path.display()))?;
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(format!(
                    "schema registry CA {}: no certificate in it",
                    path.display()
                ));
            }
            config = config.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
                    .build(),
            );
        }
        let auth = match (&s.token, &s.username) {
            (Some(t), _) => Some(format!("Bearer {t}")),
            (None, Some(u)) => {
                use base64::Engine;
                let pair = format!("{u}:{}", s.password.as_deref().unwrap_or(""));
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
            _ => None,
        };
        Ok(HttpRegistry {
            base: s.url.trim_end_matches('/').to_string(),
            agent: config.build().into(),
            auth,
        })
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
    ) -> Result<T, RegistryError> {
        let body = self.call(false, path, what)?;
        serde_json::from_str(&body)
            .map_err(|e| RegistryError::Other(format!("{what}: unexpected answer ({e})")))
    }

    /// A GET (or a DELETE) and its body, or what went wrong.
    fn call(&self, delete: bool, path: &str, what: &str) -> Result<String, RegistryError> {
        let url = format!("{}{path}", self.base);
        let mut req = if delete {
            self.agent.delete(&url)
        } else {
            self.agent.get(&url)
        }
        .header(
            "Accept",
            "application/vnd.schemaregistry.v1+json, application/json",
        );
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        let mut resp = req
            .call()
            .map_err(|e| RegistryError::Unreachable(format!("{}: {e}", self.base)))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .read_to_string()
            .map_err(|e| RegistryError::Unreachable(format!("{}: {e}", self.base)))?;
        match status {
            200..=299 => Ok(body),
            404 => Err(RegistryError::NotFound(format!("{what} is not in the registry"))),
            401 | 403 => Err(RegistryError::Refused(format!(
                "HTTP {status} for {what} (check the profile's schema_registry username/password or token)"
            ))),
            _ => Err(RegistryError::Other(format!(
                "HTTP {status} for {what}: {}",
                error_message(&body)
            ))),
        }
    }
}

/// The registry's `message`, or the start of the body.
fn error_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn to_schema(b: SchemaBody, id: u32) -> Result<RegisteredSchema, RegistryError> {
    Ok(RegisteredSchema {
        id: b.id.unwrap_or(id),
        kind: SchemaKind::from_registry(b.schema_type.as_deref()).map_err(RegistryError::Other)?,
        text: b.schema,
        references: b.references,
        subject: b.subject,
        version: b.version,
    })
}

/// A subject in a URL path: its characters as they are, escaped.
fn segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl SchemaSource for HttpRegistry {
    fn by_id(&self, id: u32) -> Result<RegisteredSchema, RegistryError> {
        let b: SchemaBody = self.get(&format!("/schemas/ids/{id}"), &format!("schema id {id}"))?;
        to_schema(b, id)
    }

    fn by_version(&self, subject: &str, version: i32) -> Result<RegisteredSchema, RegistryError> {
        let b: SchemaBody = self.get(
            &format!("/subjects/{}/versions/{version}", segment(subject)),
            &format!("subject {subject} version {version}"),
        )?;
        let id = b.id.unwrap_or(0);
        let mut s = to_schema(b, id)?;
        s.subject.get_or_insert_with(|| subject.to_string());
        s.version.get_or_insert(version);
        Ok(s)
    }

    fn id_versions(&self, id: u32) -> Result<Vec<(String, i32)>, RegistryError> {
        let v: Vec<SubjectVersion> = self.get(
            &format!("/schemas/ids/{id}/versions"),
            &format!("schema id {id}"),
        )?;
        Ok(v.into_iter().map(|s| (s.subject, s.version)).collect())
    }

    fn subjects(&self) -> Result<Vec<String>, RegistryError> {
        self.get("/subjects", "the subject list")
    }

    fn versions(&self, subject: &str) -> Result<Vec<i32>, RegistryError> {
        self.get(
            &format!("/subjects/{}/versions", segment(subject)),
            &format!("subject {subject}"),
        )
    }

    fn compatibility(&self, subject: Option<&str>) -> Result<Option<String>, RegistryError> {
        #[derive(Deserialize)]
        struct Level {
            #[serde(rename = "compatibilityLevel", alias = "compatibility")]
            level: Option<String>,
        }
        let path = match subject {
            Some(s) => format!("/config/{}", segment(s)),
            None => "/config".to_string(),
        };
        match self.get::<Level>(&path, "the compatibility level") {
            Ok(l) => Ok(l.level),
            Err(RegistryError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn delete_version(&self, subject: &str, version: i32) -> Result<(), RegistryError> {
        self.call(
            true,
            &format!("/subjects/{}/versions/{version}", segment(subject)),
            &format!("subject {subject} version {version}"),
        )
        .map(|_| ())
    }

    fn describe(&self) -> String {
        self.base.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_escaped_in_paths() {
        assert_eq!(segment("orders-value"), "orders-value");
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn schema_types_read_as_the_registry_writes_them() {
        assert_eq!(SchemaKind::from_registry(None), Ok(SchemaKind::Avro));
        assert_eq!(
            SchemaKind::from_registry(Some("PROTOBUF")),
            Ok(SchemaKind::Protobuf)
        );
        assert_eq!(
            SchemaKind::from_registry(Some("JSON")),
            Ok(SchemaKind::Json)
        );
        assert!(SchemaKind::from_registry(Some("XML")).is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = RegistrySettings {
            url: "http://r".into(),
            username: Some("u".into()),
            password: Some("hunter2".into()),
            token: Some("tok".into()),
            ca_location: None,
        };
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2") && !d.contains("tok\""), "{d}");
    }

    #[test]
    fn an_unreachable_registry_says_so() {
        let r = HttpRegistry::new(&RegistrySettings {
            url: "http://127.0.0.1:9".into(),
            ..Default::default()
        })
        .unwrap();
        let e = r.by_id(1).unwrap_err();
        assert!(matches!(e, RegistryError::Unreachable(_)), "{e}");
        assert!(e.to_string().starts_with("schema registry unreachable"));
    }
}
