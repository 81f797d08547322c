//! librdkafka's mock cluster and the small clients the demo drives it
//! with. The mock brokers speak the Kafka protocol on loopback ports inside
//! this process.

use std::time::Duration;

use std::sync::Arc;

use rdkafka::consumer::base_consumer::PartitionQueue;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, DefaultConsumerContext};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

/// A mock cluster, destroyed (its ports closed) when dropped.
pub struct Mock {
    cluster: MockCluster<'static, DefaultProducerContext>,
}

impl Mock {
    /// `brokers` brokers on loopback, each in its own rack.
    pub fn start(brokers: i32) -> anyhow::Result<Mock> {
        let mock = Mock::start_bare(brokers)?;
        mock.set_racks(brokers)?;
        Ok(mock)
    }

    /// The brokers alone: their address is known at once (setting racks
    /// can take the mock whole seconds).
    pub fn start_bare(brokers: i32) -> anyhow::Result<Mock> {
        Ok(Mock {
            cluster: MockCluster::new(brokers)?,
        })
    }

    pub fn set_racks(&self, brokers: i32) -> anyhow::Result<()> {
        for id in 1..=brokers {
            self.cluster
                .broker_rack(id, &format!("rack-{}", (b'a' + (id - 1) as u8) as char))?;
        }
        Ok(())
    }

    pub fn bootstrap(&self) -> String {
        self.cluster.bootstrap_servers()
    }

    pub fn create_topic(
        &self,
        name: &str,
        partitions: i32,
        replication: i32,
    ) -> anyhow::Result<()> {
        Ok(self.cluster.create_topic(name, partitions, replication)?)
    }

    /// Every request to `broker` is delayed by `rtt` (for benchmarks).
    pub fn set_rtt(&self, broker: i32, rtt: Duration) -> anyhow::Result<()> {
        Ok(self.cluster.broker_round_trip_time(broker, rtt)?)
    }
}

/// One record to produce.
pub struct Record<'a> {
    pub topic: &'a str,
    pub partition: Option<i32>,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [(&'a str, &'a [u8])],
    pub timestamp_ms: Option<i64>,
}

/// A fire-and-forget producer for generated traffic.
pub struct TrafficProducer {
    inner: ThreadedProducer<DefaultProducerContext>,
}

impl TrafficProducer {
    pub fn new(bootstrap: &str) -> anyhow::Result<TrafficProducer> {
        let inner = ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .set("linger.ms", "20")
            .set("queue.buffering.max.messages", "200000")
            .create()?;
        Ok(TrafficProducer { inner })
    }

    /// Queue one record; a full queue waits a little and tries again.
    pub fn send(&self, r: &Record) -> anyhow::Result<()> {
        let mut headers = OwnedHeaders::new();
        for (k, v) in r.headers {
            headers = headers.insert(Header {
                key: k,
                value: Some(*v),
            });
        }
        for _ in 0..50 {
            let mut rec: BaseRecord<'_, [u8], [u8]> =
                BaseRecord::to(r.topic).headers(headers.clone());
            rec.partition = r.partition;
            rec.key = r.key;
            rec.payload = r.value;
            rec.timestamp = r.timestamp_ms;
            match self.inner.send(rec) {
                Ok(()) => return Ok(()),
                Err((e, _))
                    if e.rdkafka_error_code()
                        == Some(rdkafka::types::RDKafkaErrorCode::QueueFull) =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err((e, _)) => return Err(e.into()),
            }
        }
        anyhow::bail!("producer queue stayed full")
    }

    pub fn flush(&self, timeout: Duration) -> anyhow::Result<()> {
        Ok(self.inner.flush(timeout)?)
    }
}

/// A consumer of a named group on assigned partitions, committing by hand:
/// the demo's stand-in for a service. Each partition has its own queue, so
/// a slow reader takes from every partition in turn, as a real service's
/// poll loop does, rather than drain one partition's backlog.
pub struct GroupReader {
    inner: Arc<BaseConsumer>,
    queues: Vec<PartitionQueue<DefaultConsumerContext>>,
    next: std::cell::Cell<usize>,
}

impl GroupReader {
    pub fn new(
        bootstrap: &str,
        group: &str,
        topic: &str,
        partitions: i32,
    ) -> anyhow::Result<GroupReader> {
        let inner: Arc<BaseConsumer> = Arc::new(
            ClientConfig::new()
                .set("bootstrap.servers", bootstrap)
                .set("group.id", group)
                .set("client.id", group)
                .set("enable.auto.commit", "false")
                .set("auto.offset.reset", "earliest")
                .set("queued.min.messages", "100")
                .create()?,
        );
        let queues = (0..partitions)
            .map(|p| {
                inner
                    .split_partition_queue(topic, p)
                    .ok_or_else(|| anyhow::anyhow!("cannot split queue of {topic}/{p}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut tpl = TopicPartitionList::new();
        for p in 0..partitions {
            tpl.add_partition_offset(topic, p, Offset::Stored)?;
        }
        inner.assign(&tpl)?;
        Ok(GroupReader {
            inner,
            queues,
            next: std::cell::Cell::new(0),
        })
    }

    /// Read up to `max` messages, one partition after another, within
    /// `wait`; returns how many.
    pub fn read(&self, max: usize, wait: Duration) -> usize {
        let deadline = std::time::Instant::now() + wait;
        let mut n = 0;
        let mut idle_round = 0;
        // The main queue still needs serving for commits and errors.
        let _ = self.inner.poll(Duration::ZERO);
        while n < max && std::time::Instant::now() < deadline {
            let i = self.next.get();
            self.next.set((i + 1) % self.queues.len().max(1));
            // enable.auto.offset.store (the default) stores the next offset
            // on poll; commit() commits what was stored.
            match self.queues.get(i).and_then(|q| q.poll(Duration::ZERO)) {
                Some(Ok(_)) => {
                    n += 1;
                    idle_round = 0;
                }
                _ => {
                    idle_round += 1;
                    if idle_round >= self.queues.len() {
                        std::thread::sleep(Duration::from_millis(5));
                        idle_round = 0;
                    }
                }
            }
        }
        n
    }

    /// Commit what has been read.
    pub fn commit(&self) {
        let _ = self.inner.commit_consumer_state(CommitMode::Async);
    }

    /// Commit explicit offsets (used to leave a group stuck at a point).
    pub fn commit_offsets(&self, topic: &str, offsets: &[(i32, i64)]) -> anyhow::Result<()> {
        let mut tpl = TopicPartitionList::new();
        for (p, o) in offsets {
            tpl.add_partition_offset(topic, *p, Offset::Offset(*o))?;
        }
        Ok(self.inner.commit(&tpl, CommitMode::Sync)?)
    }
}
