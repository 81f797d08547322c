//! Finding and parsing config files, with errors that name file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::app::keymap::KeyBindings;

/// One connection profile.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub bootstrap_servers: Option<String>,
    /// librdkafka properties; a value may be `{ env = ... }`,
    /// `{ file = ... }` or `{ command = [...] }` instead of plain text.
    #[serde(default)]
    pub properties: BTreeMap<String, super::secrets::PropertyValue>,
    pub refresh_secs: Option<u64>,
    /// Seconds between consumer-group (lag) refreshes.
    pub groups_refresh_secs: Option<u64>,
    /// Groups to watch even when the cluster will not list groups.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Refuse every write to this cluster (admin actions, produce).
    #[serde(default)]
    pub read_only: bool,
    /// A word for the header ("prod"), in `color` (a name such as red or
    /// yellow, or #rrggbb).
    pub label: Option<String>,
    pub color: Option<String>,
    /// TLS certificate and host name checks; off only when a profile says
    /// `tls_verify = false` (the header then says TLS NOT VERIFIED).
    pub tls_verify: Option<bool>,
    /// AWS MSK IAM: creel signs the OAUTHBEARER token itself.
    pub aws_msk_iam: Option<MskIam>,
    /// The Schema Registry that decodes this cluster's Avro, Protobuf and
    /// JSON Schema messages.
    pub schema_registry: Option<RegistryProfile>,
    /// Local schema files pinned to topics, by topic name.
    #[serde(default)]
    pub topic_schemas: BTreeMap<String, TopicSchemas>,
}

/// The schema files a topic's keys and values are written with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSchemas {
    pub key: Option<SchemaFile>,
    pub value: Option<SchemaFile>,
}

/// One schema file: exactly one of the kinds, with the Protobuf message
/// type and the include paths where they apply.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFile {
    pub avro: Option<String>,
    pub protobuf: Option<String>,
    pub json_schema: Option<String>,
    pub descriptor_set: Option<String>,
    pub message: Option<String>,
    #[serde(default)]
    pub include: Vec<String>,
}

/// A Schema Registry (Confluent's REST API): basic auth or a bearer token,
/// each from the same sources as Kafka secrets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryProfile {
    pub url: String,
    pub username: Option<super::secrets::PropertyValue>,
    pub password: Option<super::secrets::PropertyValue>,
    pub token: Option<super::secrets::PropertyValue>,
    /// PEM file of the CA certificates that signed the registry's.
    pub ca_location: Option<String>,
}

/// Where MSK IAM credentials come from: the AWS default chain (environment,
/// ~/.aws, SSO, instance or task role), a named AWS profile, or a role to
/// assume.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MskIam {
    pub region: String,
    pub aws_profile: Option<String>,
    pub role_arn: Option<String>,
}

/// The shape of a config file, defaults and user file alike.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub default_profile: Option<String>,
    pub refresh_secs: Option<u64>,
    pub groups_refresh_secs: Option<u64>,
    /// Lag samples per partition that a status is judged over.
    pub lag_window: Option<usize>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    #[serde(default)]
    pub keys: KeyBindings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    // The reason is text, not a `source`: a chain would say it twice.
    #[error("cannot read config file {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("unknown profile {name:?}; known profiles: {}", if known.is_empty() { "(none)".to_string() } else { known.join(", ") })]
    UnknownProfile { name: String, known: Vec<String> },
    #[error(
        "profile {profile:?} has no bootstrap_servers; set it in the config or pass -b HOST:PORT"
    )]
    NoBootstrap { profile: String },
    #[error("profile {profile:?}: {message}")]
    Invalid { profile: String, message: String },
    /// A secret could not be read from its source (said without it).
    #[error("profile {profile:?}: {message}")]
    Secret { profile: String, message: String },
}

/// Which file to read: --config, then CREEL_CONFIG, then the platform's
/// config dir. An explicitly named file must exist; the default one may not.
pub fn config_path(explicit: Option<&Path>) -> Result<Option<PathBuf>, ConfigError> {
    if let Some(path) = explicit {
        return must_exist(path.to_path_buf());
    }
    if let Some(env) = std::env::var_os("CREEL_CONFIG").filter(|v| !v.is_empty()) {
        return must_exist(PathBuf::from(env));
    }
    Ok(default_config_file().filter(|p| p.is_file()))
}

/// `<config dir>/creel/config.toml` as the `directories` crate finds it.
pub fn default_config_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "creel").map(|d| d.config_dir().join("config.toml"))
}

fn must_exist(path: PathBuf) -> Result<Option<PathBuf>, ConfigError> {
    let reason = match std::fs::metadata(&path) {
        Ok(m) if !m.is_dir() => return Ok(Some(path)),
        Ok(_) => "it is a folder".to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file".to_string(),
        Err(e) => e.to_string(),
    };
    Err(ConfigError::Io { path, reason })
}

/// Config files that can be read only once (a pipe, `--config <(...)`),
/// kept for the later reads a profile switch or `:profile` makes.
static READ_ONCE: std::sync::Mutex<Vec<(PathBuf, String)>> = std::sync::Mutex::new(Vec::new());

pub fn load_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let kept = READ_ONCE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.clone());
    let text = match kept {
        Some(t) => t,
        None => {
            let t = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
            if !path.is_file() {
                READ_ONCE
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((path.to_path_buf(), t.clone()));
            }
            t
        }
    };
    parse(&text, path)
}

pub(super) fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
        ConfigError::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })
}

/// Templates in `<config dir>/creel/templates/`: every readable file, by
/// name; one that cannot be read is skipped with a warning in the log.
pub fn user_templates() -> Vec<(String, String)> {
    let Some(dir) =
        directories::ProjectDirs::from("", "", "creel").map(|d| d.config_dir().join("templates"))
    else {
        return vec![];
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return vec![];
    };
    let mut out: Vec<(String, String)> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            match std::fs::read_to_string(e.path()) {
                Ok(text) => Some((name, text)),
                Err(err) => {
                    tracing::warn!("template {}: {err}", e.path().display());
                    None
                }
            }
        })
        .collect();
    out.sort();
    out
}
