//! Values that must never be shown (secrets from the config), and the one
//! function that removes them from any text before it is printed, logged
//! or drawn. Kept apart from config so that every layer can use it.

use std::borrow::Cow;
use std::sync::RwLock;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Remember values that must never be shown. Very short values are left
/// out: replacing "1" everywhere would garble every number on screen.
pub fn remember(values: impl IntoIterator<Item = String>) {
    if let Ok(mut s) = SECRETS.write() {
        for v in values {
            if v.chars().count() >= 4 && !s.contains(&v) {
                s.push(v);
            }
        }
        // Longest first, so a secret holding another is replaced whole.
        s.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }
}

/// `text` with every remembered secret replaced by "•••".
pub fn redact(text: &str) -> Cow<'_, str> {
    let Ok(secrets) = SECRETS.read() else {
        return text.into();
    };
    if !secrets.iter().any(|s| text.contains(s.as_str())) {
        return text.into();
    }
    let mut out = text.to_string();
    for s in secrets.iter() {
        out = out.replace(s.as_str(), "•••");
    }
    out.into()
}
