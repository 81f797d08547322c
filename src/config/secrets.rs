//! Secrets in profiles: a property's value may come from an environment
//! variable, a file or a command instead of plain text, and no secret is
//! ever printed. Every value that came from a secret source, or whose key
//! names a secret (password, secret, token, jaas, key, pem, credential), is
//! remembered here once the config is resolved, and `redact` replaces it in
//! any text before it is shown or logged.

use std::io::Read;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// A property's value in a profile.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged, deny_unknown_fields)]
pub enum PropertyValue {
    Plain(String),
    Env { env: String },
    File { file: String },
    Command { command: Vec<String> },
}

impl std::fmt::Debug for PropertyValue {
    // Debug output (a panic, a log line) never holds a plain value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PropertyValue::Plain(_) => f.write_str("Plain(•••)"),
            PropertyValue::Env { env } => write!(f, "Env({env})"),
            PropertyValue::File { file } => write!(f, "File({file})"),
            PropertyValue::Command { command } => write!(f, "Command({:?})", command.first()),
        }
    }
}

/// How long a secret command may run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Key words that make a property's value a secret, whatever its source.
/// "pasw" and "pwd" also catch a mistyped "sasl.pasword".
const SECRET_KEYS: [&str; 9] = [
    "pass",
    "pasw",
    "pwd",
    "secret",
    "token",
    "jaas",
    "key",
    "pem",
    "credential",
];

/// Last words of keys that say where or what a secret is, not the secret:
/// `ssl.key.location`, `sasl.oauthbearer.token.endpoint.url`,
/// `ssl.keystore.type`, `sasl.kerberos.keytab`. Hiding them would blank the
/// very path or URL an error needs to name.
const NOT_SECRET_ENDINGS: [&str; 5] = [".location", ".url", ".type", ".keytab", ".algorithm"];

pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|w| k.contains(w)) && !NOT_SECRET_ENDINGS.iter().any(|e| k.ends_with(e))
}

impl PropertyValue {
    pub fn is_plain(&self) -> bool {
        matches!(self, PropertyValue::Plain(_))
    }

    /// The value, read from its source. An error names the source and
    /// never what a command printed.
    pub fn resolve(&self, key: &str) -> Result<String, String> {
        match self {
            PropertyValue::Plain(v) => Ok(v.clone()),
            PropertyValue::Env { env } => std::env::var(env)
                .map_err(|_| format!("property {key}: environment variable {env} is not set")),
            PropertyValue::File { file } => {
                let path = crate::files::expand_home(file);
                std::fs::read_to_string(&path)
                    .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
                    .map_err(|e| format!("property {key}: cannot read {}: {e}", path.display()))
            }
            PropertyValue::Command { command } => run(key, command),
        }
    }
}

/// Run a secret command once, with a timeout; its output trimmed. Its
/// stderr is not shown either: it may echo the secret.
fn run(key: &str, command: &[String]) -> Result<String, String> {
    let Some((program, args)) = command.split_first() else {
        return Err(format!("property {key}: the command is empty"));
    };
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("property {key}: cannot run {program}: {e}"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(status)) => {
                return Err(format!(
                    "property {key}: {program} failed ({status}); its output is not shown"
                ))
            }
            Ok(None) if started.elapsed() >= COMMAND_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "property {key}: {program} did not finish within {} s",
                    COMMAND_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("property {key}: {program}: {e}")),
        }
    }
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout
            .read_to_string(&mut out)
            .map_err(|e| format!("property {key}: reading what {program} printed: {e}"))?;
    }
    Ok(out.trim().to_string())
}

pub use crate::redact::{redact, remember};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_resolves_and_none_is_printed_on_failure() {
        std::env::set_var("CREEL_TEST_SECRET_ENV", "canary-env-7c1");
        let env = PropertyValue::Env {
            env: "CREEL_TEST_SECRET_ENV".into(),
        };
        assert_eq!(env.resolve("sasl.password").unwrap(), "canary-env-7c1");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "canary-file-7c1\n").unwrap();
        let file = PropertyValue::File {
            file: f.display().to_string(),
        };
        assert_eq!(file.resolve("sasl.password").unwrap(), "canary-file-7c1");
        let cmd = PropertyValue::Command {
            command: vec!["sh".into(), "-c".into(), "echo '  canary-cmd-7c1  '".into()],
        };
        assert_eq!(cmd.resolve("sasl.password").unwrap(), "canary-cmd-7c1");
        let failing = PropertyValue::Command {
            command: vec![
                "sh".into(),
                "-c".into(),
                "echo canary-out-7c1; echo canary-err-7c1 >&2; exit 3".into(),
            ],
        };
        let e = failing.resolve("sasl.password").unwrap_err();
        assert!(e.contains("sh failed") && !e.contains("canary"), "{e}");
        let missing = PropertyValue::Env {
            env: "CREEL_TEST_NO_SUCH_VAR".into(),
        };
        assert!(missing
            .resolve("k")
            .unwrap_err()
            .contains("CREEL_TEST_NO_SUCH_VAR is not set"));
        assert_eq!(
            format!("{:?}", PropertyValue::Plain("canary".into())),
            "Plain(•••)"
        );
    }

    #[test]
    fn remembered_values_are_redacted_and_keys_name_secrets() {
        remember(["canary-redact-7c1".to_string(), "ab".to_string()]);
        assert_eq!(
            redact("bad value canary-redact-7c1 here"),
            "bad value ••• here"
        );
        assert_eq!(redact("ab stays"), "ab stays");
        for k in [
            "sasl.password",
            "sasl.pasword",
            "sasl.jaas.config",
            "ssl.key.pem",
            "sasl.oauthbearer.client.secret",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        assert!(!is_secret_key("security.protocol"));
        for k in [
            "ssl.key.location",
            "ssl.keystore.location",
            "ssl.keystore.type",
            "sasl.oauthbearer.token.endpoint.url",
            "sasl.kerberos.keytab",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }
}
