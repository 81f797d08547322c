//! A read for a headless command (`creel tail`): no worker, one consumer
//! on a thread of its own, and at most a few batches between it and the
//! printer, so memory does not grow when printing is slower than reading.

use super::jobs::Job;
use super::reader::{read_job, SkipList};
use crate::protocol::{Event, ReadRequest};

/// The read's reports, and how to stop it.
pub struct HeadlessRead {
    pub events: tokio::sync::mpsc::Receiver<Event>,
    pub cancel: tokio_util::sync::CancellationToken,
}

pub fn read_headless(settings: &crate::config::Settings, req: ReadRequest) -> HeadlessRead {
    let (tx, events) = tokio::sync::mpsc::channel(4);
    let cancel = tokio_util::sync::CancellationToken::new();
    let job = Job::standalone(tx, cancel.clone());
    let base = super::client::client_config(settings);
    std::thread::spawn(move || read_job(&job, &base, req, &SkipList::default()));
    HeadlessRead { events, cancel }
}
