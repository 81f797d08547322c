//! Searching decoded JSON against searching the raw bytes, on the same
//! topic in the same run: librdkafka's mock cluster (in this process, 12
//! partitions) holding 300,000 Avro orders in the Confluent wire format,
//! their schema served on loopback by an in-process registry (creel's
//! HTTP client talks to it as to a real one). Three searches through a
//! running worker: a string field's text on the raw bytes, the same text on
//! the decoded JSON, and an enum's symbol (only the decoded JSON holds it).
//! It prints messages per second and the ratio decoded/raw.
//!
//! Run: `cargo bench --bench schema_search` (MESSAGES=N to change the
//! size). It asserts only that each search found exactly what was planted.

use std::time::Instant;

use creel::app::search::{Query, SearchIn, SearchOutcome, SearchRequest};
use creel::config::Settings;
use creel::model::StartAt;
use creel::protocol::{Command, Event};
use creel::schema::serve::Served;
use creel::schema::{
    Decoders, MemoryRegistry, RegistrySettings, SchemaChoice, SchemaKind, SchemaSource,
};
use rdkafka::mocking::MockCluster;

#[path = "../tests/common/mod.rs"]
mod common;

const PARTITIONS: i32 = 12;
const TOPIC: &str = "orders";
const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"order_id","type":"string"},
  {"name":"customer","type":"string"},
  {"name":"state","type":{"type":"enum","name":"State","symbols":["NEW","PAID","SHIPPED","LOST"]}},
  {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
  {"name":"placed_at","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
    {"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
  {"name":"note","type":["null","string"],"default":null}]}"#;

fn search(
    rt: &tokio::runtime::Runtime,
    w: &mut creel::kafka::WorkerHandle,
    session: u64,
    pattern: &str,
    decoded: bool,
) -> (f64, u64, u64) {
    rt.block_on(async {
        let t = Instant::now();
        w.commands
            .send(Command::Search(SearchRequest {
                session,
                topic: TOPIC.into(),
                query: Query {
                    pattern: pattern.into(),
                    target: SearchIn::Value,
                    decoded,
                    ..Query::default()
                },
                partitions: None,
                from: StartAt::Beginning,
                to: None,
                max_scanned: None,
                max_matches: None,
                preview: Some(512),
            }))
            .await
            .expect("send");
        loop {
            if let Event::SearchDone {
                outcome,
                scanned,
                matched,
                ..
            } = w.events.recv().await.expect("event")
            {
                assert_eq!(outcome, SearchOutcome::Completed);
                let secs = t.elapsed().as_secs_f64();
                return (scanned as f64 / secs, scanned, matched);
            }
        }
    })
}

fn main() {
    let n: usize = std::env::var("MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let registry = std::sync::Arc::new(MemoryRegistry::new());
    registry.register("orders-value", SchemaKind::Avro, ORDER, vec![]);
    let source: std::sync::Arc<dyn SchemaSource> = registry;
    let served = Served::start(source.clone()).expect("registry on loopback");
    let encoder = Decoders::new(source)
        .encoder(&SchemaChoice::parse("", "orders-value").expect("choice"))
        .expect("encoder");
    let mock = MockCluster::new(1).expect("mock cluster");
    mock.create_topic(TOPIC, PARTITIONS, 1).expect("topic");
    let b = mock.bootstrap_servers();
    let t = Instant::now();
    // One in a thousand is LOST, and its customer carries a needle.
    common::produce_generated(&b, TOPIC, PARTITIONS, n, |i| {
        let planted = i % 1000 == 999;
        let json = format!(
            r#"{{"order_id":"ORD-{i:08}","customer":"{}","state":"{}","total":"{}.{:02}","placed_at":{},"lines":[{{"sku":"SKU-{}","qty":{}}},{{"sku":"SKU-{}","qty":1}}],"note":{}}}"#,
            if planted {
                format!("NEEDLE-{i}")
            } else {
                format!("customer-{}", fastrand::u32(..100_000))
            },
            if planted {
                "LOST"
            } else {
                ["NEW", "PAID", "SHIPPED"][i % 3]
            },
            fastrand::u32(..1000),
            fastrand::u32(..100),
            1_800_000_000_000u64 + i as u64,
            fastrand::u32(..5000),
            fastrand::u32(1..9),
            fastrand::u32(..5000),
            if i % 7 == 0 { r#""gift""# } else { "null" },
        );
        encoder.encode(&json).expect("fits")
    });
    let planted = (n / 1000) as u64;
    println!(
        "loaded {n} Avro messages ({PARTITIONS} partitions, mock cluster) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut settings = Settings::for_bootstrap(&b);
    settings.schema_registry = Some(RegistrySettings {
        url: served.url.clone(),
        ..RegistrySettings::default()
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut w = rt
        .block_on(async { creel::kafka::spawn_worker(&settings) })
        .expect("worker");

    // Warm the page cache of the mock cluster and the schema cache alike.
    search(&rt, &mut w, 1, "NEEDLE-", false);
    let (raw, scanned, m_raw) = search(&rt, &mut w, 2, "NEEDLE-", false);
    let (dec, _, m_dec) = search(&rt, &mut w, 3, "NEEDLE-", true);
    let (dec_enum, _, m_enum) = search(&rt, &mut w, 4, r#""state":"LOST""#, true);
    let (raw_enum, _, m_raw_enum) = search(&rt, &mut w, 5, r#""state":"LOST""#, false);
    assert_eq!(scanned, n as u64);
    assert_eq!((m_raw, m_dec, m_enum), (planted, planted, planted));
    assert_eq!(m_raw_enum, 0, "the raw bytes hold the enum as an index");
    println!("search over {n} messages, value field, one in a thousand matching:");
    println!("  raw bytes      \"NEEDLE-\"           {:>10.0} msg/s", raw);
    println!("  decoded JSON   \"NEEDLE-\"           {:>10.0} msg/s", dec);
    println!("  decoded JSON   \"state\":\"LOST\"     {:>10.0} msg/s ({m_enum} found; raw finds {m_raw_enum})", dec_enum);
    println!(
        "  raw bytes      \"state\":\"LOST\"     {:>10.0} msg/s",
        raw_enum
    );
    println!("ratio decoded/raw: {:.2}", dec / raw);
    rt.block_on(async { w.shutdown() });
}
