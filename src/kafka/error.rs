//! rdkafka's errors as `protocol::OpError`s: each names the operation, its
//! kind (decided by librdkafka's code, never by its words) and the code.

use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;

use super::diagnose::code_text;
use crate::protocol::{ErrorCode, ErrorKind, Op, OpError};

/// The librdkafka code of an error, admin errors included (rust-rdkafka's
/// `rdkafka_error_code` answers None for those).
pub(crate) fn error_code(e: &KafkaError) -> Option<RDKafkaErrorCode> {
    match e {
        KafkaError::AdminOp(code) => Some(*code),
        other => other.rdkafka_error_code(),
    }
}

pub(crate) fn code_of(code: RDKafkaErrorCode) -> ErrorCode {
    ErrorCode {
        code: code as i32,
        name: format!("{code:?}"),
    }
}

/// What a code means for the caller.
pub(crate) fn kind_of(code: RDKafkaErrorCode) -> ErrorKind {
    use RDKafkaErrorCode::*;
    match code {
        UnsupportedVersion | UnsupportedFeature | UnsupportedForMessageFormat | InvalidRequest => {
            ErrorKind::Unsupported
        }
        OperationTimedOut | RequestTimedOut | MessageTimedOut => ErrorKind::TimedOut,
        TopicAuthorizationFailed
        | GroupAuthorizationFailed
        | ClusterAuthorizationFailed
        | TransactionalIdAuthorizationFailed
        | DelegationTokenAuthorizationFailed => ErrorKind::Unauthorized,
        BrokerTransportFailure | AllBrokersDown | Resolve | BrokerNotAvailable => {
            ErrorKind::Unreachable
        }
        Authentication | SSL | SaslAuthenticationFailed => ErrorKind::Refused,
        UnknownTopicOrPartition | UnknownTopic | UnknownPartition | GroupIdNotFound => {
            ErrorKind::NotFound
        }
        InvalidArgument
        | InvalidConfig
        | InvalidPartitions
        | InvalidReplicationFactor
        | InvalidTopic => ErrorKind::Invalid,
        _ => ErrorKind::Broker,
    }
}

/// The words for a code: a missing ACL said plainly; a request never
/// answered names both likely causes, a broker (or group coordinator)
/// that is down or slow, and a request the cluster lacks.
fn words(code: RDKafkaErrorCode, detail: &str) -> String {
    // librdkafka's text for these ("LISTCONSUMERGROUPOFFSETS worker failed
    // to parse response: ... Not coordinator") names its internals; what
    // happened is a broker failing over, and it passes by itself.
    if is_coordinator_moving(code) {
        return format!("the group's coordinator is moving or not ready yet ({code:?})");
    }
    match kind_of(code) {
        ErrorKind::Unsupported => format!("not supported by this cluster ({detail})"),
        ErrorKind::TimedOut => format!(
            "no answer in time: a broker may be down or slow, or this cluster may not support the request (creel demo's mock cluster does not) ({detail})"
        ),
        ErrorKind::Unauthorized => code_text(code),
        _ => detail.to_string(),
    }
}

/// A group's coordinator moving or loading: an answer that passes by
/// itself, unlike an unsupported request or a missing ACL.
const COORDINATOR_MOVING: [RDKafkaErrorCode; 3] = [
    RDKafkaErrorCode::NotCoordinator,
    RDKafkaErrorCode::CoordinatorNotAvailable,
    RDKafkaErrorCode::CoordinatorLoadInProgress,
];

fn is_coordinator_moving(code: RDKafkaErrorCode) -> bool {
    COORDINATOR_MOVING.contains(&code)
}

/// The same, for an error already made an `OpError`.
pub(crate) fn coordinator_moving(e: &OpError) -> bool {
    e.code
        .as_ref()
        .is_some_and(|c| COORDINATOR_MOVING.iter().any(|k| *k as i32 == c.code))
}

/// An rdkafka error met while doing `op`.
pub(crate) fn op_error(op: Op, e: &KafkaError) -> OpError {
    match error_code(e) {
        Some(code) => {
            OpError::new(op, kind_of(code), words(code, &e.to_string())).with_code(code_of(code))
        }
        None => OpError::new(op, ErrorKind::Internal, e.to_string()),
    }
}

/// A partition's error in a result list (rust-rdkafka gives it as a
/// KafkaError).
pub(crate) fn op_error_code(op: Op, e: &KafkaError) -> OpError {
    op_error(op, e)
}

/// A bare code (a partition's error in a result list).
pub(crate) fn code_error(op: Op, code: RDKafkaErrorCode) -> OpError {
    OpError::new(op, kind_of(code), words(code, &code_text(code))).with_code(code_of(code))
}

/// A librdkafka response code as the FFI receives it, with its text.
pub(crate) fn sys_code_error(op: Op, err: rdkafka_sys::rd_kafka_resp_err_t, text: &str) -> OpError {
    let code = RDKafkaErrorCode::from(err);
    OpError::new(op, kind_of(code), words(code, text)).with_code(code_of(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moving_coordinator_is_said_in_words() {
        let e = sys_code_error(
            Op::GroupOffsets,
            rdkafka_sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
            "LISTCONSUMERGROUPOFFSETS worker failed to parse response: ListConsumerGroupOffsetsResponse response failure: Broker: Not coordinator",
        );
        assert_eq!(
            e.message,
            "the group's coordinator is moving or not ready yet (NotCoordinator)"
        );
        assert!(coordinator_moving(&e));
        let unsupported = code_error(Op::DescribeGroups, RDKafkaErrorCode::UnsupportedFeature);
        assert!(!coordinator_moving(&unsupported));
    }

    #[test]
    fn errors_are_kinded_by_code_and_worded_by_kind() {
        let e = op_error(
            Op::DescribeConfigs,
            &KafkaError::AdminOp(RDKafkaErrorCode::OperationTimedOut),
        );
        assert_eq!(e.kind, ErrorKind::TimedOut);
        assert!(
            e.message.starts_with(
                "no answer in time: a broker may be down or slow, or this cluster may not support"
            ),
            "{e}"
        );
        assert_eq!(
            e.code.as_ref().map(|c| c.name.as_str()),
            Some("OperationTimedOut")
        );
        let e = op_error(
            Op::AddPartitions,
            &KafkaError::AdminOp(RDKafkaErrorCode::UnsupportedFeature),
        );
        assert_eq!(e.kind, ErrorKind::Unsupported);
        assert!(
            e.message.starts_with("not supported by this cluster"),
            "{e}"
        );
        let e = code_error(Op::Purge, RDKafkaErrorCode::TopicAuthorizationFailed);
        assert_eq!(e.kind, ErrorKind::Unauthorized);
        assert_eq!(
            e.to_string(),
            "purge: not authorized: no ACL lets this user do that on the topic (TopicAuthorizationFailed)"
        );
        let e = op_error(
            Op::CreateTopic,
            &KafkaError::AdminOp(RDKafkaErrorCode::TopicAlreadyExists),
        );
        assert_eq!(e.kind, ErrorKind::Broker);
        assert!(
            e.message.contains("TopicAlreadyExists") || e.message.contains("already exists"),
            "{e}"
        );
    }
}
