//! Schema files pinned to topics in a profile, for clusters without a
//! registry: bare Avro (fastavro) and Protobuf (Google's runtime) messages,
//! written by encoders that are not creel's, read back decoded from an
//! `.avsc`, a `.proto` with an import, and a descriptor set.

use serde_json::Value;

use crate::common::json_lines;
use crate::common::kafka::cluster;
use crate::common::registry::write_bare;

const ORDER_AVSC: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"quantity","type":"int"},
  {"name":"note","type":["null","string"],"default":null}]}"#;
const MONEY_PROTO: &str =
    "syntax = \"proto3\";\npackage shop;\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}\n";
const ORDER_PROTO: &str = "syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\nmessage Order {\n  string id = 1;\n  Money total = 2;\n  repeated string tags = 3;\n}\n";

fn creel(config: &std::path::Path, bootstrap: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .arg("--config")
        .arg(config)
        .args(["--profile", "files", "-b", bootstrap])
        .args(args)
        .output()
        .expect("run creel")
}

#[test]
fn bare_messages_read_through_schema_files_pinned_in_the_profile() {
    let kafka = cluster();
    let b = kafka.bootstrap("PLAINTEXT");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("order.avsc"), ORDER_AVSC).unwrap();
    std::fs::create_dir(dir.path().join("protos")).unwrap();
    std::fs::create_dir(dir.path().join("protos/shop")).unwrap();
    std::fs::write(dir.path().join("protos/shop/money.proto"), MONEY_PROTO).unwrap();
    std::fs::write(dir.path().join("protos/shop/order.proto"), ORDER_PROTO).unwrap();
    let expected = write_bare(b, "pin", dir.path());
    assert_eq!(expected.len(), 6, "bare.py wrote what it says");
    // Paths relative to the config file; the .proto finds its import
    // through `include`; keys through the descriptor set bare.py wrote.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        r#"[profiles.files]
bootstrap_servers = "unused:1"
[profiles.files.topic_schemas.pin-avro]
value = { avro = "order.avsc" }
[profiles.files.topic_schemas.pin-proto]
value = { protobuf = "protos/shop/order.proto", include = ["protos"] }
key = { descriptor_set = "shop.pb", message = "shop.Money" }
"#,
    )
    .unwrap();
    for topic in ["pin-avro", "pin-proto"] {
        let out = creel(
            &config,
            b,
            &["tail", "-t", topic, "-o", "beginning", "-e", "--json"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = json_lines(&out.stdout);
        let want: Vec<&Value> = expected.iter().filter(|e| e["topic"] == topic).collect();
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["value_decoded"], w["value"], "{topic}: {g}");
            assert!(
                g["value_schema"]["file"]
                    .as_str()
                    .unwrap()
                    .ends_with(if topic == "pin-avro" {
                        "order.avsc"
                    } else {
                        "order.proto"
                    }),
                "{g}"
            );
            if w["key"].is_null() {
                assert!(g.get("key_decoded").is_none(), "a text key stays text: {g}");
            } else {
                assert_eq!(g["key_decoded"], w["key"], "{g}");
                assert_eq!(g["key_schema"]["message"], "shop.Money", "{g}");
            }
        }
    }
    // Search sees the decoded JSON: the enum-free note field of order 0.
    let out = creel(
        &config,
        b,
        &[
            "search",
            "-t",
            "pin-avro",
            "-e",
            r#""note":"gift 0""#,
            "--decoded",
            "--json",
        ],
    );
    let found = json_lines(&out.stdout);
    assert_eq!(found.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(found[0]["value_decoded"]["id"], "ORD-0");

    // A file that does not compile is said before anything is read, with
    // the pin and the file named.
    std::fs::write(dir.path().join("order.avsc"), "{\"type\":").unwrap();
    let out = creel(&config, b, &["tail", "-t", "pin-avro", "-e"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("topic_schemas.pin-avro.value (") && err.contains("order.avsc"),
        "{err}"
    );
}
