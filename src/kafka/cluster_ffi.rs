//! Admin APIs that rust-rdkafka 0.39 does not wrap, called through
//! rdkafka-sys. All of creel's unsafe code lives in this file.
//!
//! Ownership rules (from librdkafka's rdkafka.h): the queue, the admin
//! options and the polled event are ours and destroyed by the guards below;
//! everything read out of a result (nodes, strings) is borrowed from the
//! event and copied into owned Rust values before the event is destroyed.

use std::ffi::CStr;
use std::os::raw::c_char;
use std::time::Duration;

use rdkafka_sys as sys;

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

struct Queue(*mut sys::rd_kafka_queue_t);
impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_queue_new and destroyed once, here.
        unsafe { sys::rd_kafka_queue_destroy(self.0) }
    }
}

struct Options(*mut sys::rd_kafka_AdminOptions_t);
impl Drop for Options {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_AdminOptions_new, destroyed once.
        unsafe { sys::rd_kafka_AdminOptions_destroy(self.0) }
    }
}

struct EventGuard(*mut sys::rd_kafka_event_t);
impl Drop for EventGuard {
    fn drop(&mut self) {
        // SAFETY: returned by rd_kafka_queue_poll, which hands us ownership.
        unsafe { sys::rd_kafka_event_destroy(self.0) }
    }
}

/// Copy a C string librdkafka owns; null becomes None.
///
/// SAFETY: `p` is null or a NUL-terminated string alive for this call.
unsafe fn owned_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

/// Start an admin request on its own queue and wait for its result event.
///
/// SAFETY: `rk` must be a live client handle for the whole call.
unsafe fn run_admin(
    rk: *mut sys::rd_kafka_t,
    op: sys::rd_kafka_admin_op_t,
    timeout: Duration,
    start: impl FnOnce(
        *mut sys::rd_kafka_t,
        *const sys::rd_kafka_AdminOptions_t,
        *mut sys::rd_kafka_queue_t,
    ),
) -> Result<EventGuard, String> {
    let queue = Queue(sys::rd_kafka_queue_new(rk));
    let options = Options(sys::rd_kafka_AdminOptions_new(rk, op));
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let mut errstr = [0 as c_char; 256];
    let err = sys::rd_kafka_AdminOptions_set_request_timeout(
        options.0,
        ms,
        errstr.as_mut_ptr(),
        errstr.len(),
    );
    if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        return Err(owned_str(errstr.as_ptr()).unwrap_or_default());
    }
    start(rk, options.0, queue.0);
    // The request timeout above makes librdkafka post an error event in
    // time; the extra second only covers its own scheduling.
    let event = sys::rd_kafka_queue_poll(queue.0, ms.saturating_add(1000));
    if event.is_null() {
        return Err(format!("no answer within {} ms", ms));
    }
    let event = EventGuard(event);
    let code = sys::rd_kafka_event_error(event.0);
    if code != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        let text = owned_str(sys::rd_kafka_event_error_string(event.0)).unwrap_or_default();
        return Err(text);
    }
    Ok(event)
}

/// DescribeCluster: every broker with its rack, and the controller.
/// Blocking: call it from a blocking thread.
pub fn describe_cluster(
    rk: *mut sys::rd_kafka_t,
    timeout: Duration,
) -> Result<ClusterDescription, String> {
    // SAFETY: the caller holds the client that owns `rk` for this call; the
    // result pointers are read while `event` is alive and copied out.
    unsafe {
        let event = run_admin(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER,
            timeout,
            |rk, opts, q| sys::rd_kafka_DescribeCluster(rk, opts, q),
        )?;
        let result = sys::rd_kafka_event_DescribeCluster_result(event.0);
        if result.is_null() {
            return Err("unexpected admin result type".into());
        }
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
