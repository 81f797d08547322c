//! The one-line editor used by the prompts, the search bar and the
//! produce form's one-line fields.

use super::action::Action;
use super::component::Input;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
    /// The whole text is selected (a prefilled value, a number field just
    /// entered): typing replaces it, Backspace clears it, a move keeps it.
    pub selected: bool,
}

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// ctrl-w: delete the word before the cursor.
    DeleteWord,
    /// ctrl-u: delete everything before the cursor.
    Clear,
    /// Tab / Down in a form: the next field (a one-line prompt ignores it).
    NextField,
    /// Shift-Tab / Up in a form: the previous field.
    PrevField,
}

impl LineInput {
    pub fn with_text(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
            selected: false,
        }
    }

    /// Select the whole text, so that the next key typed replaces it.
    pub fn select_all(&mut self) {
        self.selected = !self.text.is_empty();
        self.cursor = self.text.chars().count();
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    pub fn edit(&mut self, edit: Edit) {
        if std::mem::take(&mut self.selected) {
            match edit {
                Edit::Insert(_) => {
                    self.text.clear();
                    self.cursor = 0;
                }
                Edit::Backspace | Edit::Delete | Edit::DeleteWord | Edit::Clear => {
                    self.text.clear();
                    self.cursor = 0;
                    return;
                }
                _ => {}
            }
        }
        let len = self.text.chars().count();
        match edit {
            Edit::Insert(c) => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            Edit::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            Edit::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::DeleteWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
            }
            Edit::Clear => {
                let b = self.byte_at(self.cursor);
                self.text.replace_range(..b, "");
                self.cursor = 0;
            }
            _ => {}
        }
    }
}

/// What a typing-mode input does to a line, if anything.
pub fn edit_of(input: &Input) -> Option<Edit> {
    Some(match input {
        Input::Char(c) => Edit::Insert(*c),
        Input::Action(a) => match a {
            Action::Left => Edit::Left,
            Action::Right => Edit::Right,
            Action::Home => Edit::Home,
            Action::End => Edit::End,
            Action::Backspace => Edit::Backspace,
            Action::Delete => Edit::Delete,
            Action::DeleteWord => Edit::DeleteWord,
            Action::ClearLine => Edit::Clear,
            Action::NextField => Edit::NextField,
            Action::PrevField => Edit::PrevField,
            _ => return None,
        },
        Input::Key(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_respect_multibyte_chars() {
        let mut l = LineInput::default();
        for c in "héllo wörld".chars() {
            l.edit(Edit::Insert(c));
        }
        l.edit(Edit::DeleteWord);
        assert_eq!(l.text, "héllo ");
        l.edit(Edit::Backspace);
        l.edit(Edit::Left);
        l.edit(Edit::Backspace);
        assert_eq!(l.text, "hélo");
        l.edit(Edit::Home);
        l.edit(Edit::Delete);
        assert_eq!(l.text, "élo");
        l.edit(Edit::End);
        l.edit(Edit::Insert('!'));
        assert_eq!(l.text, "élo!");
        l.edit(Edit::Left);
        l.edit(Edit::Clear);
        assert_eq!(l.text, "!");
    }
}
