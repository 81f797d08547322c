//! Big messages on the Kafka cluster (its message.max.bytes is 16 MiB):
//! ten messages of 8 MiB each are read whole by `creel tail`, one after
//! another through creel's small fetches (1 MiB per partition: the broker
//! still hands over a batch larger than that), and `creel search` finds the
//! needle at the very end of the eighth.

use std::time::Duration;

use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

use crate::common::{create_topics, creel_at, json_lines, Broker};

const SIZE: usize = 8 * 1024 * 1024;
const COUNT: usize = 10;

fn value(i: usize) -> Vec<u8> {
    let mut v = vec![b'a' + (i % 26) as u8; SIZE];
    let tail = format!("END-OF-{i}");
    v.truncate(SIZE - tail.len());
    v.extend_from_slice(tail.as_bytes());
    v
}

#[test]
fn ten_messages_of_8_mib_are_read_whole_and_searched() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let topic = broker.name("big");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&b, &[(&topic, 1)]).await;
        let p: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", &b)
            .set("message.max.bytes", "16777216")
            .set("linger.ms", "0")
            .create()
            .expect("producer");
        for i in 0..COUNT {
            let v = value(i);
            p.send(
                FutureRecord::to(&topic).key("big").payload(&v).partition(0),
                Duration::from_secs(30),
            )
            .await
            .map_err(|(e, _)| e)
            .expect("8 MiB message written");
        }
    });
    let creel = |args: &[&str]| creel_at(&b, args);
    let out = creel(&["tail", "-t", &topic, "-o", "beginning", "-e", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(values.len(), COUNT);
    for (i, v) in values.iter().enumerate() {
        assert_eq!(v.as_bytes(), value(i).as_slice(), "message {i} whole");
    }
    let out = creel(&["search", "-t", &topic, "-e", "END-OF-7$", "--json"]);
    let hits = json_lines(&out.stdout);
    assert_eq!(hits.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(hits[0]["offset"], 7);
    assert!(String::from_utf8_lossy(&out.stderr).contains("scanned 10 messages, matched 1"));
}
