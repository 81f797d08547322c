pub mod brokers;
pub mod group_detail;
pub mod groups;
pub mod message_detail;
pub mod messages;
pub mod search;
pub mod topic_detail;
pub mod topics;
