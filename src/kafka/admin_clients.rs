//! The clients a headless admin command (`creel topic ...`, `creel group
//! ...`) uses, doing the same work as the worker's admin jobs.

use std::time::Duration;

use rdkafka::admin::AdminClient;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;

use super::admin::{execute, internal, plan_reset};
use super::context::CreelContext;
use crate::protocol::admin::{AdminOp, ResetPlan, ResetTarget};
use crate::protocol::{Op, OpError};

/// The clients a headless admin command uses: the same work as the
/// worker's admin jobs, for `creel topic ...` and `creel group ...`.
pub struct AdminClients {
    admin: AdminClient<CreelContext>,
    consumer: BaseConsumer<CreelContext>,
    base: ClientConfig,
}

impl AdminClients {
    /// Reach the cluster (a refusal is said at once) and make the clients.
    pub fn connect(settings: &crate::config::Settings) -> Result<AdminClients, OpError> {
        super::client::check_connection(settings, Duration::from_secs(10))?;
        let mut base = super::client::client_config(settings);
        base.set("statistics.interval.ms", "0");
        let make = |e: rdkafka::error::KafkaError| internal(Op::Connect, e);
        let admin: AdminClient<CreelContext> = base
            .create_with_context(CreelContext::new(None))
            .map_err(make)?;
        super::msk_iam::authenticate(admin.inner());
        // Plans count to the high watermark, like the worker's client.
        let consumer: BaseConsumer<CreelContext> = base
            .clone()
            .set("isolation.level", "read_uncommitted")
            .create_with_context(CreelContext::new(None))
            .map_err(make)?;
        super::msk_iam::authenticate(consumer.client());
        Ok(AdminClients {
            admin,
            consumer,
            base,
        })
    }

    pub fn execute(&self, op: &AdminOp) -> Result<String, OpError> {
        execute(&self.admin, &self.consumer, &self.base, op)
    }

    pub fn plan_reset(
        &self,
        group: &str,
        target: ResetTarget,
        topic: Option<&str>,
        partitions: Option<&[i32]>,
    ) -> Result<ResetPlan, OpError> {
        plan_reset(&self.consumer, group, target, topic, partitions)
    }
}
