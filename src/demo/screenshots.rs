//! `creel demo --screenshots DIR`: the pictures in screenshots/, taken from
//! the demo's own data. The real worker talks to the demo cluster; the app
//! is driven the way keys drive it, and each screen is drawn off-screen
//! (ratatui's TestBackend) and written as SVG.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::app::screens::Loadable;
use crate::app::{commands_of, Action, App, Output, ScreenId};
use crate::config::Settings;
use crate::kafka::{spawn_worker, WorkerHandle};
use crate::model::StartAt;

/// Every picture `capture` writes, in order.
pub const NAMES: [&str; 16] = [
    "topics",
    "topics-filter",
    "topic-partitions",
    "topic-configs",
    "brokers",
    "messages",
    "search-bar",
    "search",
    "message-json",
    "produce",
    "groups",
    "group-partitions",
    "group-chart",
    "messages-avro",
    "schemas",
    "help",
];

const WIDTH: u16 = 120;
const HEIGHT: u16 = 30;

struct Session<'a> {
    app: App,
    worker: WorkerHandle,
    settings: &'a Settings,
    dir: &'a Path,
    written: Vec<PathBuf>,
}

impl Session<'_> {
    async fn send(&mut self, outputs: Vec<Output>) -> anyhow::Result<()> {
        for c in commands_of(&outputs) {
            self.worker.commands.send(c).await?;
        }
        Ok(())
    }

    /// Apply the worker's events until `done` holds.
    async fn until(
        &mut self,
        what: &str,
        secs: u64,
        done: impl Fn(&App) -> bool,
    ) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while !done(&self.app) {
            match tokio::time::timeout_at(deadline, self.worker.events.recv()).await {
                Ok(Some(ev)) => {
                    let out = self.app.apply(ev);
                    self.send(out).await?;
                }
                Ok(None) => bail!("the worker stopped while waiting for {what}"),
                Err(_) => bail!("no {what} within {secs} s"),
            }
            self.app.shared.now = chrono::Local::now();
        }
        Ok(())
    }

    async fn key(&mut self, action: Action) -> anyhow::Result<()> {
        let out = self.app.press(action);
        self.send(out).await
    }

    async fn command(&mut self, text: &str) -> anyhow::Result<()> {
        self.app.press(Action::Command);
        self.app.type_text(text);
        let out = self.app.press(Action::Submit);
        self.send(out).await
    }

    fn shot(&mut self, name: &str) -> anyhow::Result<()> {
        self.app.shared.now = chrono::Local::now();
        self.app.shared.page_size = crate::app::page_size(HEIGHT);
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
        terminal.draw(|f| self.app.draw(f))?;
        let svg = crate::ui::svg::buffer_to_svg(terminal.backend().buffer());
        let path = self.dir.join(format!("{name}.svg"));
        std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
        self.written.push(path);
        Ok(())
    }
}

/// Take every screenshot; returns the files written.
pub fn capture(settings: &Settings, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let written = rt.block_on(async {
        let worker = spawn_worker(settings)?;
        let mut app = App::new(
            &settings.profile_name,
            &settings.bootstrap_servers,
            chrono::Local::now(),
        );
        app.shared.lag = crate::app::LagBook::new(settings.lag_window);
        app.shared.keymap = settings.keymap.clone();
        app.shared.decoders = worker.decoders.clone();
        let mut s = Session {
            app,
            worker,
            settings,
            dir,
            written: vec![],
        };
        run(&mut s).await?;
        s.worker.shutdown();
        Ok::<_, anyhow::Error>(s.written)
    })?;
    rt.shutdown_timeout(Duration::from_millis(300));
    Ok(written)
}

async fn run(s: &mut Session<'_>) -> anyhow::Result<()> {
    s.until("topic table", 30, |a| {
        a.shared
            .snapshot
            .as_ref()
            .is_some_and(|x| x.watermarks_complete)
    })
    .await?;
    s.shot("topics")?;

    s.key(Action::Filter).await?;
    s.app.type_text("pay|ship");
    s.shot("topics-filter")?;
    s.key(Action::Cancel).await?;

    s.app.select_topic("orders");
    s.key(Action::Open).await?;
    s.shot("topic-partitions")?;
    s.key(Action::NextTab).await?;
    s.key(Action::NextTab).await?;
    s.until("configs answer", 20, |a| {
        a.screens
            .topics
            .detail
            .as_ref()
            .is_some_and(|d| !matches!(d.configs, Loadable::Loading))
    })
    .await?;
    s.shot("topic-configs")?;
    s.key(Action::Back).await?;

    s.app.screen = ScreenId::Brokers;
    s.shot("brokers")?;
    s.app.screen = ScreenId::Topics;

    // Messages: the last 100 of each partition of orders.
    s.app.select_topic("orders");
    let out = s.app.open_messages("orders", None, StartAt::LastN(100));
    s.send(out).await?;
    s.until("messages", 20, |a| {
        a.explorer()
            .is_some_and(|e| e.loading.is_none() && !e.messages.is_empty())
    })
    .await?;
    s.shot("messages")?;

    // Search for the planted order, then open it.
    s.app.screen = ScreenId::Topics;
    s.app.select_topic("orders");
    s.command(&format!("search {}", super::PLANTED_ORDER))
        .await?;
    s.shot("search-bar")?;
    s.key(Action::Submit).await?;
    s.until("search result", 30, |a| {
        a.screens.search.view.as_ref().is_some_and(|x| !x.running())
    })
    .await?;
    s.shot("search")?;
    s.key(Action::Open).await?;
    s.until("the match, opened", 20, |a| {
        a.screens.messages.detail.is_some()
    })
    .await?;
    s.shot("message-json")?;

    // Produce one order from the shipped template.
    s.app.screen = ScreenId::Topics;
    s.app.select_topic("orders");
    s.key(Action::Produce).await?;
    s.key(Action::Template).await?;
    s.key(Action::Send).await?;
    s.until("delivery report", 30, |a| {
        a.screens
            .produce
            .view
            .as_ref()
            .and_then(|p| p.run.as_ref())
            .is_some_and(|r| !r.running())
    })
    .await?;
    s.shot("produce")?;
    s.key(Action::Cancel).await?;

    // Groups: wait for the lag window to fill so every status shows.
    s.app.screen = ScreenId::Groups;
    s.app.shared.status = None;
    let window = s.settings.lag_window;
    s.until("group statuses", 90, move |a| {
        let groups = a.shared.group_list();
        groups.len() >= 3 && groups.iter().all(|g| a.shared.lag.samples(&g.id) >= window)
    })
    .await?;
    s.shot("groups")?;
    let groups = &mut s.app.screens.groups;
    let behind = groups
        .view
        .visible
        .iter()
        .position(|&i| s.app.shared.group_list()[i].id == super::GROUP_BEHIND)
        .unwrap_or(0);
    groups.view.cursor.selected = behind;
    s.key(Action::Open).await?;
    s.shot("group-partitions")?;
    s.key(Action::NextTab).await?;
    s.key(Action::NextTab).await?;
    s.shot("group-chart")?;
    s.key(Action::Back).await?;

    // Schema Registry: the Avro returns decoded, and the Schemas screen
    // with their value subject open.
    s.app.screen = ScreenId::Topics;
    let returns = super::schemas::RETURNS;
    s.app.select_topic(returns);
    let out = s.app.open_messages(returns, None, StartAt::LastN(100));
    s.send(out).await?;
    s.until("decoded returns", 30, |a| {
        let (Some(e), Some(d)) = (a.explorer(), a.shared.decoders.as_ref()) else {
            return false;
        };
        e.loading.is_none()
            && !e.messages.is_empty()
            && e.messages.iter().all(|m| {
                matches!(
                    d.decode_now(returns, crate::schema::Part::Value, m.value.as_deref()),
                    crate::schema::Decoding::Decoded { .. }
                )
            })
    })
    .await?;
    s.shot("messages-avro")?;
    s.command("schemas").await?;
    s.until("subjects", 20, |a| {
        matches!(
            a.screens.schemas.list,
            Some(crate::app::screens::Loadable::Loaded(_))
        )
    })
    .await?;
    for _ in 0..20 {
        let here = s.app.screens.schemas.current().map(|r| r.subject.clone());
        if here.as_deref() == Some("returns-value") {
            break;
        }
        s.key(Action::Down).await?;
    }
    s.key(Action::Open).await?;
    s.until("the subject", 20, |a| a.screens.schemas.shown().is_some())
        .await?;
    s.shot("schemas")?;

    s.app.screen = ScreenId::Topics;
    s.key(Action::Help).await?;
    s.shot("help")?;
    s.key(Action::Help).await?;
    Ok(())
}
