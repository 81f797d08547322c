//! The parsers a user feeds, fed anything: start positions and times,
//! config files, JSONL import lines, produce templates, search regexes,
//! key names, -X properties, rates and header lines. Each must answer with
//! a value or an error, never panic (a hang would stop the test). Bounded
//! in CI (PROPTEST_CASES, 256 by default here); run longer by hand with
//! `PROPTEST_CASES=100000 cargo test --test parsers_fuzz`.

use std::io::Write;

use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Text that looks like what a user types, and text that is anything.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-+@ 0-9a-zA-Z:.,TZhmsd]{0,40}",
        "(beginning|end|-?[0-9]{1,25}|@[0-9T:.Z+-]{0,30}|-[0-9]{0,20}[smhdw]?)",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn start_positions_and_reset_targets(
        s in typed(),
        now in prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX), Just(0i64)],
    ) {
        let _ = creel::model::StartAt::parse(&s, now);
        let _ = creel::protocol::admin::ResetTarget::parse(&s, now);
        let _ = creel::app::search::parse_to(&s, now);
        let _ = creel::app::search::parse_partitions(&s);
        let _ = creel::app::search::parse_count(&s);
        let _ = creel::protocol::produce::parse_rate(&s);
    }

    #[test]
    fn config_files(text in prop_oneof![
        any::<String>(),
        "(\\[profiles\\.[a-z]{1,5}\\]\n|bootstrap_servers = \"[a-z:0-9]{0,10}\"\n|\\[keys\\]\n|quit = \\[\"[a-z-]{0,8}\"\\]\n|\"sasl\\.password\" = \\{ (env|file|command) = [\"\\[a-z\\]]{0,10} \\}\n|lag_window = -?[0-9]{1,4}\n|aws_msk_iam = \\{ region = \"x\" \\}\n){0,12}",
    ]) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let _ = creel::config::load_file(f.path());
        let _ = creel::config::list_profiles(Some(f.path()));
    }

    #[test]
    fn jsonl_import_lines(lines in prop::collection::vec(prop_oneof![
        any::<String>(),
        "\\{\"(topic|partition|offset|key|value|value_encoding|key_encoding|headers)\":(null|\"[a-zA-Z0-9+/=]{0,12}\"|-?[0-9]{1,20}|\\[\\]|\\[\\{\"key\":\"h\",\"value\":null\\}\\]|\"base64\"|\"utf9\")\\}",
    ], 0..8)) {
        let text = lines.join("\n");
        for r in creel::kafka::jsonl_records(std::io::Cursor::new(text.into_bytes())) {
            let _ = r;
        }
    }

    #[test]
    fn templates(text in prop_oneof![
        any::<String>(),
        "[a-z {}\"]{0,10}\\{\\{(seq|uuid|int [0-9-]{1,5} [0-9-]{1,5}|hex [0-9]{1,6}|now|nosuch|int|#if seq)\\}\\}[a-z {}]{0,10}",
    ]) {
        let mut t = creel::protocol::produce::Templates::new();
        if t.add("fuzz", &text).is_ok() {
            let _ = t.render("fuzz", 7);
        }
    }

    #[test]
    fn search_regexes(p in prop_oneof![any::<String>(), "[\\\\()\\[\\]{}*+?|^$.a-z0-9,-]{0,20}"], ci in any::<bool>()) {
        if let Ok(re) = creel::protocol::search::check_pattern(&p, ci) {
            let _ = re.is_match(b"some \xff bytes {\"a\":1}");
        }
    }

    #[test]
    fn key_names_properties_and_headers(s in prop_oneof![any::<String>(), "(ctrl-|alt-|shift-){0,3}[a-z0-9]{0,6}"]) {
        let _ = creel::config::Key::parse(&s);
        let _ = creel::config::parse_property(&s);
        let _ = creel::protocol::produce::draft::parse_headers(&s);
        let _ = creel::protocol::produce::draft::parse_hex(&s);
        let _ = creel::protocol::search::SearchIn::parse(&s);
    }
}

/// The decoders of the demo-like schemas below, by id: 1 Avro, 2 Protobuf,
/// 3 JSON Schema.
fn schema_decoders() -> &'static creel::schema::Decoders {
    use creel::schema::{Decoders, MemoryRegistry, SchemaKind};
    static D: std::sync::OnceLock<Decoders> = std::sync::OnceLock::new();
    D.get_or_init(|| {
        let r = MemoryRegistry::new();
        r.register(
            "a-value",
            SchemaKind::Avro,
            r#"{"type":"record","name":"R","fields":[
                {"name":"s","type":"string"},{"name":"b","type":"bytes"},
                {"name":"a","type":{"type":"array","items":["null","long",{"type":"map","values":"double"}]}},
                {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":30,"scale":4}},
                {"name":"t","type":{"type":"long","logicalType":"timestamp-micros"}},
                {"name":"day","type":{"type":"int","logicalType":"date"}},
                {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
                {"name":"f","type":{"type":"fixed","name":"F","size":4}},
                {"name":"r","type":["null","R"]}]}"#,
            vec![],
        );
        r.register(
            "p-value",
            SchemaKind::Protobuf,
            r#"syntax = "proto3"; package f;
               import "google/protobuf/timestamp.proto";
               message M { string s = 1; repeated int64 n = 2; M child = 3; bytes b = 4;
                 enum K { X = 0; Y = 1; } K k = 5; map<string, double> m = 6;
                 google.protobuf.Timestamp t = 7; message In { sint32 z = 1; } In in = 8; }"#,
            vec![],
        );
        r.register("j-value", SchemaKind::Json, r#"{"type":"object"}"#, vec![]);
        Decoders::new(std::sync::Arc::new(r))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Anything behind a valid magic byte and id (and behind ids that do
    /// not exist) decodes or says why, promptly: never a panic, a hang or
    /// a giant allocation.
    #[test]
    fn schema_bodies(id in 0u32..5, body in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = creel::schema::wire::header(id).to_vec();
        bytes.extend(&body);
        let started = std::time::Instant::now();
        let d = schema_decoders().decode_blocking("fuzz", creel::schema::Part::Value, Some(&bytes));
        prop_assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        if id == 0 || id > 3 {
            prop_assert!(matches!(d, creel::schema::Decoding::Failed { .. }), "{d:?}");
        }
        let _ = creel::schema::wire::message_indexes(&body);
    }
}
