//! Secrets from the environment, a file or a command, on the Kafka
//! cluster's SCRAM and OIDC listeners; and canaries: every secret, whatever its
//! source, is looked for in everything creel prints and writes (stdout,
//! stderr, a trace-level log) across subcommands, against a good cluster,
//! a wrong password, a mistyped property and an unreachable broker. None
//! may appear.

use std::path::Path;
use std::process::Command;

use crate::common::{create_topics, kafka, produce, Broker};

const CANARY_WRONG: &str = "canary-wrong-pw-5e1";
const CANARY_TYPO: &str = "canary-typo-pw-5e1";
const CANARY_JAAS: &str = "canary-jaas-5e1";
const CANARY_OIDC: &str = "canary-oidc-secret-5e1";
const CANARY_AWS: &str = "canary-aws-secret-key-5e1";

fn config(dir: &Path) -> std::path::PathBuf {
    let k = kafka::cluster();
    let sasl = k.bootstrap("SASL_PLAINTEXT");
    std::fs::write(dir.join("pw"), "admin-secret\n").unwrap();
    let profile = |name: &str, bootstrap: &str, props: &str| {
        format!(
            "[profiles.{name}]\nbootstrap_servers = \"{bootstrap}\"\n[profiles.{name}.properties]\n\"security.protocol\" = \"SASL_PLAINTEXT\"\n\"sasl.mechanism\" = \"SCRAM-SHA-512\"\n\"sasl.username\" = \"admin\"\n{props}\n"
        )
    };
    let oidc = |name: &str, secret: &str| {
        format!(
            "[profiles.{name}]\nbootstrap_servers = \"{}\"\n[profiles.{name}.properties]\n\"security.protocol\" = \"SASL_SSL\"\n\"ssl.ca.location\" = \"{}\"\n\"sasl.mechanism\" = \"OAUTHBEARER\"\n\"sasl.oauthbearer.method\" = \"oidc\"\n\"sasl.oauthbearer.client.id\" = \"{}\"\n\"sasl.oauthbearer.client.secret\" = {secret}\n\"sasl.oauthbearer.token.endpoint.url\" = \"{}\"\n",
            k.bootstrap("OAUTH"),
            k.tls("ca.pem").display(),
            k.var("KAFKA_OIDC_CLIENT_ID"),
            k.var("KAFKA_OIDC_TOKEN_URL"),
        )
    };
    std::fs::write(dir.join("oidc-wrong"), format!("{CANARY_OIDC}\n")).unwrap();
    let msk = format!(
        "[profiles.msk]\nbootstrap_servers = \"{}\"\naws_msk_iam = {{ region = \"eu-west-1\" }}\n[profiles.msk.properties]\n\"ssl.ca.location\" = \"{}\"\n",
        k.bootstrap("OAUTH"),
        k.tls("ca.pem").display()
    );
    let text = [
        msk,
        oidc("oidc", "{ env = \"CREEL_TEST_OIDC_SECRET\" }"),
        oidc(
            "oidc-wrong",
            &format!("{{ file = \"{}\" }}", dir.join("oidc-wrong").display()),
        ),
        profile("env", sasl, "\"sasl.password\" = { env = \"CREEL_TEST_KAFKA_PW\" }"),
        profile(
            "file",
            sasl,
            &format!("\"sasl.password\" = {{ file = \"{}\" }}", dir.join("pw").display()),
        ),
        profile(
            "command",
            sasl,
            "\"sasl.password\" = { command = [\"sh\", \"-c\", \"printf admin-secret\"] }",
        ),
        profile("wrong", sasl, "\"sasl.password\" = { env = \"CREEL_TEST_WRONG_PW\" }"),
        profile(
            "typo",
            sasl,
            &format!("\"sasl.password\" = {{ env = \"CREEL_TEST_KAFKA_PW\" }}\n\"sasl.pasword\" = \"{CANARY_TYPO}\""),
        ),
        profile(
            "jaas",
            sasl,
            &format!("\"sasl.password\" = {{ env = \"CREEL_TEST_KAFKA_PW\" }}\n\"sasl.jaas.config\" = \"{CANARY_JAAS}\""),
        ),
        profile("down", "127.0.0.1:1", "\"sasl.password\" = { env = \"CREEL_TEST_KAFKA_PW\" }"),
        profile(
            "failing-command",
            sasl,
            &format!("\"sasl.password\" = {{ command = [\"sh\", \"-c\", \"echo {CANARY_WRONG}; exit 1\"] }}"),
        ),
    ]
    .concat();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

struct Run {
    code: Option<i32>,
    all: String,
}

fn creel(dir: &Path, config: &Path, profile: &str, args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_creel"))
        .env("CREEL_TEST_KAFKA_PW", "admin-secret")
        .env("CREEL_TEST_WRONG_PW", CANARY_WRONG)
        .env("AWS_ACCESS_KEY_ID", "AKIDCREELCANARY")
        .env("AWS_SECRET_ACCESS_KEY", CANARY_AWS)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(
            "CREEL_TEST_OIDC_SECRET",
            kafka::cluster().var("KAFKA_OIDC_CLIENT_SECRET"),
        )
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("HOME", dir)
        .arg("--config")
        .arg(config)
        .args(["--profile", profile, "--log=trace"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        all: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// Every file under `dir` creel wrote (the logs), as text.
fn written(dir: &Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.join("state")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                text.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
            }
        }
    }
    text
}

#[test]
fn secrets_come_from_env_file_or_command_and_are_never_printed() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let topic = broker.name("secret");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&b, &[(&topic, 1)]).await;
        produce(&b, &topic, 0, 3).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());

    // Each source connects with the real password (or OIDC secret).
    for profile in ["env", "file", "command", "oidc"] {
        let r = creel(
            dir.path(),
            &cfg,
            profile,
            &["tail", "-t", &topic, "-o", "beginning", "-e"],
            "",
        );
        assert_eq!(r.code, Some(0), "{profile}: {}", r.all);
        // Lines of partition 0 (the log's temporary path may hold "0/" too).
        let read = r.all.lines().filter(|l| l.starts_with("0/")).count();
        assert_eq!(read, 3, "{profile}: {}", r.all);
    }
    // A failing command is named; what it printed is not.
    let r = creel(dir.path(), &cfg, "failing-command", &["topics"], "");
    assert_eq!(r.code, Some(78), "{}", r.all);
    assert!(
        r.all.contains("property sasl.password: sh failed"),
        "{}",
        r.all
    );

    let commands: &[(&[&str], &str)] = &[
        (&["topics"], ""),
        (&["brokers"], ""),
        (&["lag", "--samples", "3", "--interval", "1"], ""),
        (&["tail", "-t", &topic, "-o", "beginning", "-e"], ""),
        (&["search", "-t", &topic, "-e", "seq"], ""),
        (&["produce", "-t", &topic], "{\"canary\":false}\n"),
    ];
    let oidc_secret = kafka::cluster().var("KAFKA_OIDC_CLIENT_SECRET");
    let canaries = [
        "admin-secret",
        CANARY_WRONG,
        CANARY_TYPO,
        CANARY_JAAS,
        CANARY_OIDC,
        CANARY_AWS,
        oidc_secret,
    ];
    for profile in [
        "msk",
        "oidc",
        "oidc-wrong",
        "env",
        "file",
        "command",
        "wrong",
        "typo",
        "jaas",
        "down",
        "failing-command",
    ] {
        for (args, stdin) in commands {
            let r = creel(dir.path(), &cfg, profile, args, stdin);
            for c in canaries {
                assert!(
                    !r.all.contains(c),
                    "{profile} {args:?} printed {c}:\n{}",
                    r.all
                );
            }
        }
    }
    let logs = written(dir.path());
    assert!(
        logs.contains("librdkafka"),
        "the trace log was written: {} bytes",
        logs.len()
    );
    for c in canaries {
        assert!(!logs.contains(c), "the log holds {c}");
    }
    // The mistyped property is named, without its value.
    let r = creel(dir.path(), &cfg, "typo", &["topics"], "");
    assert_eq!(r.code, Some(78), "{}", r.all);
    assert!(r.all.contains("sasl.pasword"), "{}", r.all);
}

/// A config file with a plain-text secret that others can read gets a
/// one-line warning; a private one does not.
#[test]
fn a_readable_config_with_a_plain_secret_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[profiles.p]\nbootstrap_servers = \"127.0.0.1:1\"\n[profiles.p.properties]\n\"sasl.password\" = \"plain-text\"\n",
    )
    .unwrap();
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_creel"))
            .arg("--config")
            .arg(&path)
            .args(["--profile", "p", "topics"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = run();
    assert_eq!(
        err.matches("holds a plain-text secret and others can read it")
            .count(),
        1,
        "{err}"
    );
    assert!(!err.contains("plain-text\""), "{err}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(!run().contains("warning"));
}
