pub mod brokers;
pub mod topic_detail;
pub mod topics;
