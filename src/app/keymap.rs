//! Keys as written in config files ("q", "ctrl-c", "pagedown") and the map
//! from keys to actions, one per key mode.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::{Deserialize, Deserializer};

use super::action::{Action, Mode};

/// A key with its modifiers, normalised so that "G" and shift-g are one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        // Terminals report shift with upper-case letters and back-tab; the
        // character already carries it.
        let modifiers = match code {
            KeyCode::Char(_) | KeyCode::BackTab => modifiers - KeyModifiers::SHIFT,
            _ => modifiers,
        };
        Key { code, modifiers }
    }

    pub fn from_event(ev: &KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }

    pub fn parse(s: &str) -> Result<Key, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = s;
        // "-" alone is the minus key; a trailing "-" after a modifier too.
        while let Some((head, tail)) = rest.split_once('-') {
            if tail.is_empty() {
                break;
            }
            match head.to_ascii_lowercase().as_str() {
                "ctrl" | "c" => modifiers |= KeyModifiers::CONTROL,
                "alt" | "a" | "m" | "meta" => modifiers |= KeyModifiers::ALT,
                "shift" | "s" => modifiers |= KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier {head:?} in key {s:?}")),
            }
            rest = tail;
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                let n: u8 = f[1..].parse().unwrap_or(1);
                if !(1..=12).contains(&n) {
                    return Err(format!("unknown key {s:?}"));
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("unknown key {s:?}")),
                }
            }
        };
        Ok(Key::new(code, modifiers))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        let s = String::deserialize(d)?;
        Key::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Keys to actions in one mode, plus the reverse for help and footer.
#[derive(Debug, Clone, Default)]
pub struct ModeMap {
    by_key: HashMap<Key, Action>,
    by_action: BTreeMap<Action, Vec<Key>>,
}

impl ModeMap {
    /// Replace the keys of each action named; later bindings of a key win.
    pub fn override_with(&mut self, bindings: &BTreeMap<Action, Vec<Key>>) {
        for (action, keys) in bindings {
            if let Some(old) = self.by_action.insert(*action, keys.clone()) {
                for k in old {
                    if self.by_key.get(&k) == Some(action) {
                        self.by_key.remove(&k);
                    }
                }
            }
            for k in keys {
                if let Some(prev) = self.by_key.insert(*k, *action) {
                    if prev != *action {
                        if let Some(v) = self.by_action.get_mut(&prev) {
                            v.retain(|x| x != k);
                        }
                    }
                }
            }
        }
    }
}

/// Bindings as a config file's `[keys]` table holds them: the normal
/// mode's at the top, the other modes in their own tables.
#[derive(Debug, Clone, Default)]
pub struct KeyBindings {
    pub text: BTreeMap<Action, Vec<Key>>,
    pub form: BTreeMap<Action, Vec<Key>>,
    pub confirm: BTreeMap<Action, Vec<Key>>,
    pub normal: BTreeMap<Action, Vec<Key>>,
}

// Written by hand rather than with `#[serde(flatten)]`: flatten buffers the
// table, and a bad key would be reported at the table's line, not its own.
impl<'de> Deserialize<'de> for KeyBindings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KeyBindings, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = KeyBindings;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of actions and their keys")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeyBindings, A::Error> {
                let mut b = KeyBindings::default();
                while let Some(name) = map.next_key::<String>()? {
                    match name.as_str() {
                        "text" => b.text = map.next_value()?,
                        "form" => b.form = map.next_value()?,
                        "confirm" => b.confirm = map.next_value()?,
                        _ => {
                            let action =
                                Action::deserialize(
                                    serde::de::value::StrDeserializer::<A::Error>::new(&name),
                                )?;
                            b.normal.insert(action, map.next_value()?);
                        }
                    }
                }
                Ok(b)
            }
        }
        d.deserialize_map(Visit)
    }
}

impl KeyBindings {
    pub fn mode(&self, mode: Mode) -> &BTreeMap<Action, Vec<Key>> {
        match mode {
            Mode::Normal => &self.normal,
            Mode::Text => &self.text,
            Mode::Form => &self.form,
            Mode::Confirm => &self.confirm,
        }
    }
}

/// Keys to actions, one map per mode.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    modes: BTreeMap<Mode, ModeMap>,
}

/// The built-in bindings (the [keys] tables of config/default.toml).
const DEFAULTS: &str = include_str!("../../config/default.toml");

impl Keymap {
    pub fn from_bindings(bindings: &KeyBindings) -> Keymap {
        let mut map = Keymap::default();
        map.override_with(bindings);
        map
    }

    /// The embedded default keymap.
    pub fn defaults() -> Keymap {
        #[derive(Deserialize)]
        struct File {
            keys: KeyBindings,
        }
        match toml::from_str::<File>(DEFAULTS) {
            Ok(f) => Keymap::from_bindings(&f.keys),
            // The embedded file is checked by a unit test; never reached.
            Err(_) => Keymap::default(),
        }
    }

    /// Replace the keys of each action named, mode by mode.
    pub fn override_with(&mut self, bindings: &KeyBindings) {
        for mode in Mode::ALL {
            self.modes
                .entry(mode)
                .or_default()
                .override_with(bindings.mode(mode));
        }
    }

    pub fn action(&self, mode: Mode, key: &KeyEvent) -> Option<Action> {
        self.modes
            .get(&mode)?
            .by_key
            .get(&Key::from_event(key))
            .copied()
    }

    pub fn keys(&self, mode: Mode, action: Action) -> &[Key] {
        self.modes
            .get(&mode)
            .and_then(|m| m.by_action.get(&action))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// "j/↓" style label of an action's keys in a mode.
    pub fn label(&self, mode: Mode, action: Action) -> String {
        self.keys(mode, action)
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_binds_every_action_it_lists() {
        let km = Keymap::defaults();
        for mode in Mode::ALL {
            for a in mode.actions() {
                assert!(
                    !km.keys(mode, *a).is_empty(),
                    "{a:?} has no key in {} mode",
                    mode.name()
                );
            }
        }
    }
}
