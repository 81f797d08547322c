//! Keys to actions: through the keymap normally, as text while a prompt is
//! open.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{App, Edit};
use crate::config::Keymap;
use crate::protocol::Command;

pub fn on_key(app: &mut App, keymap: &Keymap, key: KeyEvent) -> Vec<Command> {
    if key.kind == KeyEventKind::Release {
        return vec![];
    }
    if app.prompt.is_some() {
        return on_prompt_key(app, key);
    }
    if app.screen == crate::app::Screen::Produce && app.produce.is_some() && app.help.is_none() {
        return on_produce_key(app, key);
    }
    app.status = None;
    match keymap.action(&key) {
        Some(action) => app.update(action),
        None => vec![],
    }
}

fn on_prompt_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // A y/n dialog answers to y and n.
    if let Some(crate::app::Prompt::Confirm(c)) = &app.prompt {
        if c.op.typed_name().is_none() && c.plan.is_none() {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => return app.submit_prompt(),
                KeyCode::Char('n') | KeyCode::Char('N') => {
                    app.cancel_prompt();
                    return vec![];
                }
                _ => {}
            }
        }
    }
    let edit = match key.code {
        KeyCode::Enter => return app.submit_prompt(),
        KeyCode::Esc => {
            app.cancel_prompt();
            return vec![];
        }
        KeyCode::Char('c') if ctrl => {
            app.cancel_prompt();
            return vec![];
        }
        KeyCode::Char('w') if ctrl => Edit::DeleteWord,
        KeyCode::Char('u') if ctrl => Edit::Clear,
        KeyCode::Char('a') if ctrl => Edit::Home,
        KeyCode::Char('e') if ctrl => Edit::End,
        KeyCode::Char(c) if !ctrl => Edit::Insert(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Tab | KeyCode::Down => Edit::NextField,
        KeyCode::BackTab | KeyCode::Up => Edit::PrevField,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        _ => return vec![],
    };
    app.edit_prompt(edit);
    vec![]
}

/// The produce form takes text: only these keys are its own.
fn on_produce_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    use crate::app::produce::ProduceKey;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    app.status = None;
    let k = match key.code {
        KeyCode::Char('s') if ctrl => ProduceKey::Send,
        KeyCode::Char('p') if ctrl => ProduceKey::Pretty,
        KeyCode::Char('t') if ctrl => ProduceKey::Template,
        KeyCode::Char('r') if ctrl => ProduceKey::Recall,
        KeyCode::Char('c') if ctrl => {
            app.should_quit = true;
            return vec![];
        }
        KeyCode::Tab => ProduceKey::NextField,
        KeyCode::BackTab => ProduceKey::PrevField,
        KeyCode::Esc => ProduceKey::Leave,
        _ => ProduceKey::Input(key.into()),
    };
    app.produce_key(k)
}
