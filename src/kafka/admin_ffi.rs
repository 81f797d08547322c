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

fn timeout_ms(timeout: Duration) -> i32 {
    timeout.as_millis().min(i32::MAX as u128) as i32
}

/// Admin options for `op` with a request timeout.
///
/// SAFETY: `rk` must be a live client handle.
unsafe fn options(
    rk: *mut sys::rd_kafka_t,
    op: sys::rd_kafka_admin_op_t,
    timeout: Duration,
) -> Result<Options, String> {
    let options = Options(sys::rd_kafka_AdminOptions_new(rk, op));
    let mut errstr = [0 as c_char; 256];
    let err = sys::rd_kafka_AdminOptions_set_request_timeout(
        options.0,
        timeout_ms(timeout),
        errstr.as_mut_ptr(),
        errstr.len(),
    );
    if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        return Err(owned_str(errstr.as_ptr()).unwrap_or_default());
    }
    Ok(options)
}

/// Wait for the next result event on `queue`; an event carrying an error
/// becomes that error.
///
/// SAFETY: `queue` must be a live queue.
unsafe fn next_result(queue: &Queue, timeout: Duration) -> Result<EventGuard, String> {
    // librdkafka posts an error event when the request timeout passes; the
    // extra second only covers its own scheduling.
    let ms = timeout_ms(timeout);
    let event = sys::rd_kafka_queue_poll(queue.0, ms.saturating_add(1000));
    if event.is_null() {
        return Err(format!("no answer within {ms} ms"));
    }
    let event = EventGuard(event);
    let code = sys::rd_kafka_event_error(event.0);
    if code != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        let text = owned_str(sys::rd_kafka_event_error_string(event.0)).unwrap_or_default();
        return Err(text);
    }
    Ok(event)
}

/// A result event and the queue it came on. The event is destroyed before
/// the queue (fields drop in order): librdkafka's op may still refer to its
/// reply queue until the event is gone.
struct AdminResult {
    event: EventGuard,
    _queue: Queue,
}

impl std::ops::Deref for AdminResult {
    type Target = EventGuard;
    fn deref(&self) -> &EventGuard {
        &self.event
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
) -> Result<AdminResult, String> {
    let queue = Queue(sys::rd_kafka_queue_new(rk));
    let options = options(rk, op, timeout)?;
    start(rk, options.0, queue.0);
    let event = next_result(&queue, timeout)?;
    Ok(AdminResult {
        event,
        _queue: queue,
    })
}

/// The text of an rd_kafka_error_t, or None for a null pointer.
///
/// SAFETY: `e` is null or a live error object.
unsafe fn error_text(e: *const sys::rd_kafka_error_t) -> Option<String> {
    if e.is_null() {
        None
    } else {
        owned_str(sys::rd_kafka_error_string(e))
    }
}

/// Copy (topic, partition, offset, error) out of a borrowed list.
///
/// SAFETY: `list` is null or a live partition list.
unsafe fn partitions(list: *const sys::rd_kafka_topic_partition_list_t) -> Vec<PartitionOffset> {
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
            error: (e.err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR)
                .then(|| owned_str(sys::rd_kafka_err2str(e.err)).unwrap_or_default()),
        })
        .collect()
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

/// A partition with an offset, as the group APIs return them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOffset {
    pub topic: String,
    pub partition: i32,
    pub offset: Option<i64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupListing {
    pub id: String,
    pub state: String,
    pub simple: bool,
}

fn state_name(state: sys::rd_kafka_consumer_group_state_t) -> String {
    // SAFETY: returns a static string for every state value.
    unsafe { owned_str(sys::rd_kafka_consumer_group_state_name(state)) }
        .unwrap_or_else(|| "Unknown".into())
}

/// ListConsumerGroups: every group any broker knows, plus the errors of the
/// brokers that could not answer (a partial list is still a list).
pub fn list_consumer_groups(
    rk: *mut sys::rd_kafka_t,
    timeout: Duration,
) -> Result<(Vec<GroupListing>, Vec<String>), String> {
    // SAFETY: as describe_cluster; listings are copied before `event` drops.
    unsafe {
        let event = run_admin(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
            timeout,
            |rk, opts, q| sys::rd_kafka_ListConsumerGroups(rk, opts, q),
        )?;
        let result = sys::rd_kafka_event_ListConsumerGroups_result(event.0);
        if result.is_null() {
            return Err("unexpected admin result type".into());
        }
        let mut n = 0usize;
        let valid = sys::rd_kafka_ListConsumerGroups_result_valid(result, &mut n);
        let groups = (0..n)
            .map(|i| {
                let g = *valid.add(i);
                GroupListing {
                    id: owned_str(sys::rd_kafka_ConsumerGroupListing_group_id(g))
                        .unwrap_or_default(),
                    state: state_name(sys::rd_kafka_ConsumerGroupListing_state(g)),
                    simple: sys::rd_kafka_ConsumerGroupListing_is_simple_consumer_group(g) != 0,
                }
            })
            .collect();
        let mut m = 0usize;
        let errs = sys::rd_kafka_ListConsumerGroups_result_errors(result, &mut m);
        let errors = (0..m).filter_map(|i| error_text(*errs.add(i))).collect();
        Ok((groups, errors))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDescription {
    pub member_id: String,
    pub client_id: String,
    pub host: String,
    pub assignment: Vec<(String, i32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDescription {
    pub id: String,
    pub state: String,
    pub assignor: String,
    pub simple: bool,
    pub members: Vec<MemberDescription>,
    pub error: Option<String>,
}

/// DescribeConsumerGroups for many groups in one call.
pub fn describe_consumer_groups(
    rk: *mut sys::rd_kafka_t,
    ids: &[String],
    timeout: Duration,
) -> Result<Vec<GroupDescription>, String> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let cstrings: Vec<std::ffi::CString> = ids
        .iter()
        .map(|g| {
            std::ffi::CString::new(g.as_str()).map_err(|_| format!("group id {g:?} contains NUL"))
        })
        .collect::<Result<_, _>>()?;
    let mut ptrs: Vec<*const c_char> = cstrings.iter().map(|c| c.as_ptr()).collect();
    // SAFETY: `cstrings` outlives the call (librdkafka copies the names);
    // descriptions are copied out before `event` drops.
    unsafe {
        let event = run_admin(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
            timeout,
            |rk, opts, q| {
                sys::rd_kafka_DescribeConsumerGroups(rk, ptrs.as_mut_ptr(), ptrs.len(), opts, q)
            },
        )?;
        let result = sys::rd_kafka_event_DescribeConsumerGroups_result(event.0);
        if result.is_null() {
            return Err("unexpected admin result type".into());
        }
        let mut n = 0usize;
        let groups = sys::rd_kafka_DescribeConsumerGroups_result_groups(result, &mut n);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let g = *groups.add(i);
            let members = (0..sys::rd_kafka_ConsumerGroupDescription_member_count(g))
                .map(|j| {
                    let m = sys::rd_kafka_ConsumerGroupDescription_member(g, j);
                    let assignment = sys::rd_kafka_MemberDescription_assignment(m);
                    let parts = if assignment.is_null() {
                        vec![]
                    } else {
                        partitions(sys::rd_kafka_MemberAssignment_partitions(assignment))
                    };
                    MemberDescription {
                        member_id: owned_str(sys::rd_kafka_MemberDescription_consumer_id(m))
                            .unwrap_or_default(),
                        client_id: owned_str(sys::rd_kafka_MemberDescription_client_id(m))
                            .unwrap_or_default(),
                        host: owned_str(sys::rd_kafka_MemberDescription_host(m))
                            .unwrap_or_default(),
                        assignment: parts.into_iter().map(|p| (p.topic, p.partition)).collect(),
                    }
                })
                .collect();
            out.push(GroupDescription {
                id: owned_str(sys::rd_kafka_ConsumerGroupDescription_group_id(g))
                    .unwrap_or_default(),
                state: state_name(sys::rd_kafka_ConsumerGroupDescription_state(g)),
                assignor: owned_str(sys::rd_kafka_ConsumerGroupDescription_partition_assignor(g))
                    .unwrap_or_default(),
                simple: sys::rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(g) != 0,
                members,
                error: error_text(sys::rd_kafka_ConsumerGroupDescription_error(g)),
            });
        }
        Ok(out)
    }
}

/// An owned rd_kafka_topic_partition_list_t.
struct PartitionList(*mut sys::rd_kafka_topic_partition_list_t);
impl Drop for PartitionList {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_topic_partition_list_new, destroyed once.
        unsafe { sys::rd_kafka_topic_partition_list_destroy(self.0) }
    }
}

fn partition_list(parts: &[(String, i32)]) -> Result<PartitionList, String> {
    // SAFETY: the list is ours; librdkafka copies each topic name on add.
    unsafe {
        let list = PartitionList(sys::rd_kafka_topic_partition_list_new(
            i32::try_from(parts.len()).unwrap_or(i32::MAX),
        ));
        for (topic, partition) in parts {
            let name = std::ffi::CString::new(topic.as_str())
                .map_err(|_| format!("topic {topic:?} contains NUL"))?;
            sys::rd_kafka_topic_partition_list_add(list.0, name.as_ptr(), *partition);
        }
        Ok(list)
    }
}

/// ListConsumerGroupOffsets for each group (librdkafka takes one group per
/// request), with at most `in_flight` requests outstanding on one queue.
/// `named` None asks for every committed offset (OffsetFetch with all
/// topics); some brokers only answer for named partitions.
/// Returns each group's committed offsets, or its error.
pub fn list_group_offsets(
    rk: *mut sys::rd_kafka_t,
    ids: &[String],
    named: Option<&[(String, i32)]>,
    timeout: Duration,
    in_flight: usize,
) -> Vec<(String, Result<Vec<PartitionOffset>, String>)> {
    let list = match named.map(partition_list).transpose() {
        Ok(l) => l,
        Err(e) => return ids.iter().map(|g| (g.clone(), Err(e.clone()))).collect(),
    };
    let list_ptr = list
        .as_ref()
        .map(|l| l.0 as *const _)
        .unwrap_or(std::ptr::null());
    let mut out: Vec<(String, Result<Vec<PartitionOffset>, String>)> =
        Vec::with_capacity(ids.len());
    // SAFETY: each request object is created, handed to librdkafka (which
    // copies it) and destroyed by us; results are copied before their event
    // drops. The queue and options live until every answer is in.
    unsafe {
        let queue = Queue(sys::rd_kafka_queue_new(rk));
        let opts = match options(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
            timeout,
        ) {
            Ok(o) => o,
            Err(e) => return ids.iter().map(|g| (g.clone(), Err(e.clone()))).collect(),
        };
        let mut pending: Vec<&String> = Vec::new();
        let mut next = 0;
        while next < ids.len() || !pending.is_empty() {
            while next < ids.len() && pending.len() < in_flight.max(1) {
                let id = &ids[next];
                next += 1;
                let Ok(name) = std::ffi::CString::new(id.as_str()) else {
                    out.push((id.clone(), Err("group id contains NUL".into())));
                    continue;
                };
                let mut req = sys::rd_kafka_ListConsumerGroupOffsets_new(name.as_ptr(), list_ptr);
                sys::rd_kafka_ListConsumerGroupOffsets(rk, &mut req, 1, opts.0, queue.0);
                sys::rd_kafka_ListConsumerGroupOffsets_destroy(req);
                pending.push(id);
            }
            match next_result(&queue, timeout) {
                Ok(event) => {
                    let result = sys::rd_kafka_event_ListConsumerGroupOffsets_result(event.0);
                    let mut n = 0usize;
                    let groups = if result.is_null() {
                        std::ptr::null_mut()
                    } else {
                        sys::rd_kafka_ListConsumerGroupOffsets_result_groups(result, &mut n)
                    };
                    for i in 0..n {
                        let g = *groups.add(i);
                        let name =
                            owned_str(sys::rd_kafka_group_result_name(g)).unwrap_or_default();
                        let r = match error_text(sys::rd_kafka_group_result_error(g)) {
                            Some(e) => Err(e),
                            None => Ok(partitions(sys::rd_kafka_group_result_partitions(g))),
                        };
                        if let Some(pos) = pending.iter().position(|p| **p == name) {
                            pending.swap_remove(pos);
                        }
                        out.push((name, r));
                    }
                    if n == 0 {
                        // An answer we cannot attribute: count it against the oldest.
                        if !pending.is_empty() {
                            let id = pending.remove(0);
                            out.push((id.clone(), Err("empty offsets result".into())));
                        }
                    }
                }
                Err(e) => {
                    // A request-level error event names no group; with every
                    // request on one queue, blame the oldest still pending.
                    if pending.is_empty() {
                        break;
                    }
                    let id = pending.remove(0);
                    out.push((id.clone(), Err(e)));
                }
            }
        }
    }
    out
}

use crate::protocol::admin::ConfigEdit;

struct ConfigResource(*mut sys::rd_kafka_ConfigResource_t);
impl Drop for ConfigResource {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_ConfigResource_new, destroyed once;
        // librdkafka copied it when the request was made.
        unsafe { sys::rd_kafka_ConfigResource_destroy(self.0) }
    }
}

/// IncrementalAlterConfigs on one topic: only the keys named change (the
/// non-incremental AlterConfigs would reset every other override).
pub fn incremental_alter_topic_configs(
    rk: *mut sys::rd_kafka_t,
    topic: &str,
    changes: &[ConfigEdit],
    timeout: Duration,
) -> Result<(), String> {
    let name = std::ffi::CString::new(topic).map_err(|_| "topic name contains NUL".to_string())?;
    let cstr = |s: &str| std::ffi::CString::new(s).map_err(|_| format!("{s:?} contains NUL"));
    // SAFETY: the resource is ours until dropped; each added key and value
    // is copied by librdkafka; the result is read while its event lives.
    unsafe {
        let res = ConfigResource(sys::rd_kafka_ConfigResource_new(
            sys::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC,
            name.as_ptr(),
        ));
        for change in changes {
            let (key, op, value) = match change {
                ConfigEdit::Set(k, v) => (
                    cstr(k)?,
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET,
                    Some(cstr(v)?),
                ),
                ConfigEdit::Delete(k) => (
                    cstr(k)?,
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE,
                    None,
                ),
            };
            let err = sys::rd_kafka_ConfigResource_add_incremental_config(
                res.0,
                key.as_ptr(),
                op,
                value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr()),
            );
            if !err.is_null() {
                let text = error_text(err).unwrap_or_default();
                sys::rd_kafka_error_destroy(err);
                return Err(text);
            }
        }
        let mut arr = [res.0];
        let event = run_admin(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
            timeout,
            |rk, opts, q| sys::rd_kafka_IncrementalAlterConfigs(rk, arr.as_mut_ptr(), 1, opts, q),
        )?;
        let result = sys::rd_kafka_event_IncrementalAlterConfigs_result(event.0);
        if result.is_null() {
            return Err("unexpected admin result type".into());
        }
        let mut n = 0usize;
        let resources = sys::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut n);
        for i in 0..n {
            let r = *resources.add(i);
            if sys::rd_kafka_ConfigResource_error(r)
                != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
            {
                let code = sys::rd_kafka_ConfigResource_error(r);
                let text = owned_str(sys::rd_kafka_ConfigResource_error_string(r))
                    .filter(|s| !s.is_empty())
                    .or_else(|| owned_str(sys::rd_kafka_err2str(code)))
                    .unwrap_or_default();
                return Err(format!("{text} ({code:?})"));
            }
        }
        Ok(())
    }
}

/// DeleteConsumerGroupOffsets: forget `group`'s committed offsets on these
/// partitions. Returns each partition with its error, if any.
pub fn delete_group_offsets(
    rk: *mut sys::rd_kafka_t,
    group: &str,
    parts: &[(String, i32)],
    timeout: Duration,
) -> Result<Vec<PartitionOffset>, String> {
    let list = partition_list(parts)?;
    let name = std::ffi::CString::new(group).map_err(|_| "group id contains NUL".to_string())?;
    // SAFETY: the request object is created, handed over (librdkafka copies
    // it) and destroyed by us; the result is copied before its event drops.
    unsafe {
        let mut req = sys::rd_kafka_DeleteConsumerGroupOffsets_new(name.as_ptr(), list.0);
        let event = run_admin(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS,
            timeout,
            |rk, opts, q| sys::rd_kafka_DeleteConsumerGroupOffsets(rk, &mut req, 1, opts, q),
        );
        sys::rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
        let event = event?;
        let result = sys::rd_kafka_event_DeleteConsumerGroupOffsets_result(event.0);
        if result.is_null() {
            return Err("unexpected admin result type".into());
        }
        let mut n = 0usize;
        let groups = sys::rd_kafka_DeleteConsumerGroupOffsets_result_groups(result, &mut n);
        if n == 0 {
            return Err("empty result".into());
        }
        let g = *groups;
        match error_text(sys::rd_kafka_group_result_error(g)) {
            Some(e) => Err(e),
            None => Ok(partitions(sys::rd_kafka_group_result_partitions(g))),
        }
    }
}
