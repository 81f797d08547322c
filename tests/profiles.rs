//! Several clusters in one config: `creel profiles` lists them without a
//! property (so without a secret), a profile's label and colour mark the
//! header, and TLS checks go off only by a profile's explicit word.

use std::process::Command;

use creel::app::App;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const CONFIG: &str = r#"default_profile = "staging"

[profiles.staging]
bootstrap_servers = "staging:9093"
[profiles.staging.properties]
"sasl.password" = "canary-profiles-9d2"

[profiles.prod]
bootstrap_servers = "prod:9093"
label = "prod"
color = "red"
read_only = true
[profiles.prod.properties]
"sasl.password" = { env = "NOT_READ_WHEN_LISTING" }

[profiles.lab]
bootstrap_servers = "127.0.0.1:1"
tls_verify = false
"#;

fn creel(config: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_creel"))
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

fn write_config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, CONFIG).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

#[test]
fn profiles_are_listed_with_the_default_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path());
    let out = creel(&cfg, &["profiles"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("* staging") && l.contains("staging:9093")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  prod") && l.contains("prod") && l.ends_with("yes")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("  lab")), "{text}");
    assert!(!text.contains("canary-profiles-9d2"), "{text}");
    let out = creel(&cfg, &["profiles", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let prod = v["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "prod")
        .unwrap();
    assert_eq!(prod["read_only"], true);
    assert_eq!(prod["label"], "prod");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("canary"));
}

#[test]
fn tls_checks_go_off_only_by_the_profiles_word() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path());
    for prop in [
        "enable.ssl.certificate.verification=false",
        "ssl.endpoint.identification.algorithm=none",
    ] {
        let out = creel(&cfg, &["--profile", "staging", "-X", prop, "topics"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{err}");
        assert!(
            err.contains("that takes `tls_verify = false` in the profile"),
            "{err}"
        );
    }
    let s = creel::config::resolve(
        Some(&cfg),
        &creel::config::Overrides {
            profile: Some("lab".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(s.tls_unverified);
    assert_eq!(s.properties["enable.ssl.certificate.verification"], "false");
}

#[test]
fn a_profiles_label_colour_read_only_and_unverified_tls_mark_the_header() {
    let mut app = App::new("prod", "prod:9093", chrono::Local::now());
    app.shared.label.tag = Some("prod".into());
    app.shared.label.color = Some("red".into());
    app.shared.label.tls_unverified = true;
    app.shared.read_only = true;
    let mut t = Terminal::new(TestBackend::new(120, 30)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer();
    let first: String = (0..120).map(|x| buf[(x, 0)].symbol()).collect();
    assert!(
        first.contains("READ-ONLY")
            && first.contains("TLS NOT VERIFIED")
            && first.contains(" prod "),
        "{first}"
    );
    let x = first.find(" prod ").unwrap();
    let col = first[..x].chars().count() as u16 + 1;
    assert_eq!(
        buf[(col, 0)].bg,
        ratatui::style::Color::Red,
        "the label in its colour"
    );
    // A profile's read_only holds whatever the command line says.
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path());
    let s = creel::config::resolve(
        Some(&cfg),
        &creel::config::Overrides {
            profile: Some("prod".into()),
            ..Default::default()
        },
    );
    // prod's password comes from an unset variable: said, without a value.
    let e = s.unwrap_err().to_string();
    assert!(e.contains("NOT_READ_WHEN_LISTING is not set"), "{e}");
}
