//! Compressed batches written by an independent producer (kcat, librdkafka
//! in C with its own codecs) on the Kafka cluster: gzip, snappy, lz4 and
//! zstd, each read back exactly by `creel tail` (every message, in order,
//! byte for byte) and searched exactly by `creel search` (the one planted
//! message, and nothing else).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::{create_topics, creel_at as creel, json_lines, Broker};

const MESSAGES: usize = 2_000;

fn kcat_produce(bootstrap: &str, topic: &str, codec: &str, lines: &str) {
    let mut child = Command::new("kcat")
        .args(["-P", "-b", bootstrap, "-t", topic, "-p", "0", "-z", codec])
        .args(["-X", "linger.ms=50", "-X", "batch.num.messages=500"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kcat (Debian: apt-get install kcat); .ci/run installs it");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "kcat -z {codec}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_codec_is_read_and_searched_exactly() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    for codec in ["gzip", "snappy", "lz4", "zstd"] {
        let topic = broker.name(&format!("compressed-{codec}"));
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(create_topics(&b, &[(&topic, 1)]));
        // Repetitive JSON compresses well, so batches really are compressed;
        // one message in the middle carries the needle.
        let lines: Vec<String> = (0..MESSAGES)
            .map(|i| {
                let note = if i == MESSAGES / 2 {
                    format!("NEEDLE-{codec}")
                } else {
                    format!("note-{i:05}")
                };
                format!(
                    r#"{{"codec":"{codec}","seq":{i},"note":"{note}","pad":"{}"}}"#,
                    "abc".repeat(20)
                )
            })
            .collect();
        kcat_produce(&b, &topic, codec, &(lines.join("\n") + "\n"));

        let out = creel(
            &b,
            &["tail", "-t", &topic, "-o", "beginning", "-e", "--json"],
        );
        assert!(
            out.status.success(),
            "{codec}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read: Vec<String> = json_lines(&out.stdout)
            .iter()
            .map(|v| v["value"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(read.len(), MESSAGES, "{codec}: every message once");
        assert_eq!(read, lines, "{codec}: in order, byte for byte");

        let out = creel(&b, &["search", "-t", &topic, "-e", "NEEDLE-", "--json"]);
        let hits = json_lines(&out.stdout);
        assert_eq!(hits.len(), 1, "{codec}: {hits:?}");
        assert_eq!(hits[0]["offset"], MESSAGES as i64 / 2, "{codec}");
        assert_eq!(hits[0]["value"].as_str().unwrap(), lines[MESSAGES / 2]);
        let summary = String::from_utf8_lossy(&out.stderr);
        assert!(
            summary.contains(&format!("scanned {MESSAGES} messages, matched 1")),
            "{codec}: every message scanned: {summary}"
        );
    }
}
