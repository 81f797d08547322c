//! One way to run Kafka work. Every job has a kind, a generation (a job
//! that supersedes cancels the running ones of its kind, so the latest
//! request wins), a cancellation token, and a deadline (none for a live
//! read or a bulk send). Jobs run their blocking librdkafka calls on
//! tokio's blocking pool, which the runtime bounds; a job that misses its
//! deadline is abandoned (its thread ends on its own) and the user hears of
//! it at once through the event the job named for that case. A job reports
//! what it finds itself, through `Job::send`, which drops the report of a
//! job that was cancelled or timed out: a late answer never overwrites a
//! newer one.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::protocol::Event;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// librdkafka's callbacks (statistics, errors), served for the worker's
    /// life.
    Callbacks,
    Topics,
    Groups,
    Configs,
    Read,
    Search,
    Produce,
    Admin,
    PlanReset,
}

/// How a job runs.
pub struct JobSpec {
    pub kind: JobKind,
    /// Cancel the running jobs of this kind first.
    pub supersede: bool,
    pub deadline: Option<Duration>,
    /// Sent when the deadline passes (the job's own report never comes).
    pub on_timeout: Option<Event>,
}

/// What a running job knows about itself.
pub struct Job {
    pub generation: u64,
    pub cancel: CancellationToken,
    /// Cancelled when the whole worker stops (the app quits), not just
    /// this job: a send then waits less for its last reports.
    pub quitting: CancellationToken,
    events: mpsc::Sender<Event>,
}

impl Job {
    /// A job outside the worker's runtime (a headless read), reporting to
    /// `events`.
    pub fn standalone(events: mpsc::Sender<Event>, cancel: CancellationToken) -> Job {
        Job {
            generation: 0,
            cancel,
            quitting: CancellationToken::new(),
            events,
        }
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Report to the app (blocking: jobs run on blocking threads). False
    /// when the job was cancelled or the app is gone: stop then.
    pub fn send(&self, event: Event) -> bool {
        !self.cancel.is_cancelled() && self.events.blocking_send(event).is_ok()
    }

    /// For callbacks that must not block (librdkafka's own threads).
    pub fn events(&self) -> mpsc::Sender<Event> {
        self.events.clone()
    }
}

/// A job ended: whether it did what it was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    pub kind: JobKind,
    pub generation: u64,
    pub ok: bool,
}

/// The jobs running, and the way they start.
pub struct Jobs {
    shutdown: CancellationToken,
    events: mpsc::Sender<Event>,
    finished: mpsc::Sender<Finished>,
    next: u64,
    running: Vec<(JobKind, u64, CancellationToken)>,
}

impl Jobs {
    pub fn new(
        shutdown: CancellationToken,
        events: mpsc::Sender<Event>,
    ) -> (Jobs, mpsc::Receiver<Finished>) {
        let (finished, rx) = mpsc::channel(64);
        (
            Jobs {
                shutdown,
                events,
                finished,
                next: 0,
                running: vec![],
            },
            rx,
        )
    }

    /// Start `work` as the newest job of its kind; returns its generation.
    /// `work` returns whether it succeeded.
    pub fn spawn<F>(&mut self, spec: JobSpec, work: F) -> u64
    where
        F: FnOnce(&Job) -> bool + Send + 'static,
    {
        if spec.supersede {
            self.cancel(spec.kind);
        }
        self.next += 1;
        let generation = self.next;
        let cancel = self.shutdown.child_token();
        self.running.push((spec.kind, generation, cancel.clone()));
        let job = Job {
            generation,
            cancel: cancel.clone(),
            quitting: self.shutdown.clone(),
            events: self.events.clone(),
        };
        let task = tokio::task::spawn_blocking(move || work(&job));
        let (finished, events) = (self.finished.clone(), self.events.clone());
        let kind = spec.kind;
        tokio::spawn(async move {
            let deadline = spec.deadline.map(|d| tokio::time::Instant::now() + d);
            let ok = tokio::select! {
                r = task => r.unwrap_or(false),
                _ = until(deadline) => {
                    // Abandoned: its report would come late, so it is
                    // dropped, and the user hears of the timeout now.
                    cancel.cancel();
                    if let Some(ev) = spec.on_timeout {
                        let _ = events.send(ev).await;
                    }
                    false
                }
            };
            let _ = finished
                .send(Finished {
                    kind,
                    generation,
                    ok,
                })
                .await;
        });
        generation
    }

    /// Cancel every running job of `kind`.
    pub fn cancel(&mut self, kind: JobKind) {
        for (k, _, t) in &self.running {
            if *k == kind {
                t.cancel();
            }
        }
    }

    /// A job ended: forget it.
    pub fn ended(&mut self, f: &Finished) {
        self.running.retain(|(_, g, _)| *g != f.generation);
    }

    #[cfg(test)]
    pub fn running(&self, kind: JobKind) -> usize {
        self.running
            .iter()
            .filter(|(k, _, t)| *k == kind && !t.is_cancelled())
            .count()
    }
}

async fn until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ErrorKind, Op, OpError};

    fn configs_timeout() -> Event {
        Event::TopicConfigs {
            topic: "t".into(),
            result: Err(OpError::new(
                Op::DescribeConfigs,
                ErrorKind::TimedOut,
                "late",
            )),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_latest_job_of_a_kind_wins_and_a_late_one_is_dropped() {
        let (tx, mut rx) = mpsc::channel(16);
        let (mut jobs, mut done) = Jobs::new(CancellationToken::new(), tx);
        let spec = || JobSpec {
            kind: JobKind::Configs,
            supersede: true,
            deadline: None,
            on_timeout: None,
        };
        // The first job is slow; the second supersedes it.
        let first = jobs.spawn(spec(), |job| {
            std::thread::sleep(Duration::from_millis(300));
            job.send(Event::RefreshStarted { generation: 1 })
        });
        let second = jobs.spawn(spec(), |job| {
            job.send(Event::RefreshStarted { generation: 2 })
        });
        assert!(second > first);
        let mut ended = vec![];
        for _ in 0..2 {
            let f = done.recv().await.unwrap();
            jobs.ended(&f);
            ended.push((f.generation, f.ok));
        }
        ended.sort();
        assert_eq!(ended, [(first, false), (second, true)]);
        // Only the second job's report reached the app.
        assert!(matches!(
            rx.recv().await,
            Some(Event::RefreshStarted { generation: 2 })
        ));
        assert!(rx.try_recv().is_err());
        assert_eq!(jobs.running(JobKind::Configs), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_past_its_deadline_is_said_at_once_and_its_report_dropped() {
        let (tx, mut rx) = mpsc::channel(16);
        let (mut jobs, mut done) = Jobs::new(CancellationToken::new(), tx);
        let started = std::time::Instant::now();
        jobs.spawn(
            JobSpec {
                kind: JobKind::Configs,
                supersede: true,
                deadline: Some(Duration::from_millis(100)),
                on_timeout: Some(configs_timeout()),
            },
            |job| {
                std::thread::sleep(Duration::from_millis(600));
                job.send(Event::RefreshStarted { generation: 9 })
            },
        );
        let ev = rx.recv().await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(500), "at once");
        assert!(
            matches!(ev, Event::TopicConfigs { result: Err(ref e), .. } if e.kind == ErrorKind::TimedOut)
        );
        let f = done.recv().await.unwrap();
        assert!(!f.ok);
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(rx.try_recv().is_err(), "the late report is dropped");
    }
}
