//! DescribeCluster, and how many events a client has waiting.

use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka_sys as sys;

use super::*;

/// One node as DescribeCluster reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: i32,
    pub host: String,
    pub port: u16,
    pub rack: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterDescription {
    pub nodes: Vec<Node>,
    pub controller: Option<i32>,
}

/// DescribeCluster: every broker with its rack, and the controller.
/// Blocking: call it from a blocking thread.
pub fn describe_cluster<C: ClientContext>(
    client: &Client<C>,
    timeout: Duration,
) -> Result<ClusterDescription, OpError> {
    let op = Op::DescribeCluster;
    // SAFETY: `client` is borrowed for the call, so its handle is live; the
    // result pointers are read while `event` is alive and copied out.
    unsafe {
        let event = run_admin(
            op,
            client.native_ptr(),
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER,
            timeout,
            |rk, opts, q| sys::rd_kafka_DescribeCluster(rk, opts, q),
        )?;
        let result = expect(op, sys::rd_kafka_event_DescribeCluster_result(event.0))?;
        let mut count = 0usize;
        let nodes_ptr = sys::rd_kafka_DescribeCluster_result_nodes(result, &mut count);
        let mut nodes = Vec::with_capacity(count);
        for i in 0..count {
            let node = *nodes_ptr.add(i);
            nodes.push(Node {
                id: sys::rd_kafka_Node_id(node),
                host: owned_str(sys::rd_kafka_Node_host(node)).unwrap_or_default(),
                port: sys::rd_kafka_Node_port(node),
                rack: owned_str(sys::rd_kafka_Node_rack(node)).filter(|r| !r.is_empty()),
            });
        }
        let controller = sys::rd_kafka_DescribeCluster_result_controller(result);
        let controller = if controller.is_null() {
            None
        } else {
            Some(sys::rd_kafka_Node_id(controller))
        };
        Ok(ClusterDescription { nodes, controller })
    }
}

/// Events waiting on a consumer's queue to be served by `poll`
/// (librdkafka's statistics, errors, logs; the main queue is forwarded
/// there). A client that nobody polls keeps every one of them.
pub fn pending_events<C: ClientContext>(client: &Client<C>) -> usize {
    // SAFETY: `client` is borrowed for the call; the queue handle returned
    // by rd_kafka_queue_get_consumer is ours and destroyed here.
    unsafe {
        let q = sys::rd_kafka_queue_get_consumer(client.native_ptr());
        if q.is_null() {
            return 0;
        }
        let n = sys::rd_kafka_queue_length(q);
        sys::rd_kafka_queue_destroy(q);
        n
    }
}
