//! The message explorer: every kind of message read back exactly, from
//! every kind of start position, and `creel tail`.

use std::time::Duration;

use crate::common::{create_topics, Broker};
use creel::app::App;
use creel::kafka::spawn_worker;
use creel::model::{Message, StartAt};
use creel::protocol::{Command, Event};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

struct Sample {
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(&'static str, Vec<u8>)>,
    codec: &'static str,
}

fn samples() -> Vec<Sample> {
    let s = |key: Option<&[u8]>, value: Option<Vec<u8>>, codec| Sample {
        key: key.map(<[u8]>::to_vec),
        value,
        headers: vec![],
        codec,
    };
    let mut v = vec![
        s(
            Some(b"json"),
            Some(br#"{"order":1,"note":"caf\u00e9"}"#.to_vec()),
            "none",
        ),
        s(Some(b"text"), Some(b"plain text line".to_vec()), "none"),
        s(
            Some(b"binary"),
            Some(b"\x1b[2J\x1b]0;pwned\x07\x00\x08\xff\xfe".to_vec()),
            "none",
        ),
        s(None, Some(b"no key".to_vec()), "none"),
        s(Some(b"tombstone"), None, "none"),
        s(Some(b"empty"), Some(vec![]), "none"),
        s(Some(b"big"), Some(vec![b'z'; 2 << 20]), "none"),
    ];
    v.push(Sample {
        key: Some(b"headers".to_vec()),
        value: Some(b"with headers".to_vec()),
        headers: vec![("text", b"v".to_vec()), ("binary", vec![0, 0xff, 0x1b])],
        codec: "none",
    });
    for codec in ["gzip", "snappy", "lz4", "zstd"] {
        v.push(s(
            Some(codec.as_bytes()),
            Some(format!("compressed with {codec} {}", "x".repeat(200)).into_bytes()),
            codec,
        ));
    }
    v
}

/// One record per batch (tansu 0.6.0's high watermark is wrong otherwise),
/// each with its own codec.
async fn produce_samples(b: &str, topic: &str, samples: &[Sample]) -> Vec<i64> {
    let mut stamps = vec![];
    for s in samples {
        let p: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", b)
            .set("compression.type", s.codec)
            .set("message.max.bytes", "10000000")
            .set("linger.ms", "0")
            .create()
            .unwrap();
        let mut headers = OwnedHeaders::new();
        for (k, v) in &s.headers {
            headers = headers.insert(Header {
                key: k,
                value: Some(v),
            });
        }
        let ts = chrono::Utc::now().timestamp_millis();
        stamps.push(ts);
        let mut rec: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(topic)
            .partition(0)
            .timestamp(ts)
            .headers(headers);
        rec.key = s.key.as_deref();
        rec.payload = s.value.as_deref();
        p.send(rec, Duration::from_secs(20))
            .await
            .map_err(|(e, _)| e)
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stamps
}

async fn read_all(
    worker: &mut creel::kafka::WorkerHandle,
    app: &mut App,
    topic: &str,
    start: StartAt,
    want: usize,
) -> Vec<Message> {
    for c in creel::app::commands_of(&app.open_messages(topic, None, start)) {
        worker.commands.send(c).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let ex = app.explorer().unwrap();
        if ex.messages.len() >= want && ex.loading.is_none() {
            return ex.messages.clone();
        }
        match tokio::time::timeout_at(deadline, worker.events.recv()).await {
            Ok(Some(ev)) => {
                if let Event::MessagesFailed { error, .. } = &ev {
                    panic!("read failed: {error}");
                }
                app.apply(ev);
            }
            _ => panic!(
                "timed out with {} messages",
                app.explorer().unwrap().messages.len()
            ),
        }
    }
}

crate::on_brokers!(every_kind_of_message_reads_back_exactly_from_every_start);
crate::on_brokers_sync!(headless_tail_json_round_trips_and_exits_at_end);

async fn every_kind_of_message_reads_back_exactly_from_every_start(broker: Broker) {
    let b = broker.bootstrap();
    let mixed = broker.name("mixed");
    create_topics(&b, &[(&mixed, 1)]).await;
    let samples = samples();
    let stamps = produce_samples(&b, &mixed, &samples).await;
    let mut settings = broker.settings();
    settings
        .properties
        .insert("fetch.message.max.bytes".into(), "10000000".into());
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());

    let all = read_all(
        &mut worker,
        &mut app,
        &mixed,
        StartAt::Beginning,
        samples.len(),
    )
    .await;
    assert_eq!(all.len(), samples.len());
    for (m, s) in all.iter().zip(&samples) {
        assert_eq!(m.key, s.key, "key of {:?}", s.key);
        assert_eq!(m.value, s.value, "value of {:?} ({})", s.key, s.codec);
        let hs: Vec<(String, Option<Vec<u8>>)> = s
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.clone())))
            .collect();
        assert_eq!(m.headers, hs);
    }
    assert_eq!(
        all.iter().map(|m| m.offset).collect::<Vec<_>>(),
        (0..samples.len() as i64).collect::<Vec<_>>()
    );

    let last3 = read_all(&mut worker, &mut app, &mixed, StartAt::LastN(3), 3).await;
    assert_eq!(
        last3
            .iter()
            .map(|m| m.key.clone().unwrap())
            .collect::<Vec<_>>(),
        [b"snappy".to_vec(), b"lz4".to_vec(), b"zstd".to_vec()]
    );

    let from5 = read_all(
        &mut worker,
        &mut app,
        &mixed,
        StartAt::Offset(5),
        samples.len() - 5,
    )
    .await;
    assert_eq!(from5[0].offset, 5);

    // By time: from the timestamp of the 9th record.
    let by_time = read_all(
        &mut worker,
        &mut app,
        &mixed,
        StartAt::Time(stamps[8]),
        samples.len() - 8,
    )
    .await;
    assert_eq!(by_time[0].offset, 8, "first message at or after that time");

    // End: nothing old, then a new message arrives live.
    for c in creel::app::commands_of(&app.open_messages(&mixed, None, StartAt::End)) {
        worker.commands.send(c).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    produce_samples(&b, &mixed, &samples[1..2]).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.explorer().unwrap().messages.is_empty() {
        let ev = tokio::time::timeout_at(deadline, worker.events.recv())
            .await
            .expect("live message")
            .unwrap();
        app.apply(ev);
    }
    let live = &app.explorer().unwrap().messages;
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].offset, samples.len() as i64);
    let _ = worker.commands.try_send(Command::StopMessages);
}

fn headless_tail_json_round_trips_and_exits_at_end(broker: Broker) {
    let b = broker.bootstrap();
    let mixed = broker.name("mixed");
    let samples = samples();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&b, &[(&mixed, 1)]).await;
        produce_samples(&b, &mixed, &samples[..6]).await;
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args([
            "-b",
            &b,
            "tail",
            "-t",
            &mixed,
            "-o",
            "beginning",
            "-e",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 6);
    for (line, s) in lines.iter().zip(&samples) {
        let (topic, m) = creel::envelope::from_json(&serde_json::from_str(line).unwrap()).unwrap();
        assert_eq!(topic, mixed);
        assert_eq!(
            (m.key.as_ref(), m.value.as_ref()),
            (s.key.as_ref(), s.value.as_ref())
        );
    }
    // Text mode escapes what a terminal would obey.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "tail", "-t", &mixed, "-o", "2", "-n", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\x1b') && text.contains("\\x1b[2J"),
        "{text}"
    );
}
