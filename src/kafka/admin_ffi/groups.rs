//! The consumer-group APIs: list, describe, committed offsets, delete
//! offsets.

use std::os::raw::c_char;
use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka_sys as sys;

use super::*;

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
pub fn list_consumer_groups<C: ClientContext>(
    client: &Client<C>,
    timeout: Duration,
) -> Result<(Vec<GroupListing>, Vec<OpError>), OpError> {
    let op = Op::ListGroups;
    // SAFETY: as describe_cluster; listings are copied before `event` drops.
    unsafe {
        let event = run_admin(
            op,
            client.native_ptr(),
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
            timeout,
            |rk, opts, q| sys::rd_kafka_ListConsumerGroups(rk, opts, q),
        )?;
        let result = expect(op, sys::rd_kafka_event_ListConsumerGroups_result(event.0))?;
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
        let errors = (0..m).filter_map(|i| error_of(op, *errs.add(i))).collect();
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
    pub error: Option<OpError>,
}

/// DescribeConsumerGroups for many groups in one call.
pub fn describe_consumer_groups<C: ClientContext>(
    client: &Client<C>,
    ids: &[String],
    timeout: Duration,
) -> Result<Vec<GroupDescription>, OpError> {
    let op = Op::DescribeGroups;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let cstrings: Vec<std::ffi::CString> = ids
        .iter()
        .map(|g| {
            std::ffi::CString::new(g.as_str()).map_err(|_| invalid(op, &format!("group id {g:?}")))
        })
        .collect::<Result<_, _>>()?;
    let mut ptrs: Vec<*const c_char> = cstrings.iter().map(|c| c.as_ptr()).collect();
    // SAFETY: `client` is borrowed for the call; `cstrings` outlives it
    // (librdkafka copies the names); descriptions are copied out before
    // `event` drops.
    unsafe {
        let event = run_admin(
            op,
            client.native_ptr(),
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
            timeout,
            |rk, opts, q| {
                sys::rd_kafka_DescribeConsumerGroups(rk, ptrs.as_mut_ptr(), ptrs.len(), opts, q)
            },
        )?;
        let result = expect(
            op,
            sys::rd_kafka_event_DescribeConsumerGroups_result(event.0),
        )?;
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
                        partitions(op, sys::rd_kafka_MemberAssignment_partitions(assignment))
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
                error: error_of(op, sys::rd_kafka_ConsumerGroupDescription_error(g)),
            });
        }
        Ok(out)
    }
}

/// ListConsumerGroupOffsets for each group (librdkafka takes one group per
/// request), with at most `in_flight` requests outstanding on one queue.
/// `named` None asks for every committed offset (OffsetFetch with all
/// topics); some brokers only answer for named partitions. Each request
/// is tagged with its group's place in `ids`, so every answer and every
/// error lands on its own group. Returns each group's committed offsets,
/// or its error, in the order of `ids`.
pub fn list_group_offsets<C: ClientContext>(
    client: &Client<C>,
    ids: &[String],
    named: Option<&[(String, i32)]>,
    timeout: Duration,
    in_flight: usize,
) -> Vec<(String, Result<Vec<PartitionOffset>, OpError>)> {
    let op = Op::GroupOffsets;
    let mut out: Vec<Option<Result<Vec<PartitionOffset>, OpError>>> = vec![None; ids.len()];
    let list = match named.map(|n| partition_list(op, n)).transpose() {
        Ok(l) => l,
        Err(e) => return ids.iter().map(|g| (g.clone(), Err(e.clone()))).collect(),
    };
    let list_ptr = list
        .as_ref()
        .map(|l| l.0 as *const _)
        .unwrap_or(std::ptr::null());
    let rk = client.native_ptr();
    // SAFETY: `client` is borrowed for the call. Each request object is
    // created, handed to librdkafka (which copies it) and destroyed by us;
    // each request's options live until its answer is in; results are
    // copied before their event drops; the queue outlives every request.
    unsafe {
        let queue = Queue(sys::rd_kafka_queue_new(rk));
        // Request i is tagged i + 1 (0 is what an untagged event reads).
        let mut pending: Vec<(usize, Options)> = Vec::new();
        let mut next = 0;
        while next < ids.len() || !pending.is_empty() {
            while next < ids.len() && pending.len() < in_flight.max(1) {
                let i = next;
                next += 1;
                let Ok(name) = std::ffi::CString::new(ids[i].as_str()) else {
                    out[i] = Some(Err(invalid(op, &format!("group id {:?}", ids[i]))));
                    continue;
                };
                let opts = match options(
                    op,
                    rk,
                    sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
                    timeout,
                    i + 1,
                ) {
                    Ok(o) => o,
                    Err(e) => {
                        out[i] = Some(Err(e));
                        continue;
                    }
                };
                let mut req = sys::rd_kafka_ListConsumerGroupOffsets_new(name.as_ptr(), list_ptr);
                sys::rd_kafka_ListConsumerGroupOffsets(rk, &mut req, 1, opts.0, queue.0);
                sys::rd_kafka_ListConsumerGroupOffsets_destroy(req);
                pending.push((i, opts));
            }
            if pending.is_empty() {
                continue;
            }
            let (tag, answer) = match next_result(op, &queue, timeout) {
                Ok(x) => x,
                Err(e) => {
                    // Nothing came back in time: every request still out
                    // has no answer.
                    for (i, _) in pending.drain(..) {
                        out[i] = Some(Err(e.clone()));
                    }
                    break;
                }
            };
            let Some(pos) = pending.iter().position(|(i, _)| *i + 1 == tag) else {
                continue;
            };
            let (i, _opts) = pending.swap_remove(pos);
            out[i] = Some(match answer {
                Err(e) => Err(e),
                Ok(event) => {
                    let result = sys::rd_kafka_event_ListConsumerGroupOffsets_result(event.0);
                    let mut n = 0usize;
                    let groups = if result.is_null() {
                        std::ptr::null_mut()
                    } else {
                        sys::rd_kafka_ListConsumerGroupOffsets_result_groups(result, &mut n)
                    };
                    if n == 0 {
                        Err(OpError::new(
                            op,
                            ErrorKind::Internal,
                            "an empty offsets result",
                        ))
                    } else {
                        let g = *groups;
                        match error_of(op, sys::rd_kafka_group_result_error(g)) {
                            Some(e) => Err(e),
                            None => Ok(partitions(op, sys::rd_kafka_group_result_partitions(g))),
                        }
                    }
                }
            });
        }
    }
    ids.iter()
        .cloned()
        .zip(out)
        .map(|(id, r)| {
            let r = r.unwrap_or_else(|| {
                Err(OpError::new(
                    op,
                    ErrorKind::Internal,
                    "no answer for the group",
                ))
            });
            (id, r)
        })
        .collect()
}

/// DeleteConsumerGroupOffsets: forget `group`'s committed offsets on these
/// partitions. Returns each partition with its error, if any.
pub fn delete_group_offsets<C: ClientContext>(
    client: &Client<C>,
    group: &str,
    parts: &[(String, i32)],
    timeout: Duration,
) -> Result<Vec<PartitionOffset>, OpError> {
    let op = Op::DeleteGroupOffsets;
    let list = partition_list(op, parts)?;
    let name = std::ffi::CString::new(group).map_err(|_| invalid(op, "the group id"))?;
    // SAFETY: `client` is borrowed for the call; the request object is
    // created, handed over (librdkafka copies it) and destroyed by us; the
    // result is copied before its event drops.
    unsafe {
        let mut req = sys::rd_kafka_DeleteConsumerGroupOffsets_new(name.as_ptr(), list.0);
        let event = run_admin(
            op,
            client.native_ptr(),
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS,
            timeout,
            |rk, opts, q| sys::rd_kafka_DeleteConsumerGroupOffsets(rk, &mut req, 1, opts, q),
        );
        sys::rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
        let event = event?;
        let result = expect(
            op,
            sys::rd_kafka_event_DeleteConsumerGroupOffsets_result(event.0),
        )?;
        let mut n = 0usize;
        let groups = sys::rd_kafka_DeleteConsumerGroupOffsets_result_groups(result, &mut n);
        if n == 0 {
            return Err(OpError::new(op, ErrorKind::Internal, "an empty result"));
        }
        let g = *groups;
        match error_of(op, sys::rd_kafka_group_result_error(g)) {
            Some(e) => Err(e),
            None => Ok(partitions(op, sys::rd_kafka_group_result_partitions(g))),
        }
    }
}
