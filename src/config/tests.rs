use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::io::Write;

fn write(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

/// The settings of `profile` in the config file `f`.
fn resolve_profile(f: &tempfile::NamedTempFile, profile: &str) -> Settings {
    resolve(
        Some(f.path()),
        &Overrides {
            profile: Some(profile.into()),
            ..Overrides::default()
        },
    )
    .unwrap()
}

#[test]
fn embedded_defaults_parse_and_bind_every_action() {
    let cfg = load::parse(DEFAULT_TOML, std::path::Path::new("default.toml")).unwrap();
    let keymap = Keymap::from_bindings(&cfg.keys);
    for mode in crate::app::Mode::ALL {
        for action in mode.actions() {
            assert!(
                !keymap.keys(mode, *action).is_empty(),
                "{action:?} has no key in {mode:?}"
            );
        }
    }
}

#[test]
fn malformed_file_names_file_line_and_column() {
    let f = write("refresh_secs = 5\n[profiles.a]\nbootstrap_servers = \n");
    let err = resolve(Some(f.path()), &Overrides::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:3:", f.path().display())),
        "{msg}"
    );
}

#[test]
fn unknown_setting_is_an_error_with_its_line() {
    let f = write("[profiles.a]\nbootstrap_servers = \"x:1\"\nrefresh_sec = 3\n");
    let msg = resolve(Some(f.path()), &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(msg.contains(":3:"), "{msg}");
    assert!(msg.contains("refresh_sec"), "{msg}");
}

#[test]
fn bad_key_in_keymap_is_reported() {
    let f = write("[keys]\nquit = [\"q\", \"hyper-q\"]\n");
    let msg = resolve(Some(f.path()), &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(msg.contains(":2:"), "{msg}");
    assert!(msg.contains("hyper"), "{msg}");
}

#[test]
fn unknown_profile_lists_known_ones() {
    let f = write("[profiles.staging]\nbootstrap_servers = \"s:9092\"\n");
    let cli = Overrides {
        profile: Some("prod".into()),
        ..Default::default()
    };
    let msg = resolve(Some(f.path()), &cli).unwrap_err().to_string();
    assert_eq!(
        msg,
        "unknown profile \"prod\"; known profiles: local, staging"
    );
}

#[test]
fn missing_explicit_file_is_an_error() {
    let err = resolve(
        Some(std::path::Path::new("/nonexistent/creel.toml")),
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/creel.toml"));
}

#[test]
fn cli_overrides_profile() {
    let f = write(
        "default_profile = \"staging\"\n[profiles.staging]\nbootstrap_servers = \"s:9092\"\nrefresh_secs = 30\n[profiles.staging.properties]\n\"security.protocol\" = \"SSL\"\n\"client.id\" = \"me\"\n",
    );
    let s = resolve(Some(f.path()), &Overrides::default()).unwrap();
    assert_eq!(s.profile_name, "staging");
    assert_eq!(s.bootstrap_servers, "s:9092");
    assert_eq!(s.refresh.as_secs(), 30);
    let cli = Overrides {
        profile: Some("staging".into()),
        bootstrap_servers: Some("other:1".into()),
        properties: vec![("client.id".into(), "cli".into())],
        refresh_secs: Some(2),
        read_only: false,
        groups: vec!["from-cli".into()],
        schema_registry: None,
    };
    let s = resolve(Some(f.path()), &cli).unwrap();
    assert!(
        s.watched_groups.iter().any(|g| g == "from-cli"),
        "--group adds a watched group"
    );
    assert_eq!(s.bootstrap_servers, "other:1");
    assert_eq!(s.properties["client.id"], "cli");
    assert_eq!(s.properties["security.protocol"], "SSL");
    assert_eq!(s.refresh.as_secs(), 2);
}

#[test]
fn bare_bootstrap_does_not_take_default_profile_properties() {
    let f = write(
        "default_profile = \"x\"\n[profiles.x]\nbootstrap_servers = \"x:1\"\n[profiles.x.properties]\n\"security.protocol\" = \"SSL\"\n",
    );
    let cli = Overrides {
        bootstrap_servers: Some("127.0.0.1:9092".into()),
        ..Default::default()
    };
    let s = resolve(Some(f.path()), &cli).unwrap();
    assert_eq!(s.profile_name, "cli");
    assert!(s.properties.is_empty());
}

#[test]
fn user_keys_replace_only_the_named_actions() {
    let f = write("[keys]\nquit = [\"x\"]\n");
    let s = resolve(Some(f.path()), &Overrides::default()).unwrap();
    let press = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        s.keymap.action(crate::app::Mode::Normal, &press('x')),
        Some(crate::app::Action::Quit)
    );
    assert_eq!(s.keymap.action(crate::app::Mode::Normal, &press('q')), None);
    assert_eq!(
        s.keymap.action(crate::app::Mode::Normal, &press('j')),
        Some(crate::app::Action::Down)
    );
}

#[test]
fn shifted_letters_match_upper_case_bindings() {
    let km = Keymap::defaults();
    let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(
        km.action(crate::app::Mode::Normal, &ev),
        Some(crate::app::Action::Bottom)
    );
}

#[test]
fn prompt_keys_are_rebound_in_their_own_table() {
    let f = write("[keys.text]\nsubmit = [\"ctrl-j\"]\n[keys.form]\nsend = [\"ctrl-g\"]\n");
    let s = resolve(Some(f.path()), &Overrides::default()).unwrap();
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    use crate::app::{Action, Mode};
    assert_eq!(
        s.keymap.action(Mode::Text, &ctrl('j')),
        Some(Action::Submit)
    );
    assert_eq!(s.keymap.action(Mode::Text, &enter), None);
    assert_eq!(s.keymap.action(Mode::Form, &ctrl('g')), Some(Action::Send));
    assert_eq!(s.keymap.action(Mode::Form, &ctrl('s')), None);
    // The normal mode keeps its own ctrl-s.
    assert_eq!(
        s.keymap.action(Mode::Normal, &ctrl('s')),
        Some(Action::Send)
    );
}

#[test]
fn property_parsing() {
    assert_eq!(
        parse_property("a.b=c=d").unwrap(),
        ("a.b".to_string(), "c=d".to_string())
    );
    assert!(parse_property("novalue").is_err());
    assert!(parse_property("=x").is_err());
}

#[test]
fn read_only_from_the_profile_or_the_command_line() {
    let f = write("[profiles.prod]\nbootstrap_servers = \"p:9092\"\nread_only = true\n[profiles.dev]\nbootstrap_servers = \"d:9092\"\n");
    let on = |profile: &str, flag: bool| {
        let cli = Overrides {
            profile: Some(profile.into()),
            read_only: flag,
            ..Default::default()
        };
        resolve(Some(f.path()), &cli).unwrap().read_only
    };
    assert!(on("prod", false), "the profile says so");
    assert!(!on("dev", false));
    assert!(on("dev", true), "--read-only says so");
}

#[test]
fn kerberos_without_a_keytab_uses_the_users_own_ticket() {
    let f = write(
        "[profiles.own]\nbootstrap_servers = \"x:1\"\n[profiles.own.properties]\n\"sasl.mechanism\" = \"GSSAPI\"\n\
         [profiles.tab]\nbootstrap_servers = \"x:1\"\n[profiles.tab.properties]\n\"sasl.mechanism\" = \"GSSAPI\"\n\"sasl.kerberos.keytab\" = \"/k\"\n",
    );
    let props = |p: &str| resolve_profile(&f, p).properties;
    assert_eq!(
        props("own")
            .get("sasl.kerberos.min.time.before.relogin")
            .map(String::as_str),
        Some("0")
    );
    assert_eq!(
        props("tab").get("sasl.kerberos.min.time.before.relogin"),
        None
    );
}

#[test]
fn home_in_file_paths_is_expanded_and_the_example_parses() {
    let f = write(
        "[profiles.p]\nbootstrap_servers = \"x:1\"\n[profiles.p.properties]\n\"ssl.ca.location\" = \"~/ca.pem\"\n\"ssl.cipher.suites\" = \"~/not-a-path\"\n",
    );
    let s = resolve_profile(&f, "p");
    let home = std::path::PathBuf::from(std::env::var_os("HOME").unwrap());
    assert_eq!(
        s.properties["ssl.ca.location"],
        home.join("ca.pem").display().to_string()
    );
    assert_eq!(s.properties["ssl.cipher.suites"], "~/not-a-path");
    // config/example.toml is what README points people at: it must load,
    // every profile listed.
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/example.toml");
    let (profiles, _) = list_profiles(Some(&example)).unwrap();
    for name in [
        "local",
        "staging",
        "prod",
        "confluent",
        "aiven",
        "oidc",
        "kerberos",
    ] {
        assert!(profiles.iter().any(|p| p.name == name), "{name}");
    }
}

#[test]
fn a_config_read_from_a_pipe_is_read_once_and_kept() {
    // `--config <(...)`: the shell hands creel a pipe, which can be read
    // only once; a profile switch reads the config again.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            std::fs::write(
                &fifo,
                "default_profile = \"p\"\n[profiles.p]\nbootstrap_servers = \"piped:1\"\n",
            )
            .unwrap();
        })
    };
    assert_eq!(config_path(Some(&fifo)).unwrap(), Some(fifo.clone()));
    for _ in 0..2 {
        let s = resolve(Some(&fifo), &Overrides::default()).unwrap();
        assert_eq!(s.bootstrap_servers, "piped:1");
    }
    writer.join().unwrap();
    let (profiles, _) = list_profiles(Some(&fifo)).unwrap();
    assert!(profiles.iter().any(|p| p.name == "p" && p.is_default));
}

#[test]
fn settings_debug_output_holds_no_secret() {
    let f = write(
        "[profiles.p]\nbootstrap_servers = \"x:1\"\n[profiles.p.properties]\n\"sasl.password\" = \"canary-debug-pw-41\"\n\"sasl.username\" = \"visible-user\"\n",
    );
    let s = resolve_profile(&f, "p");
    let debug = format!("{s:?}");
    assert!(!debug.contains("canary-debug-pw-41"), "{debug}");
    assert!(debug.contains("visible-user"), "{debug}");
    assert!(debug.contains("\"sasl.password\": \"•••\""), "{debug}");
}

#[test]
fn topic_schema_files_are_read_beside_the_config_and_must_name_one_kind() {
    let f = write(
        r#"[profiles.local]
bootstrap_servers = "localhost:9092"
[profiles.local.topic_schemas.orders]
value = { avro = "schemas/order.avsc" }
key = { protobuf = "/abs/keys.proto", message = "shop.Key", include = ["protos"] }
[profiles.local.topic_schemas."payments.v1"]
value = { descriptor_set = "~/shop.pb", message = "shop.Payment" }
"#,
    );
    let s = resolve_profile(&f, "local");
    let dir = f.path().parent().unwrap();
    let by = |topic: &str, part: crate::schema::Part| {
        s.topic_schemas
            .iter()
            .find(|p| p.topic == topic && p.part == part)
            .unwrap()
            .clone()
    };
    let v = by("orders", crate::schema::Part::Value);
    assert_eq!(v.kind, crate::schema::LocalKind::Avro);
    assert_eq!(v.path, dir.join("schemas/order.avsc"));
    let k = by("orders", crate::schema::Part::Key);
    assert_eq!(k.path, std::path::PathBuf::from("/abs/keys.proto"));
    assert_eq!(k.include, vec![dir.join("protos")]);
    assert_eq!(k.message.as_deref(), Some("shop.Key"));
    let p = by("payments.v1", crate::schema::Part::Value);
    assert!(!p.path.starts_with("~"), "{:?}", p.path);

    for (pin, says) in [
        (
            r#"value = { avro = "a.avsc", protobuf = "b.proto" }"#,
            "must name exactly one of avro, protobuf, json_schema or descriptor_set (it names 2)",
        ),
        (
            r#"value = { descriptor_set = "s.pb" }"#,
            "a descriptor_set needs the message type",
        ),
        (
            r#"value = { avro = "a.avsc", message = "X" }"#,
            "message applies to protobuf and descriptor_set only",
        ),
    ] {
        let f = write(&format!(
            "[profiles.p]\nbootstrap_servers = \"x:1\"\n[profiles.p.topic_schemas.t]\n{pin}\n"
        ));
        let msg = resolve(
            Some(f.path()),
            &Overrides {
                profile: Some("p".into()),
                ..Overrides::default()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(msg.contains("topic_schemas.t.value"), "{msg}");
        assert!(msg.contains(says), "{msg}");
    }
}
