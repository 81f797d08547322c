use super::*;
use crate::app::fixtures;
use crate::app::fixtures::sent;
use crate::app::{Action, Edit, Overlay, ScreenId};
use crate::protocol::Command;

fn typed(form: &mut SearchForm, text: &str) {
    for c in text.chars() {
        form.edit(Edit::Insert(c));
    }
}

#[test]
fn the_bar_checks_the_pattern_as_it_is_typed_and_keeps_it_on_error() {
    let mut app = fixtures::search_bar("ORD-(");
    let Some(Overlay::SearchBar(form)) = app.overlays.last() else {
        panic!("the bar is open")
    };
    assert_eq!(form.topic, "orders");
    let err = form.pattern_error.clone().expect("shown before sending");
    assert_eq!(err.column, Some(5));
    // Enter sends nothing and keeps what was typed.
    assert!(sent(app.press(Action::Submit)).is_empty());
    let Some(Overlay::SearchBar(form)) = app.overlays.last() else {
        panic!("still open")
    };
    assert_eq!(form.pattern.text, "ORD-(");
    assert_eq!(form.focus, SearchField::Pattern);
    assert!(app.screens.search.view.is_none());
}

#[test]
fn every_field_is_checked_before_anything_is_sent() {
    let mut form = SearchForm::new("orders", None);
    typed(&mut form, "x");
    let now = 1_800_000_000_000;
    for (field, text, want) in [
        (SearchField::Partitions, "0,a", "partition"),
        (SearchField::From, "yesterday", "RFC 3339"),
        (SearchField::To, "-100", "offset, a time"),
        (SearchField::MaxMatches, "lots", "count"),
    ] {
        let mut f = form.clone();
        f.focus = field;
        f.edit(Edit::Clear);
        f.edit(Edit::End);
        while f.line(field).is_some_and(|l| !l.text.is_empty()) {
            f.edit(Edit::Backspace);
        }
        typed(&mut f, text);
        let (bad, msg) = f.build(1, now).unwrap_err();
        assert_eq!(bad, field);
        assert!(msg.contains(want), "{field:?}: {msg}");
    }
    let mut f = form.clone();
    f.focus = SearchField::Partitions;
    while !f.partitions.text.is_empty() {
        f.edit(Edit::Backspace);
    }
    typed(&mut f, "0-2,5");
    f.focus = SearchField::MaxScanned;
    typed(&mut f, "10k");
    f.focus = SearchField::To;
    f.edit(Edit::Clear);
    while !f.to.text.is_empty() {
        f.edit(Edit::Backspace);
    }
    typed(&mut f, "-15m");
    let (req, _) = f.build(7, now).unwrap();
    assert_eq!(req.partitions, Some(vec![0, 1, 2, 5]));
    assert_eq!(req.max_scanned, Some(10_000));
    assert_eq!(req.max_matches, Some(DEFAULT_MAX_MATCHES));
    assert_eq!(req.from, crate::model::StartAt::Beginning);
    assert_eq!(req.to, Some(crate::model::StartAt::Time(now - 900_000)));
    assert_eq!(req.session, 7);
}

#[test]
fn choices_change_with_space_and_arrows_and_tab_walks_the_fields() {
    let mut f = SearchForm::new("t", None);
    f.edit(Edit::NextField);
    assert_eq!(f.focus, SearchField::In);
    f.edit(Edit::Insert(' '));
    assert_eq!(f.target, SearchIn::Key);
    f.edit(Edit::Left);
    f.edit(Edit::Left);
    assert_eq!(f.target, SearchIn::HeaderValues);
    f.edit(Edit::Left);
    assert_eq!(f.target, SearchIn::HeaderNames);
    f.edit(Edit::Left);
    assert_eq!(f.target, SearchIn::Headers);
    f.edit(Edit::NextField);
    f.edit(Edit::Insert(' '));
    assert!(f.ignore_case);
    f.edit(Edit::NextField);
    f.edit(Edit::Right);
    assert!(f.invert);
    f.edit(Edit::PrevField);
    f.edit(Edit::PrevField);
    f.edit(Edit::PrevField);
    assert_eq!(f.focus, SearchField::Pattern);
    f.edit(Edit::PrevField);
    assert_eq!(f.focus, SearchField::Order, "wraps around");
}

#[test]
fn enter_starts_the_search_and_esc_cancels_it_keeping_matches() {
    let mut app = fixtures::search_bar("ORD-");
    let cmds = sent(app.press(Action::Submit));
    assert_eq!(app.screen, ScreenId::Search);
    let [Command::Search(req)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(req.topic, "orders");
    assert_eq!(
        req.preview,
        Some(PREVIEW_BYTES),
        "the list keeps previews only"
    );
    let mut app = fixtures::search_running(false);
    assert!(app.screens.search.view.as_ref().unwrap().running());
    assert_eq!(sent(app.press(Action::Back)), vec![Command::CancelSearch]);
    let s = app.screens.search.view.as_ref().unwrap();
    assert_eq!(s.outcome, Some(SearchOutcome::Cancelled));
    assert_eq!(s.hits.len(), 4);
    // A late report from the worker adds its matches but keeps the word.
    let session = s.request.session;
    app.apply(crate::protocol::Event::SearchDone {
        session,
        outcome: SearchOutcome::Completed,
        scanned: 1,
        matched: 4,
        elapsed_ms: 1,
        scanners_open: 0,
    });
    assert_eq!(
        app.screens.search.view.as_ref().unwrap().outcome,
        Some(SearchOutcome::Cancelled)
    );
    assert!(sent(app.press(Action::Back)).is_empty());
    assert_eq!(app.screen, ScreenId::Topics);
}

#[test]
fn progress_counts_per_partition_rate_and_time_left() {
    let app = fixtures::search_running(false);
    let s = app.screens.search.view.as_ref().unwrap();
    assert_eq!(s.total(), 240_000);
    assert_eq!(s.scanned, 144_000);
    assert_eq!(s.partition_progress(&s.spans[3]), (12_000, 40_000));
    assert_eq!(s.rate(), Some(160_000.0));
    assert_eq!(s.eta_secs(), Some(0.6));
    // Results from older searches are ignored.
    let mut app = app;
    app.apply(crate::protocol::Event::SearchProgress {
        session: 999,
        positions: vec![],
        scanned: 1,
        elapsed_ms: 1,
        hits: vec![],
        error: None,
    });
    assert_eq!(app.screens.search.view.as_ref().unwrap().scanned, 144_000);
}

#[test]
fn matches_are_listed_in_time_order_either_way() {
    let mut app = fixtures::search_running(true);
    let offsets = |app: &crate::app::App| -> Vec<i64> {
        let s = app.screens.search.view.as_ref().unwrap();
        (0..s.hits.len())
            .map(|i| s.row(i).unwrap().message.offset)
            .collect()
    };
    assert_eq!(offsets(&app), [1_204, 8_812, 20_377, 31_090]);
    sent(app.press(Action::Down));
    sent(app.press(Action::SortNext));
    assert_eq!(offsets(&app), [31_090, 20_377, 8_812, 1_204]);
    let s = app.screens.search.view.as_ref().unwrap();
    assert_eq!(
        s.selected().unwrap().message.offset,
        8_812,
        "the cursor stays on its match"
    );
}

#[test]
fn opening_a_match_reads_it_again_with_its_neighbours() {
    let mut app = fixtures::search_running(true);
    sent(app.press(Action::Down));
    let cmds = sent(app.press(Action::Open));
    let [Command::ReadMessages(req)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(req.partitions, Some(vec![3]));
    assert_eq!(
        req.start,
        crate::protocol::ReadStart::At(crate::model::StartAt::Offset(8_762))
    );
    assert_eq!(app.screen, ScreenId::Messages);
    let ex = app.explorer().unwrap();
    assert!(ex.highlight.is_some());
    assert_eq!(ex.return_to, ScreenId::Search);
    // When the match arrives, it is selected and opened.
    let session = ex.session;
    let batch = (8_762..8_830)
        .map(|o| crate::model::Message {
            partition: 3,
            offset: o,
            timestamp: Some(o),
            timestamp_kind: crate::model::TimestampKind::Create,
            key: None,
            value: Some(format!("ORD-{o}").into_bytes()),
            headers: vec![],
        })
        .collect();
    app.apply(crate::protocol::Event::Messages {
        session,
        kind: crate::protocol::ReadKind::Initial,
        batch,
    });
    let ex = app.explorer().unwrap();
    assert_eq!(ex.selected().unwrap().offset, 8_812);
    assert!(app.screens.messages.detail.is_some());
    // Esc: straight back to the matches, where it was opened from.
    sent(app.press(Action::Back));
    assert_eq!(app.screen, ScreenId::Search);
}

/// #13: after Enter on a match and Esc, `m` opened the start picker on the
/// message stream instead of showing the match there.
#[test]
fn esc_from_an_opened_match_returns_to_the_matches_where_m_shows_it_in_the_stream() {
    use crate::app::fixtures::key;
    let mut app = fixtures::search_running(true);
    let hit = app.screens.search.view.as_ref().unwrap().hits[0].clone();
    key(&mut app, "enter");
    let session = app.explorer().unwrap().session;
    app.apply(crate::protocol::Event::Messages {
        session,
        kind: crate::protocol::ReadKind::Initial,
        batch: vec![hit.message.clone()],
    });
    assert!(app.screens.messages.detail.is_some(), "the match is open");
    key(&mut app, "esc");
    assert_eq!(app.screen, ScreenId::Search);
    assert!(app.overlays.is_empty());
    let cmds = key(&mut app, "m");
    assert_eq!(app.screen, ScreenId::Messages);
    assert!(app.overlays.is_empty(), "no start picker over the stream");
    assert!(
        app.screens.messages.detail.is_none(),
        "the list, not the detail"
    );
    assert!(
        matches!(cmds.as_slice(), [Command::ReadMessages(r)] if r.partitions.as_deref() == Some(&[hit.message.partition][..]))
    );
    key(&mut app, "esc");
    assert_eq!(
        app.screen,
        ScreenId::Search,
        "and Esc goes back to the matches"
    );
}
