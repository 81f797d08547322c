//! Profiles, refresh interval and keymap: the embedded defaults, the user's
//! file on top, the command line on top of that.

mod load;
pub mod secrets;

pub use crate::app::keymap::{Key, KeyBindings, Keymap};
pub use load::{
    config_path, load_file, user_templates, ConfigError, FileConfig, MskIam, Profile,
    RegistryProfile,
};
pub use secrets::{redact, PropertyValue};

use std::collections::BTreeMap;
use std::time::Duration;

/// The embedded defaults (config/default.toml).
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// What the command line says about the connection, applied over the profile.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub profile: Option<String>,
    pub bootstrap_servers: Option<String>,
    pub properties: Vec<(String, String)>,
    pub refresh_secs: Option<u64>,
    /// --read-only: refuse every write, whatever the profile says.
    pub read_only: bool,
    /// --group: groups to watch besides the profile's.
    pub groups: Vec<String>,
    /// --schema-registry: a registry URL, over the profile's.
    pub schema_registry: Option<String>,
}

/// Everything creel needs to connect and draw, resolved once at start-up.
#[derive(Clone)]
pub struct Settings {
    /// Shown in the header: the profile's name, or "cli" for a bare -b.
    pub profile_name: String,
    pub bootstrap_servers: String,
    /// librdkafka properties from the profile and -X, -X winning.
    pub properties: BTreeMap<String, String>,
    pub refresh: Duration,
    pub groups_refresh: Duration,
    /// Groups to show even when ListGroups is denied or unsupported.
    pub watched_groups: Vec<String>,
    pub lag_window: usize,
    pub keymap: Keymap,
    /// The config file that was read, if any.
    pub source: Option<std::path::PathBuf>,
    /// Refuse every write (admin actions, produce), in the worker.
    pub read_only: bool,
    /// The profile's word and colour for the header.
    pub label: Option<String>,
    pub color: Option<String>,
    /// TLS checks turned off by the profile (`tls_verify = false`).
    pub tls_unverified: bool,
    /// AWS MSK IAM: the OAUTHBEARER token is signed by creel.
    pub msk_iam: Option<MskIam>,
    /// Where Avro, Protobuf and JSON Schema messages find their schemas.
    pub schema_registry: Option<crate::schema::RegistrySettings>,
    /// Local schema files pinned to topics' keys and values.
    pub topic_schemas: Vec<crate::schema::LocalSchema>,
}

impl std::fmt::Debug for Settings {
    // Debug output (a log line, a panic) never holds a secret: properties
    // named like secrets are masked, the rest redacted by value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let properties: BTreeMap<&str, String> = self
            .properties
            .iter()
            .map(|(k, v)| {
                let shown = if secrets::is_secret_key(k) {
                    "•••".to_string()
                } else {
                    redact(v).into_owned()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("Settings")
            .field("profile_name", &self.profile_name)
            .field("bootstrap_servers", &self.bootstrap_servers)
            .field("properties", &properties)
            .field("refresh", &self.refresh)
            .field("groups_refresh", &self.groups_refresh)
            .field("watched_groups", &self.watched_groups)
            .field("lag_window", &self.lag_window)
            .field("source", &self.source)
            .field("read_only", &self.read_only)
            .field("label", &self.label)
            .field("color", &self.color)
            .field("tls_unverified", &self.tls_unverified)
            .field("msk_iam", &self.msk_iam)
            .field("schema_registry", &self.schema_registry)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Settings for a bootstrap address with every default; for tests and
    /// embedded use.
    pub fn for_bootstrap(bootstrap: &str) -> Settings {
        Settings {
            profile_name: "cli".into(),
            bootstrap_servers: bootstrap.into(),
            properties: BTreeMap::new(),
            refresh: Duration::from_secs(10),
            groups_refresh: Duration::from_secs(5),
            watched_groups: vec![],
            lag_window: 6,
            keymap: Keymap::defaults(),
            source: None,
            read_only: false,
            label: None,
            color: None,
            tls_unverified: false,
            msk_iam: None,
            schema_registry: None,
            topic_schemas: Vec::new(),
        }
    }
}

/// librdkafka takes file paths as they are; a config file's `~/` means the
/// home folder, as it does for secret files.
fn expand_home_in_paths(p: &mut BTreeMap<String, String>) {
    for (k, v) in p.iter_mut() {
        if (k.ends_with(".location") || k.ends_with(".keytab")) && v.starts_with("~/") {
            *v = crate::files::expand_home(v).display().to_string();
        }
    }
}

/// Kerberos without a keytab means the ticket the user got with `kinit`:
/// librdkafka would refuse to start (its own kinit command needs a keytab),
/// so creel turns its ticket refresh off and the user's ticket is used, as
/// kcat users do with `-X sasl.kerberos.min.time.before.relogin=0`.
fn use_own_kerberos_ticket(p: &mut BTreeMap<String, String>) {
    let gssapi = ["sasl.mechanism", "sasl.mechanisms"]
        .iter()
        .any(|k| p.get(*k).is_some_and(|v| v.eq_ignore_ascii_case("GSSAPI")));
    let told = [
        "sasl.kerberos.keytab",
        "sasl.kerberos.kinit.cmd",
        "sasl.kerberos.min.time.before.relogin",
    ]
    .iter()
    .any(|k| p.contains_key(*k));
    if gssapi && !told {
        p.insert("sasl.kerberos.min.time.before.relogin".into(), "0".into());
    }
}

/// Read the embedded defaults and the user's file (if any), then apply the
/// command line.
pub fn resolve(
    explicit_path: Option<&std::path::Path>,
    cli: &Overrides,
) -> Result<Settings, ConfigError> {
    let defaults = load::parse(
        DEFAULT_TOML,
        std::path::Path::new("<built-in config/default.toml>"),
    )?;
    let user_path = config_path(explicit_path)?;
    let user = match &user_path {
        Some(path) => Some(load_file(path)?),
        None => None,
    };
    merge(defaults, user, user_path, cli)
}

/// A profile as `creel profiles` lists it: no property, so no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    pub bootstrap_servers: Option<String>,
    pub label: Option<String>,
    pub read_only: bool,
    pub is_default: bool,
}

/// The profiles of the config file (and the built-in ones), by name, and
/// the file they came from.
pub fn list_profiles(
    explicit_path: Option<&std::path::Path>,
) -> Result<(Vec<ProfileInfo>, Option<std::path::PathBuf>), ConfigError> {
    let defaults = load::parse(
        DEFAULT_TOML,
        std::path::Path::new("<built-in config/default.toml>"),
    )?;
    let user_path = config_path(explicit_path)?;
    let mut profiles = defaults.profiles;
    let mut default_profile = defaults.default_profile;
    if let Some(path) = &user_path {
        let user = load_file(path)?;
        profiles.extend(user.profiles);
        default_profile = user.default_profile.or(default_profile);
    }
    let list = profiles
        .into_iter()
        .map(|(name, p)| ProfileInfo {
            is_default: default_profile.as_deref() == Some(name.as_str()),
            name,
            bootstrap_servers: p.bootstrap_servers,
            label: p.label,
            read_only: p.read_only,
        })
        .collect();
    Ok((list, user_path))
}

fn merge(
    defaults: FileConfig,
    user: Option<FileConfig>,
    source: Option<std::path::PathBuf>,
    cli: &Overrides,
) -> Result<Settings, ConfigError> {
    let mut profiles = defaults.profiles;
    let mut default_profile = defaults.default_profile;
    let mut refresh_secs = defaults.refresh_secs;
    let mut groups_refresh_secs = defaults.groups_refresh_secs;
    let mut lag_window = defaults.lag_window;
    let mut keymap = Keymap::from_bindings(&defaults.keys);
    if let Some(user) = user {
        profiles.extend(user.profiles);
        default_profile = user.default_profile.or(default_profile);
        refresh_secs = user.refresh_secs.or(refresh_secs);
        groups_refresh_secs = user.groups_refresh_secs.or(groups_refresh_secs);
        lag_window = user.lag_window.or(lag_window);
        keymap.override_with(&user.keys);
    }

    let chosen = cli.profile.clone().or_else(|| {
        // A bare -b means "this cluster", not the default profile's cluster.
        if cli.bootstrap_servers.is_some() {
            None
        } else {
            default_profile.clone()
        }
    });
    let (profile_name, profile) = match chosen {
        Some(name) => match profiles.get(&name) {
            Some(p) => (name, p.clone()),
            None => {
                return Err(ConfigError::UnknownProfile {
                    name,
                    known: profiles.keys().cloned().collect(),
                })
            }
        },
        None => ("cli".to_string(), Profile::default()),
    };

    let bootstrap_servers = cli
        .bootstrap_servers
        .clone()
        .or(profile.bootstrap_servers.clone())
        .ok_or_else(|| ConfigError::NoBootstrap {
            profile: profile_name.clone(),
        })?;
    let mut properties = BTreeMap::new();
    let mut secret_values = vec![];
    for (k, v) in &profile.properties {
        let value = v.resolve(k).map_err(|message| ConfigError::Secret {
            profile: profile_name.clone(),
            message,
        })?;
        if !v.is_plain() {
            secret_values.push(value.clone());
        }
        properties.insert(k.clone(), value);
    }
    for (k, v) in &cli.properties {
        properties.insert(k.clone(), v.clone());
    }
    secret_values.extend(
        properties
            .iter()
            .filter(|(k, _)| secrets::is_secret_key(k))
            .map(|(_, v)| v.clone()),
    );
    secrets::remember(secret_values);
    // Certificate checks go off only by a profile's explicit word.
    let disables = |(k, v): (&String, &String)| {
        (k == "enable.ssl.certificate.verification" && v.eq_ignore_ascii_case("false"))
            || (k == "ssl.endpoint.identification.algorithm" && v.eq_ignore_ascii_case("none"))
    };
    let tls_unverified = profile.tls_verify == Some(false);
    if tls_unverified {
        properties.insert("enable.ssl.certificate.verification".into(), "false".into());
        properties.insert(
            "ssl.endpoint.identification.algorithm".into(),
            "none".into(),
        );
    } else if let Some((k, _)) = properties.iter().find(|kv| disables(*kv)) {
        return Err(ConfigError::Invalid {
            profile: profile_name.clone(),
            message: format!(
                "{k} turns TLS verification off; that takes `tls_verify = false` in the profile (the header then says TLS NOT VERIFIED)"
            ),
        });
    }
    use_own_kerberos_ticket(&mut properties);
    expand_home_in_paths(&mut properties);
    if profile.aws_msk_iam.is_some() {
        // The AWS SDK reads these itself; creel never prints them either.
        secrets::remember(
            ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
                .iter()
                .filter_map(|k| std::env::var(k).ok()),
        );
        // MSK's IAM listener is SASL over TLS with OAUTHBEARER; the
        // profile need not say so.
        for (k, v) in [
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER"),
        ] {
            properties.entry(k.into()).or_insert_with(|| v.into());
        }
    }
    if let Some(path) = &source {
        warn_if_readable(path, &profile);
    }
    let secs = cli
        .refresh_secs
        .or(profile.refresh_secs)
        .or(refresh_secs)
        .unwrap_or(10)
        .max(1);
    let groups_secs = profile
        .groups_refresh_secs
        .or(groups_refresh_secs)
        .unwrap_or(5)
        .max(1);
    let schema_registry = registry_settings(&profile_name, profile.schema_registry.as_ref(), cli)?;
    let topic_schemas = topic_schemas(&profile_name, &profile, source.as_deref())?;
    Ok(Settings {
        profile_name,
        bootstrap_servers,
        properties,
        refresh: Duration::from_secs(secs),
        groups_refresh: Duration::from_secs(groups_secs),
        watched_groups: {
            let mut g = profile.groups.clone();
            g.extend(cli.groups.iter().cloned());
            g.dedup();
            g
        },
        lag_window: lag_window.unwrap_or(6).max(crate::app::lag::MIN_SAMPLES),
        keymap,
        source,
        read_only: cli.read_only || profile.read_only,
        label: profile.label.clone(),
        color: profile.color.clone(),
        tls_unverified,
        msk_iam: profile.aws_msk_iam.clone(),
        schema_registry,
        topic_schemas,
    })
}

/// The profile's schema files, each checked to name one kind; relative
/// paths are taken from the config file's directory.
fn topic_schemas(
    profile_name: &str,
    profile: &Profile,
    config_file: Option<&std::path::Path>,
) -> Result<Vec<crate::schema::LocalSchema>, ConfigError> {
    use crate::schema::{LocalKind, LocalSchema, Part};
    let base = config_file.and_then(std::path::Path::parent);
    let path = |p: &str| {
        let p = crate::files::expand_home(p);
        match base {
            Some(b) if p.is_relative() => b.join(p),
            _ => p,
        }
    };
    let mut out = Vec::new();
    for (topic, t) in &profile.topic_schemas {
        for (part, file) in [(Part::Key, &t.key), (Part::Value, &t.value)] {
            let Some(f) = file else { continue };
            let place = format!("topic_schemas.{topic}.{}", part.name());
            let invalid = |message: String| ConfigError::Invalid {
                profile: profile_name.to_string(),
                message,
            };
            let kinds: Vec<(LocalKind, &String)> = [
                (LocalKind::Avro, &f.avro),
                (LocalKind::Protobuf, &f.protobuf),
                (LocalKind::JsonSchema, &f.json_schema),
                (LocalKind::DescriptorSet, &f.descriptor_set),
            ]
            .into_iter()
            .filter_map(|(k, p)| p.as_ref().map(|p| (k, p)))
            .collect();
            let [(kind, file_path)] = kinds.as_slice() else {
                return Err(invalid(format!(
                    "{place} must name exactly one of avro, protobuf, json_schema or descriptor_set (it names {})",
                    kinds.len()
                )));
            };
            let protobuf = matches!(kind, LocalKind::Protobuf | LocalKind::DescriptorSet);
            if f.message.is_some() && !protobuf {
                return Err(invalid(format!(
                    "{place}: message applies to protobuf and descriptor_set only"
                )));
            }
            if *kind == LocalKind::DescriptorSet && f.message.is_none() {
                return Err(invalid(format!(
                    "{place}: a descriptor_set needs the message type, as message = \"pkg.Type\""
                )));
            }
            out.push(LocalSchema {
                topic: topic.clone(),
                part,
                kind: *kind,
                path: path(file_path),
                message: f.message.clone(),
                include: f.include.iter().map(|p| path(p)).collect(),
            });
        }
    }
    Ok(out)
}

/// The profile's registry, or the command line's URL over it; its secrets
/// resolved now and remembered for redaction.
fn registry_settings(
    profile_name: &str,
    profile: Option<&RegistryProfile>,
    cli: &Overrides,
) -> Result<Option<crate::schema::RegistrySettings>, ConfigError> {
    let resolve = |key: &str, v: Option<&PropertyValue>| -> Result<Option<String>, ConfigError> {
        let Some(v) = v else { return Ok(None) };
        let value = v
            .resolve(&format!("schema_registry.{key}"))
            .map_err(|message| ConfigError::Secret {
                profile: profile_name.to_string(),
                message,
            })?;
        if key != "username" {
            secrets::remember(vec![value.clone()]);
        }
        Ok(Some(value))
    };
    let url = cli
        .schema_registry
        .clone()
        .or_else(|| profile.map(|p| p.url.clone()));
    let Some(url) = url else { return Ok(None) };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ConfigError::Invalid {
            profile: profile_name.to_string(),
            message: format!("schema_registry url {url:?} must start with http:// or https://"),
        });
    }
    Ok(Some(crate::schema::RegistrySettings {
        url,
        username: resolve("username", profile.and_then(|p| p.username.as_ref()))?,
        password: resolve("password", profile.and_then(|p| p.password.as_ref()))?,
        token: resolve("token", profile.and_then(|p| p.token.as_ref()))?,
        ca_location: profile
            .and_then(|p| p.ca_location.as_deref())
            .map(crate::files::expand_home),
    }))
}

/// A config file holding a plain-text secret that others can read gets a
/// one-line warning (not an error: the file is the user's to keep).
fn warn_if_readable(path: &std::path::Path, profile: &Profile) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let plain_secret = profile
            .properties
            .iter()
            .any(|(k, v)| v.is_plain() && secrets::is_secret_key(k));
        let open = std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0);
        if plain_secret && open {
            eprintln!(
                "creel: warning: {} holds a plain-text secret and others can read it (chmod 600, or use {{ env = ... }}, {{ file = ... }} or {{ command = [...] }})",
                path.display()
            );
        }
    }
}

/// Parse `key=value` as kcat's -X does.
pub fn parse_property(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected key=value, got {s:?}")),
    }
}

#[cfg(test)]
mod tests;
