//! Admin APIs that rust-rdkafka 0.39 does not wrap, called through
//! rdkafka-sys, and creel's two other calls into C (an OAUTHBEARER token
//! set on a client, glibc's allocator thresholds). All of creel's unsafe
//! code lives in this folder (the crate denies `unsafe_code` everywhere
//! else).
//!
//! The safe functions take a reference to a live rdkafka client, so the
//! handle they use cannot outlive it. Ownership rules (from librdkafka's
//! rdkafka.h): the queue, the admin options and the polled event are ours
//! and destroyed by the guards below; everything read out of a result
//! (nodes, strings) is borrowed from the event and copied into owned Rust
//! values before the event is destroyed. Each request carries its own
//! options with an opaque naming it, so an error event (which names no
//! group) is attributed to the request it answers.
#![allow(unsafe_code)]

mod allocator;
mod cluster;
mod configs;
mod groups;
mod oauth;
#[cfg(test)]
mod tests;

pub use allocator::return_freed_memory;
pub use cluster::{describe_cluster, pending_events, ClusterDescription};
pub use configs::incremental_alter_topic_configs;
pub use groups::{
    delete_group_offsets, describe_consumer_groups, list_consumer_groups, list_group_offsets,
    GroupDescription,
};
pub use oauth::{set_oauth_failure, set_oauth_token};

use std::ffi::CStr;
use std::os::raw::{c_char, c_void};
use std::time::Duration;

use rdkafka_sys as sys;

use super::error::sys_code_error;
use crate::protocol::{ErrorKind, Op, OpError};

pub(super) fn invalid(op: Op, what: &str) -> OpError {
    OpError::new(
        op,
        ErrorKind::Invalid,
        format!("{what} contains a NUL byte"),
    )
}

pub(super) struct Queue(pub(super) *mut sys::rd_kafka_queue_t);
impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_queue_new and destroyed once, here.
        unsafe { sys::rd_kafka_queue_destroy(self.0) }
    }
}

pub(super) struct Options(pub(super) *mut sys::rd_kafka_AdminOptions_t);
impl Drop for Options {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_AdminOptions_new, destroyed once.
        unsafe { sys::rd_kafka_AdminOptions_destroy(self.0) }
    }
}

pub(super) struct EventGuard(pub(super) *mut sys::rd_kafka_event_t);
impl Drop for EventGuard {
    fn drop(&mut self) {
        // SAFETY: returned by rd_kafka_queue_poll, which hands us ownership.
        unsafe { sys::rd_kafka_event_destroy(self.0) }
    }
}

/// Copy a C string librdkafka owns; null becomes None.
///
/// SAFETY: `p` is null or a NUL-terminated string alive for this call.
pub(super) unsafe fn owned_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

fn timeout_ms(timeout: Duration) -> i32 {
    timeout.as_millis().min(i32::MAX as u128) as i32
}

/// Admin options for `kind` with a request timeout, and `tag` as the
/// opaque every result event of the request carries back.
///
/// SAFETY: `rk` must be a live client handle.
pub(super) unsafe fn options(
    op: Op,
    rk: *mut sys::rd_kafka_t,
    kind: sys::rd_kafka_admin_op_t,
    timeout: Duration,
    tag: usize,
) -> Result<Options, OpError> {
    let options = Options(sys::rd_kafka_AdminOptions_new(rk, kind));
    let mut errstr = [0 as c_char; 256];
    let err = sys::rd_kafka_AdminOptions_set_request_timeout(
        options.0,
        timeout_ms(timeout),
        errstr.as_mut_ptr(),
        errstr.len(),
    );
    if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        return Err(sys_code_error(
            op,
            err,
            &owned_str(errstr.as_ptr()).unwrap_or_default(),
        ));
    }
    // The tag is a number, never dereferenced: librdkafka only hands the
    // pointer back on the result event.
    sys::rd_kafka_AdminOptions_set_opaque(options.0, tag as *mut c_void);
    Ok(options)
}

/// The tag of a result event (see `options`).
///
/// SAFETY: `event` must be a live event.
unsafe fn tag_of(event: &EventGuard) -> usize {
    sys::rd_kafka_event_opaque(event.0) as usize
}

/// Wait for the next result event on `queue`: the event, or the error it
/// carries, with the event's tag either way.
///
/// SAFETY: `queue` must be a live queue.
pub(super) unsafe fn next_result(
    op: Op,
    queue: &Queue,
    timeout: Duration,
) -> Result<(usize, Result<EventGuard, OpError>), OpError> {
    // librdkafka posts an error event when the request timeout passes; the
    // extra second only covers its own scheduling.
    let ms = timeout_ms(timeout);
    let event = sys::rd_kafka_queue_poll(queue.0, ms.saturating_add(1000));
    if event.is_null() {
        return Err(OpError::new(
            op,
            ErrorKind::TimedOut,
            format!("no answer within {ms} ms"),
        ));
    }
    let event = EventGuard(event);
    let tag = tag_of(&event);
    let code = sys::rd_kafka_event_error(event.0);
    if code != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        let text = owned_str(sys::rd_kafka_event_error_string(event.0)).unwrap_or_default();
        return Ok((tag, Err(sys_code_error(op, code, &text))));
    }
    Ok((tag, Ok(event)))
}

/// A result event and the queue it came on. The event is destroyed before
/// the queue (fields drop in order): librdkafka's op may still refer to its
/// reply queue until the event is gone.
pub(super) struct AdminResult {
    pub(super) event: EventGuard,
    _queue: Queue,
}

impl std::ops::Deref for AdminResult {
    type Target = EventGuard;
    fn deref(&self) -> &EventGuard {
        &self.event
    }
}

/// Start one admin request on its own queue and wait for its result event.
///
/// SAFETY: `rk` must be a live client handle for the whole call.
pub(super) unsafe fn run_admin(
    op: Op,
    rk: *mut sys::rd_kafka_t,
    kind: sys::rd_kafka_admin_op_t,
    timeout: Duration,
    start: impl FnOnce(
        *mut sys::rd_kafka_t,
        *const sys::rd_kafka_AdminOptions_t,
        *mut sys::rd_kafka_queue_t,
    ),
) -> Result<AdminResult, OpError> {
    let queue = Queue(sys::rd_kafka_queue_new(rk));
    let options = options(op, rk, kind, timeout, 1)?;
    start(rk, options.0, queue.0);
    let (_, event) = next_result(op, &queue, timeout)?;
    Ok(AdminResult {
        event: event?,
        _queue: queue,
    })
}

/// The result of one event of the expected type, or an error naming `op`.
pub(super) fn expect<T>(op: Op, result: *const T) -> Result<*const T, OpError> {
    if result.is_null() {
        Err(OpError::new(
            op,
            ErrorKind::Internal,
            "unexpected admin result type",
        ))
    } else {
        Ok(result)
    }
}

/// An rd_kafka_error_t as an OpError, or None for a null pointer.
///
/// SAFETY: `e` is null or a live error object.
pub(super) unsafe fn error_of(op: Op, e: *const sys::rd_kafka_error_t) -> Option<OpError> {
    if e.is_null() {
        None
    } else {
        let text = owned_str(sys::rd_kafka_error_string(e)).unwrap_or_default();
        Some(sys_code_error(op, sys::rd_kafka_error_code(e), &text))
    }
}

/// Copy (topic, partition, offset, error) out of a borrowed list.
///
/// SAFETY: `list` is null or a live partition list.
pub(super) unsafe fn partitions(
    op: Op,
    list: *const sys::rd_kafka_topic_partition_list_t,
) -> Vec<PartitionOffset> {
    if list.is_null() {
        return vec![];
    }
    let list = &*list;
    let count = usize::try_from(list.cnt).unwrap_or(0);
    if count == 0 || list.elems.is_null() {
        return vec![];
    }
    let elems = std::slice::from_raw_parts(list.elems, count);
    elems
        .iter()
        .map(|e| PartitionOffset {
            topic: owned_str(e.topic).unwrap_or_default(),
            partition: e.partition,
            // Negative offsets are librdkafka's "no offset" markers.
            offset: (e.offset >= 0).then_some(e.offset),
            error: (e.err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR).then(|| {
                sys_code_error(
                    op,
                    e.err,
                    &owned_str(sys::rd_kafka_err2str(e.err)).unwrap_or_default(),
                )
            }),
        })
        .collect()
}

/// A partition with an offset, as the group APIs return them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOffset {
    pub topic: String,
    pub partition: i32,
    pub offset: Option<i64>,
    pub error: Option<OpError>,
}

/// An owned rd_kafka_topic_partition_list_t.
pub(super) struct PartitionList(pub(super) *mut sys::rd_kafka_topic_partition_list_t);
impl Drop for PartitionList {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_topic_partition_list_new, destroyed once.
        unsafe { sys::rd_kafka_topic_partition_list_destroy(self.0) }
    }
}

pub(super) fn partition_list(op: Op, parts: &[(String, i32)]) -> Result<PartitionList, OpError> {
    // SAFETY: the list is ours; librdkafka copies each topic name on add.
    unsafe {
        let list = PartitionList(sys::rd_kafka_topic_partition_list_new(
            i32::try_from(parts.len()).unwrap_or(i32::MAX),
        ));
        for (topic, partition) in parts {
            let name = std::ffi::CString::new(topic.as_str())
                .map_err(|_| invalid(op, &format!("topic {topic:?}")))?;
            sys::rd_kafka_topic_partition_list_add(list.0, name.as_ptr(), *partition);
        }
        Ok(list)
    }
}
