//! Avro, Protobuf and JSON Schema through a real Schema Registry (Apicurio,
//! Confluent-compatible API) with messages written by Confluent's own
//! Python serializers: creel must read each as that other implementation
//! says it holds, every schema version with its own schema.

use std::io::Write;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

use crate::common::kafka::cluster;
use crate::common::registry::{encode, registry};
use crate::common::{creel_at, json_lines};

fn tail(bootstrap: &str, registry: &str, topic: &str) -> Vec<Value> {
    let out = creel_at(
        bootstrap,
        &[
            "-r",
            registry,
            "tail",
            "-t",
            topic,
            "-o",
            "beginning",
            "-e",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "creel tail {topic}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

fn raw_value(v: &Value) -> Vec<u8> {
    let s = v["value"].as_str().unwrap();
    match v["value_encoding"].as_str() {
        Some("base64") => base64::engine::general_purpose::STANDARD.decode(s).unwrap(),
        _ => s.as_bytes().to_vec(),
    }
}

/// `creel produce --jsonl` with these envelopes.
fn send_jsonl(bootstrap: &str, topic: &str, envelopes: &[Value]) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    for v in envelopes {
        writeln!(file, "{v}").unwrap();
    }
    let out = creel_at(
        bootstrap,
        &[
            "produce",
            "-t",
            topic,
            "--jsonl",
            file.path().to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn messages_from_confluents_serializers_read_back_decoded() {
    let kafka = cluster();
    let b = kafka.bootstrap("PLAINTEXT");
    let r = &registry().url;
    let expected = encode(b, r, "sr-read");
    assert_eq!(expected.len(), 18, "encode.py wrote what it says");
    for kind in ["avro", "proto", "json"] {
        let topic = format!("sr-read-{kind}");
        let got = tail(b, r, &topic);
        let want: Vec<&Value> = expected.iter().filter(|e| e["topic"] == topic).collect();
        assert_eq!(got.len(), want.len(), "{topic}: every message read");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["offset"], w["offset"]);
            assert_eq!(
                g["value_decoded"], w["value"],
                "{topic} offset {}: {:?}",
                g["offset"], g["value_decode_error"]
            );
            let key = g.get("key_decoded").unwrap_or(&g["key"]);
            assert_eq!(key, &w["key"], "{topic} key at {}", g["offset"]);
            // The raw bytes stay in the envelope: the wire format's header.
            let raw = raw_value(g);
            assert_eq!(raw[0], 0, "magic byte");
            let id = u32::from_be_bytes(raw[1..5].try_into().unwrap());
            assert_eq!(g["value_schema"]["id"], id);
            assert_eq!(g["value_schema"]["subject"], format!("{topic}-value"));
        }
    }
    // Evolution: three versions of the Avro value schema, three messages each,
    // each decoded with its own version (fields added, then removed).
    let avro = tail(b, r, "sr-read-avro");
    let versions: Vec<i64> = avro
        .iter()
        .map(|m| m["value_schema"]["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 1, 1, 2, 2, 2, 3, 3, 3]);
    assert!(avro[0]["value_decoded"].get("channel").is_none());
    assert_eq!(avro[4]["value_decoded"]["channel"], "app");
    assert!(avro[8]["value_decoded"].get("note").is_none());
    assert_eq!(avro[0]["key_schema"]["type"], "AVRO");
    // Protobuf: the message indexes pick the type, nested ones included.
    let proto = tail(b, r, "sr-read-proto");
    let types: Vec<&str> = proto
        .iter()
        .map(|m| m["value_schema"]["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "shop.Payment",
            "shop.Payment",
            "shop.Payment.Line",
            "shop.Payment.Line",
            "shop.Ping",
            "shop.Ping"
        ]
    );
    assert_eq!(proto[0]["value_schema"]["type"], "PROTOBUF");

    // Text output shows the decoded value, not the binary.
    let out = creel_at(
        b,
        &[
            "-r",
            r,
            "tail",
            "-t",
            "sr-read-avro",
            "-o",
            "beginning",
            "-n",
            "1",
            "-e",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#"{"id":10,"amount":"10.05","at":"2026-11-30T12:00:10.123Z""#),
        "{text}"
    );

    // An export sent back with `produce --jsonl` is the same bytes, so it
    // decodes the same.
    let copy = "sr-read-avro-copy";
    let out = creel_at(b, &["topic", "create", copy, "--partitions", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    send_jsonl(b, copy, &avro);
    let again = tail(b, r, copy);
    assert_eq!(again.len(), avro.len());
    for (a, o) in again.iter().zip(&avro) {
        assert_eq!(raw_value(a), raw_value(o), "byte for byte");
        assert_eq!(a["value_decoded"], o["value_decoded"]);
    }
}

#[test]
fn search_on_decoded_json_sees_what_the_user_sees() {
    let kafka = cluster();
    let b = kafka.bootstrap("PLAINTEXT");
    let r = &registry().url;
    encode(b, r, "sr-search");
    // An Avro enum is an index on the wire: only the decoded text says SHIPPED.
    let decoded = creel_at(
        b,
        &[
            "-r",
            r,
            "search",
            "-t",
            "sr-search-avro",
            "-e",
            r#""state":"SHIPPED""#,
            "--decoded",
            "--json",
        ],
    );
    assert!(
        decoded.status.success(),
        "{}",
        String::from_utf8_lossy(&decoded.stderr)
    );
    let hits = json_lines(&decoded.stdout);
    let offsets: Vec<i64> = hits.iter().map(|h| h["offset"].as_i64().unwrap()).collect();
    assert_eq!(offsets, [2, 5, 8]);
    assert!(hits
        .iter()
        .all(|h| h["value_decoded"]["state"] == "SHIPPED"));
    let raw = creel_at(
        b,
        &[
            "-r",
            r,
            "search",
            "-t",
            "sr-search-avro",
            "-e",
            r#""state":"SHIPPED""#,
        ],
    );
    assert_eq!(
        raw.status.code(),
        Some(1),
        "the raw bytes do not hold the text"
    );
    // Protobuf: a nested message type's field, by its JSON name.
    let proto = creel_at(
        b,
        &[
            "-r",
            r,
            "search",
            "-t",
            "sr-search-proto",
            "-e",
            r#""sku":"nested-2""#,
            "--decoded",
            "--json",
        ],
    );
    let hits = json_lines(&proto.stdout);
    assert_eq!(hits.len(), 1, "{}", String::from_utf8_lossy(&proto.stderr));
    assert_eq!(hits[0]["value_schema"]["message"], "shop.Payment.Line");
    // Without a registry, --decoded is refused with a reason.
    let none = creel_at(
        b,
        &["search", "-t", "sr-search-avro", "-e", "x", "--decoded"],
    );
    assert_eq!(none.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&none.stderr).contains("--decoded needs a schema registry"));
}

#[test]
fn a_registry_that_is_gone_or_an_unknown_id_leaves_rows_raw_with_the_reason() {
    let kafka = cluster();
    let b = kafka.bootstrap("PLAINTEXT");
    let r = &registry().url;
    encode(b, r, "sr-gone");
    // Nothing listens there: every message is still printed, raw, with the
    // reason, and the failure is remembered (no 3 s wait per message).
    let gone = format!("http://127.0.0.1:{}", crate::common::free_port());
    let started = Instant::now();
    let out = creel_at(
        b,
        &[
            "-r",
            &gone,
            "tail",
            "-t",
            "sr-gone-avro",
            "-o",
            "beginning",
            "-e",
            "--json",
        ],
    );
    let took = started.elapsed();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 9);
    for l in &lines {
        let e = l["value_decode_error"].as_str().unwrap();
        assert!(e.starts_with("schema registry unreachable"), "{e}");
        assert!(l.get("value_decoded").is_none());
        assert!(l["value"].is_string(), "the raw bytes are still there");
    }
    assert!(took < Duration::from_secs(30), "took {took:?}");

    // An id the registry does not have, among messages it does: that one is
    // raw with its reason, the rest decode.
    let mut lines: Vec<Value> = tail(b, r, "sr-gone-json");
    let mut junk = lines[0].clone();
    let mut bytes = vec![0u8, 0, 0, 0x7f, 0xff];
    bytes.extend(b"\x01\x02 not json");
    junk["value"] = base64::engine::general_purpose::STANDARD
        .encode(&bytes)
        .into();
    junk["value_encoding"] = "base64".into();
    lines.insert(1, junk);
    let topic = "sr-gone-mixed";
    let out = creel_at(b, &["topic", "create", topic, "--partitions", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    send_jsonl(b, topic, &lines);
    let got = tail(b, r, topic);
    assert_eq!(got.len(), 4);
    assert_eq!(got[1]["value_decode_error"], "unknown schema id 32767");
    for i in [0, 2, 3] {
        assert!(got[i]["value_decoded"].is_object(), "{}", got[i]);
    }
}

/// `creel produce` with these arguments, `input` on stdin.
fn produce_stdin(bootstrap: &str, args: &[&str], input: &str) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", bootstrap])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run creel");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Writing with a schema: what creel encodes from the JSON it shows is
/// byte for byte what Confluent's own serializers wrote (so any of their
/// consumers reads it), a value that does not fit is refused with the
/// path of the mismatch and nothing is sent, and templates work with it.
#[test]
fn values_written_with_a_schema_are_the_bytes_confluents_serializers_write() {
    let kafka = cluster();
    let b = kafka.bootstrap("PLAINTEXT");
    let r = &registry().url;
    encode(b, r, "sr-write");
    for kind in ["avro", "proto", "json"] {
        let topic = format!("sr-write-{kind}");
        let originals = tail(b, r, &topic);
        let copy = format!("{topic}-again");
        let out = creel_at(b, &["topic", "create", &copy, "--partitions", "1"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // One send per message: each names its schema id (and Protobuf
        // type) as replay does. JSON Schema bodies go as their text.
        for o in &originals {
            let schema = &o["value_schema"];
            let choice = match schema["message"].as_str() {
                Some(t) => format!("#{} {t}", schema["id"]),
                None => format!("#{}", schema["id"]),
            };
            let value = match kind {
                "json" => String::from_utf8(raw_value(o)[5..].to_vec()).unwrap(),
                _ => o["value_decoded"].to_string(),
            };
            let out = produce_stdin(
                b,
                &["-r", r, "produce", "-t", &copy, "--value-schema", &choice],
                &format!("{value}\n"),
            );
            assert!(
                out.status.success(),
                "{topic} {choice}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let again = tail(b, r, &copy);
        assert_eq!(again.len(), originals.len(), "{topic}");
        let mut exact = 0;
        for (a, o) in again.iter().zip(&originals) {
            assert_eq!(a["value_decoded"], o["value_decoded"], "{topic}");
            // An Avro map has no order: with several entries creel may
            // write them in another order (the same data).
            let map_order_free = o["value_decoded"]["tags"]
                .as_object()
                .is_some_and(|m| m.len() > 1);
            if !map_order_free {
                assert_eq!(
                    raw_value(a),
                    raw_value(o),
                    "{topic} offset {}: the bytes Confluent's serializer wrote",
                    o["offset"]
                );
                exact += 1;
            }
        }
        assert!(
            exact >= 3,
            "{topic}: {exact} messages compared byte for byte"
        );
    }
    // An Avro key (a JSON string) with the topic's own -key subject.
    let out = produce_stdin(
        b,
        &[
            "-r",
            r,
            "produce",
            "-t",
            "sr-write-avro",
            "-k",
            r#""order-77""#,
            "--key-schema",
            "--value-schema",
        ],
        r#"{"id":77,"amount":"77.05","at":"2026-12-01T10:00:00.5Z","state":"PAID","tags":{},"blob":"AAE=","channel":"tui","either":{"string":"x"}}"#,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let avro = tail(b, r, "sr-write-avro");
    let last = avro.last().unwrap();
    assert_eq!(last["key_decoded"], "order-77");
    assert_eq!(
        last["value_schema"]["version"], 3,
        "the latest version by default"
    );
    assert_eq!(last["value_decoded"]["at"], "2026-12-01T10:00:00.500Z");
    assert_eq!(
        last["value_decoded"]["either"],
        serde_json::json!({"string": "x"})
    );
    let count = avro.len();

    // A value that does not fit: refused before sending, with where.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"id":{{seq}},"amount":"1.00","at":"2026-12-01T10:00:00Z","state":"LOST","tags":{},"blob":""}"#,
    )
    .unwrap();
    let out = creel_at(
        b,
        &[
            "-r",
            r,
            "produce",
            "-t",
            "sr-write-avro",
            "--value-schema",
            "--template",
            bad.to_str().unwrap(),
            "-n",
            "3",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(64), "{err}");
    assert!(
        err.contains("does not fit sr-write-avro-value v3")
            && err.contains(r#"at $.state: "LOST" is not a symbol of shop.State"#),
        "{err}"
    );
    // JSON Schema: a required property missing.
    let out = produce_stdin(
        b,
        &["-r", r, "produce", "-t", "sr-write-json", "--value-schema"],
        "{\"ms\": 1}\n",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("\"page\" is a required property"), "{err}");
    // Protobuf: a field of the wrong type, deep inside.
    let out = produce_stdin(
        b,
        &[
            "-r",
            r,
            "produce",
            "-t",
            "sr-write-proto",
            "--value-schema",
            "sr-write-proto-value shop.Payment",
        ],
        "{\"lines\":[{\"sku\":\"a\"},{\"count\":\"many\"}]}\n",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at $.lines[1].count"), "{err}");
    // No registry given: said, nothing sent.
    let out = creel_at(
        b,
        &[
            "produce",
            "-t",
            "sr-write-avro",
            "--value-schema",
            "--template",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a schema registry"));
    assert_eq!(tail(b, r, "sr-write-avro").len(), count, "nothing was sent");

    // A template, placeholders filled, then encoded per message.
    let good = dir.path().join("order.json");
    std::fs::write(
        &good,
        r#"{"id":{{seq}},"amount":"{{int 1 99}}.00","at":"2026-12-01T10:00:00Z","state":"NEW","tags":{"n":{{seq}}},"blob":""}"#,
    )
    .unwrap();
    let out = creel_at(
        b,
        &[
            "-r",
            r,
            "produce",
            "-t",
            "sr-write-avro",
            "--value-schema",
            "sr-write-avro-value@1",
            "--template",
            good.to_str().unwrap(),
            "-n",
            "4",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let avro = tail(b, r, "sr-write-avro");
    let new: Vec<&Value> = avro[count..].iter().collect();
    assert_eq!(new.len(), 4);
    for (i, m) in new.iter().enumerate() {
        assert_eq!(m["value_schema"]["version"], 1);
        assert_eq!(m["value_decoded"]["id"], i as i64);
        assert_eq!(m["value_decoded"]["tags"]["n"], i as i64);
        assert_eq!(m["value_decoded"]["note"], Value::Null, "v1's default");
    }
}

/// The Schemas screen's requests on a real registry: subjects with their
/// versions and types, one version in full, and a soft delete after
/// which messages written with the deleted version still read.
#[test]
fn subjects_list_describe_and_a_deleted_version_still_reads() {
    use creel::schema::{subjects, HttpRegistry, RegistrySettings, SchemaKind, SchemaSource};
    let kafka = cluster();
    let b = kafka.bootstrap("PLAINTEXT");
    let r = &registry().url;
    encode(b, r, "sr-subjects");
    let http = HttpRegistry::new(&RegistrySettings {
        url: r.clone(),
        ..RegistrySettings::default()
    })
    .unwrap();
    let rows = subjects::list(&http).unwrap();
    let avro = rows
        .iter()
        .find(|s| s.subject == "sr-subjects-avro-value")
        .expect("listed");
    assert_eq!(avro.versions, [1, 2, 3]);
    assert_eq!(avro.latest.map(|(_, k)| k), Some(SchemaKind::Avro));
    let proto = rows
        .iter()
        .find(|s| s.subject == "sr-subjects-proto-value")
        .unwrap();
    assert_eq!(proto.latest.map(|(_, k)| k), Some(SchemaKind::Protobuf));
    let d = subjects::describe(&http, "sr-subjects-avro-value", Some(2)).unwrap();
    assert_eq!(d.version, 2);
    assert!(
        d.text.contains("channel") && d.text.contains("note"),
        "{}",
        d.text
    );
    assert!(
        d.compatibility.is_some(),
        "a level, the subject's or the registry's"
    );
    http.delete_version("sr-subjects-avro-value", 1).unwrap();
    // Apicurio 2.4's Confluent API disables the version (its own API says
    // so) and keeps listing it, where Confluent's drops it from the list.
    let native = r.replace(
        "/apis/ccompat/v7",
        "/apis/registry/v2/groups/default/artifacts/sr-subjects-avro-value/versions/1/meta",
    );
    let meta: Value = serde_json::from_str(
        &ureq::get(&native)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(meta["state"], "DISABLED", "{meta}");
    let read = tail(b, r, "sr-subjects-avro");
    assert!(
        read[..3].iter().all(|m| m["value_decoded"]["id"].is_i64()),
        "messages written with version 1 still decode: {:?}",
        read[0]
    );
    let e = http.delete_version("sr-no-such-subject", 1).unwrap_err();
    assert!(
        matches!(e, creel::schema::RegistryError::NotFound(_)),
        "an unknown subject is named as such: {e}"
    );
}
