//! Authentication, TLS and ACLs on the Kafka cluster, each through a
//! profile of creel's own config file: SCRAM, PLAIN, TLS verifying the
//! cluster's CA, mutual TLS, SASL over TLS and OAUTHBEARER with OIDC client
//! credentials (tokens from the cluster's own token endpoint, which the
//! broker checks against its key set) connect; a wrong password, a wrong
//! OIDC client secret, an untrusted certificate, a missing client
//! certificate and a missing ACL
//! each give one sentence naming the cause, in the header the TUI draws and
//! from the headless commands, with a non-zero exit.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{self, create_topics, kafka, Broker};
use creel::app::App;
use creel::config::Overrides;
use creel::kafka::spawn_worker;
use creel::model::ConnectionState;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// A config file with one profile per way of connecting.
fn config(dir: &Path) -> PathBuf {
    let k = kafka::cluster();
    let ca = k.tls("ca.pem");
    let other_ca = k.tls("other-ca.pem");
    let (cert, key) = (k.tls("client.pem"), k.tls("client.key"));
    let sasl = |mech: &str, user: &str, pw: &str| {
        format!(
            "\"sasl.mechanism\" = \"{mech}\"\n\"sasl.username\" = \"{user}\"\n\"sasl.password\" = \"{pw}\"\n"
        )
    };
    let profile = |name: &str, listener: &str, protocol: &str, extra: String| {
        format!(
            "[profiles.{name}]\nbootstrap_servers = \"{}\"\n[profiles.{name}.properties]\n\"security.protocol\" = \"{protocol}\"\n{extra}\n",
            k.bootstrap(listener)
        )
    };
    let ca_line = |p: &Path| format!("\"ssl.ca.location\" = \"{}\"\n", p.display());
    let client_cert = format!(
        "\"ssl.certificate.location\" = \"{}\"\n\"ssl.key.location\" = \"{}\"\n",
        cert.display(),
        key.display()
    );
    let oidc = |secret: &str| {
        format!(
            "\"sasl.mechanism\" = \"OAUTHBEARER\"\n\"sasl.oauthbearer.method\" = \"oidc\"\n\"sasl.oauthbearer.client.id\" = \"{}\"\n\"sasl.oauthbearer.client.secret\" = \"{secret}\"\n\"sasl.oauthbearer.token.endpoint.url\" = \"{}\"\n",
            k.var("KAFKA_OIDC_CLIENT_ID"),
            k.var("KAFKA_OIDC_TOKEN_URL")
        )
    };
    let text = [
        profile(
            "oidc",
            "OAUTH",
            "SASL_SSL",
            ca_line(&ca) + &oidc(k.var("KAFKA_OIDC_CLIENT_SECRET")),
        ),
        profile(
            "oidc-wrong-secret",
            "OAUTH",
            "SASL_SSL",
            ca_line(&ca) + &oidc("not-the-secret"),
        ),
        profile(
            "scram",
            "SASL_PLAINTEXT",
            "SASL_PLAINTEXT",
            sasl("SCRAM-SHA-512", "admin", "admin-secret"),
        ),
        profile(
            "plain",
            "SASL_PLAINTEXT",
            "SASL_PLAINTEXT",
            sasl("PLAIN", "admin", "admin-secret"),
        ),
        profile("tls", "SSL", "SSL", ca_line(&ca)),
        profile("mtls", "MTLS", "SSL", ca_line(&ca) + &client_cert),
        // Inline PEM, each read from a file source (a whole PEM block).
        profile(
            "mtls-inline",
            "MTLS",
            "SSL",
            format!(
                "\"ssl.ca.pem\" = {{ file = \"{}\" }}\n\"ssl.certificate.pem\" = {{ file = \"{}\" }}\n\"ssl.key.pem\" = {{ file = \"{}\" }}\n",
                ca.display(),
                cert.display(),
                key.display()
            ),
        ),
        profile(
            "sasl-ssl",
            "SASL_SSL",
            "SASL_SSL",
            ca_line(&ca) + &sasl("SCRAM-SHA-256", "admin", "admin-secret"),
        ),
        profile(
            "reader",
            "SASL_PLAINTEXT",
            "SASL_PLAINTEXT",
            sasl("PLAIN", "reader", "reader-secret"),
        ),
        profile(
            "wrong-password",
            "SASL_PLAINTEXT",
            "SASL_PLAINTEXT",
            sasl("SCRAM-SHA-512", "admin", "not-it"),
        ),
        profile("untrusted", "SSL", "SSL", ca_line(&other_ca)),
        profile("no-client-cert", "MTLS", "SSL", ca_line(&ca)),
    ]
    .concat();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    // Private, as a file with passwords should be (else creel warns).
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

fn creel(config: &Path, profile: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .arg("--config")
        .arg(config)
        .args(["--profile", profile])
        .args(args)
        .output()
        .unwrap()
}

/// The header the TUI draws once the worker has reported on `profile`.
async fn header(config: &Path, profile: &str, done: impl Fn(&App) -> bool) -> String {
    let settings = creel::config::resolve(
        Some(config),
        &Overrides {
            profile: Some(profile.into()),
            ..Overrides::default()
        },
    )
    .unwrap();
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new(profile, &settings.bootstrap_servers, chrono::Local::now());
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(20),
        profile,
        done,
    )
    .await;
    let mut terminal = Terminal::new(TestBackend::new(200, 20)).unwrap();
    terminal.draw(|f| app.draw(f)).unwrap();
    let buf = terminal.backend().buffer();
    (0..2)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mechanism_connects_through_a_profile() {
    let broker = Broker::kafka();
    let topic = broker.name("secure");
    create_topics(&broker.bootstrap(), &[(&topic, 2)]).await;
    common::produce(&broker.bootstrap(), &topic, 1, 3).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    for profile in [
        "scram",
        "plain",
        "tls",
        "mtls",
        "mtls-inline",
        "sasl-ssl",
        "oidc",
    ] {
        let out = creel(&cfg, profile, &["topics", "--json"]);
        assert!(
            out.status.success(),
            "{profile}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let t = v
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == topic.as_str())
            .unwrap_or_else(|| panic!("{profile}: {topic} listed"));
        assert_eq!(t["messages"], 3, "{profile}");
        // Reading works too, over the same listener.
        let out = creel(
            &cfg,
            profile,
            &["tail", "-t", &topic, "-o", "beginning", "-e"],
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            3,
            "{profile}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // And the TUI's header says connected, with all three brokers up.
        let h = header(&cfg, profile, |a| {
            a.shared.connection == ConnectionState::Connected
                && a.shared.broker_counts.is_some_and(|c| c.up == 3)
        })
        .await;
        assert!(h.contains("● connected"), "{profile}: {h}");
        assert!(h.contains("brokers 3/3 up"), "{profile}: {h}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_refusal_is_one_sentence_naming_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let cases = [
        (
            "wrong-password",
            "authentication failed: the broker rejected the user name or password (SASL SCRAM-SHA-512)",
        ),
        (
            "oidc-wrong-secret",
            r#"OAUTHBEARER: the token endpoint refused the client id or secret ({"error": "invalid_client"}): check sasl.oauthbearer.client.id and sasl.oauthbearer.client.secret"#,
        ),
        (
            "untrusted",
            "TLS: the broker's certificate is not trusted (not signed by a CA creel knows): set ssl.ca.location to the CA that signed it",
        ),
        (
            "no-client-cert",
            "TLS: the broker requires a client certificate it trusts (mutual TLS): set ssl.certificate.location and ssl.key.location",
        ),
    ];
    for (profile, sentence) in cases {
        for args in [&["topics"][..], &["lag"], &["tail", "-t", "x", "-e"]] {
            let t = std::time::Instant::now();
            let out = creel(&cfg, profile, args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{profile} {args:?}: {stderr}");
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{profile} {args:?}: one line: {stderr}");
            assert!(
                lines[0].starts_with("creel: cannot read the cluster at ")
                    && lines[0].ends_with(sentence),
                "{profile} {args:?}: {stderr}"
            );
            assert!(
                t.elapsed() < Duration::from_secs(5),
                "{profile} {args:?}: said at once, not after a timeout ({:?})",
                t.elapsed()
            );
        }
        let h = header(&cfg, profile, |a| {
            matches!(a.shared.connection, ConnectionState::Refused { .. })
        })
        .await;
        assert!(
            h.contains(&format!("✖ cannot connect: {sentence}")),
            "{profile}: {h}"
        );
        assert!(!h.contains("BrokerTransportFailure"), "{h}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_acl_is_said_and_what_is_allowed_works() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    // The reader may read topics named public-* and nothing else.
    let (public, private) = (
        format!("public-{}", broker.name("x")),
        format!("private-{}", broker.name("x")),
    );
    create_topics(&b, &[(&public, 1), (&private, 1)]).await;
    common::produce(&b, &public, 0, 2).await;
    common::produce(&b, &private, 0, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());

    // Allowed: listing shows the public topic only, reading it works.
    let out = creel(&cfg, "reader", &["topics"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(text.contains(&public), "{text}");
    assert!(!text.contains(&private), "{text}");
    let out = creel(
        &cfg,
        "reader",
        &["tail", "-t", &public, "-o", "beginning", "-e"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "{out:?}"
    );

    // Denied: reading the private topic, and writing the public one.
    let out = creel(
        &cfg,
        "reader",
        &["tail", "-t", &private, "-o", "beginning", "-e"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr.contains(&format!(
            "topic {private}: not authorized: no ACL lets this user do that on the topic (TopicAuthorizationFailed)"
        )),
        "{stderr}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .arg("--config")
        .arg(&cfg)
        .args(["--profile", "reader", "produce", "-t", &public])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"not allowed\n")?;
            c.wait_with_output()
        })
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("failed 1x: not authorized: no ACL lets this user do that on the topic (TopicAuthorizationFailed)"),
        "{stderr}"
    );
    // In the TUI's explorer, the private topic's read says the same.
    let settings = creel::config::resolve(
        Some(&cfg),
        &Overrides {
            profile: Some("reader".into()),
            ..Overrides::default()
        },
    )
    .unwrap();
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("reader", &b, chrono::Local::now());
    for c in creel::app::commands_of(&app.open_messages(
        &private,
        None,
        creel::model::StartAt::Beginning,
    )) {
        worker.commands.send(c).await.unwrap();
    }
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(20),
        "the read's error",
        |a| a.explorer().is_some_and(|e| e.error.is_some()),
    )
    .await;
    let e = app.explorer().unwrap().error.clone().unwrap();
    assert_eq!(e.kind, creel::protocol::ErrorKind::Unauthorized, "{e}");
    assert!(e.message.contains("not authorized"), "{e}");
}

/// Kerberos against the cluster's own KDC: with a keytab (librdkafka runs
/// kinit), with the ticket a person got from `kinit` and a password (no
/// keytab in the profile), and with a keytab that is not there, which is
/// one sentence naming Kerberos, at once.
#[test]
fn kerberos_connects_with_a_keytab_or_a_kinit_ticket() {
    let k = kafka::cluster();
    let broker = Broker::kafka();
    let topic = broker.name("krb");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&broker.bootstrap(), &[(&topic, 1)]).await;
        common::produce(&broker.bootstrap(), &topic, 0, 3).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let profile = |name: &str, extra: &str| {
        format!(
            "[profiles.{name}]\nbootstrap_servers = \"{}\"\n[profiles.{name}.properties]\n\"security.protocol\" = \"SASL_PLAINTEXT\"\n\"sasl.mechanism\" = \"GSSAPI\"\n\"sasl.kerberos.service.name\" = \"kafka\"\n{extra}\n",
            k.bootstrap("KERBEROS")
        )
    };
    let principal = format!(
        "\"sasl.kerberos.principal\" = \"{}\"\n",
        k.var("KAFKA_KRB_PRINCIPAL")
    );
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        [
            profile(
                "keytab",
                &format!(
                    "{principal}\"sasl.kerberos.keytab\" = \"{}\"",
                    k.var("KAFKA_KRB_KEYTAB")
                ),
            ),
            profile("ticket", ""),
            profile(
                "no-keytab",
                &format!("{principal}\"sasl.kerberos.keytab\" = \"/nonexistent.keytab\""),
            ),
        ]
        .concat(),
    )
    .unwrap();
    let run = |profile: &str, cache: &str, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
            .env("KRB5_CONFIG", k.var("KAFKA_KRB5_CONFIG"))
            .env(
                "KRB5CCNAME",
                format!("FILE:{}", dir.path().join(cache).display()),
            )
            .arg("--config")
            .arg(&cfg)
            .args(["--profile", profile])
            .args(args)
            .output()
            .unwrap()
    };
    // A keytab: librdkafka gets the ticket itself, into an empty cache.
    let out = run(
        "keytab",
        "cache-keytab",
        &["tail", "-t", &topic, "-o", "beginning", "-e"],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        3,
        "{out:?}"
    );
    // A person's own ticket, from kinit and a password.
    let kinit = std::process::Command::new("kinit")
        .env("KRB5_CONFIG", k.var("KAFKA_KRB5_CONFIG"))
        .env(
            "KRB5CCNAME",
            format!("FILE:{}", dir.path().join("cache-own").display()),
        )
        .arg(k.var("KAFKA_KRB_PRINCIPAL"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            writeln!(c.stdin.take().unwrap(), "{}", k.var("KAFKA_KRB_PASSWORD"))?;
            c.wait()
        })
        .expect("kinit (Debian: krb5-user)");
    assert!(kinit.success());
    let out = run("ticket", "cache-own", &["topics", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == topic.as_str() && t["messages"] == 3),
        "{v}"
    );
    // The same profile without a ticket is refused in one sentence.
    let t = std::time::Instant::now();
    let out = run("ticket", "cache-empty", &["topics"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("creel: cannot read the cluster at ")
            && last.contains(": Kerberos (GSSAPI): No credentials were supplied")
            && last.ends_with("check sasl.kerberos.principal and sasl.kerberos.keytab (librdkafka runs kinit with them), or run kinit"),
        "{stderr}"
    );
    // A keytab that is not there: kinit says so (its own words, on stderr,
    // as with kcat), then creel's sentence.
    let out = run("no-keytab", "cache-none", &["topics"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("kinit: Key table file '/nonexistent.keytab' not found"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or_default()
            .contains("Kerberos (GSSAPI)"),
        "{stderr}"
    );
}

/// AWS MSK IAM, on a broker that is not MSK: creel signs a token and the
/// broker gets it over SASL/OAUTHBEARER (Kafka's JWT validator then
/// refuses it, as any non-MSK broker would, and creel says so at once);
/// without AWS credentials, the profile's failure names MSK IAM. Neither
/// prints the AWS secret key.
#[test]
fn an_msk_iam_token_reaches_the_broker_and_missing_credentials_are_said() {
    let k = kafka::cluster();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[profiles.msk]\nbootstrap_servers = \"{}\"\naws_msk_iam = {{ region = \"eu-west-1\" }}\n[profiles.msk.properties]\n\"ssl.ca.location\" = \"{}\"\n",
            k.bootstrap("OAUTH"),
            k.tls("ca.pem").display()
        ),
    )
    .unwrap();
    let run = |with_credentials: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_creel"));
        c.env("HOME", dir.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_PROFILE");
        if with_credentials {
            c.env("AWS_ACCESS_KEY_ID", "AKIDCREELKAFKA")
                .env("AWS_SECRET_ACCESS_KEY", "canary-aws-secret-5e1");
        }
        let t = std::time::Instant::now();
        let out = c
            .arg("--config")
            .arg(&cfg)
            .args(["--profile", "msk", "topics"])
            .output()
            .unwrap();
        (out, t.elapsed())
    };
    let (out, took) = run(true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "authentication failed: the broker rejected the OAUTHBEARER token (invalid_token)"
        ),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(!stderr.contains("canary-aws-secret-5e1"), "{stderr}");
    let (out, took) = run(false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(": MSK IAM: no token, the AWS credentials could not be had"),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
}
