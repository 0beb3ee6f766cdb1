//! The inline editor of a segment's text (`E` in the Transcript view): the cursor moves by
//! character (arrows) and word (Ctrl-arrows), Home/End; typing inserts, Backspace and Delete
//! remove, Ctrl-W takes back a word, Ctrl-U the text before the cursor, a paste is inserted
//! as one line; Enter saves (every coder's codings follow), Esc cancels.

use crate::tui::app::*;
use crate::tui::layout::{inert, wrap_str};
use crate::tui::popups::Overlay;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// The editor's state: the segment, its text as read, the text being edited and the cursor
/// (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub segment: usize,
    pub original: String,
    pub text: Vec<char>,
    pub cursor: usize,
}

impl Editor {
    pub fn new(segment: usize, text: &str) -> Editor {
        let chars: Vec<char> = text.chars().collect();
        Editor {
            segment,
            original: text.to_string(),
            cursor: chars.len(),
            text: chars,
        }
    }

    pub fn text(&self) -> String {
        self.text.iter().collect()
    }

    /// Inserts typed or pasted text as one line.
    pub fn insert(&mut self, s: &str) {
        for c in s.chars() {
            let c = if c.is_control() { ' ' } else { c };
            self.text.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    fn word_left(&self) -> usize {
        let mut i = self.cursor;
        while i > 0 && self.text[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !self.text[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    fn word_right(&self) -> usize {
        let n = self.text.len();
        let mut i = self.cursor;
        while i < n && !self.text[i].is_whitespace() {
            i += 1;
        }
        while i < n && self.text[i].is_whitespace() {
            i += 1;
        }
        i
    }

    /// Applies an editing key; false for keys the editor does not take.
    pub fn key(&mut self, k: KeyEvent) -> bool {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let alt = k.modifiers.contains(KeyModifiers::ALT);
        match k.code {
            KeyCode::Left if ctrl || alt => self.cursor = self.word_left(),
            KeyCode::Right if ctrl || alt => self.cursor = self.word_right(),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.text.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char('w') if ctrl => {
                let from = self.word_left();
                self.text.drain(from..self.cursor);
                self.cursor = from;
            }
            KeyCode::Char('u') if ctrl => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.text.remove(self.cursor);
            }
            KeyCode::Delete if self.cursor < self.text.len() => {
                self.text.remove(self.cursor);
            }
            KeyCode::Backspace | KeyCode::Delete => {}
            KeyCode::Char(c) if !ctrl => self.insert(&c.to_string()),
            _ => return false,
        }
        true
    }
}

impl App {
    /// Opens the editor on the segment at the cursor.
    pub(crate) fn open_editor(&mut self) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let Some(k) = t.segment_at(ts.cursor) else {
            return;
        };
        let text = t.segments[k].text.clone();
        self.overlay = Some(Overlay::Editor(Editor::new(k, &text)));
    }

    pub(crate) fn editor_key(&mut self, mut ed: Editor, k: KeyEvent) {
        match k.code {
            KeyCode::Esc => self.set_status("edit cancelled; nothing changed"),
            KeyCode::Enter => {
                let text = ed.text();
                if text == ed.original {
                    self.set_status("the text is unchanged");
                    return;
                }
                let edit = crate::ops::transcript_edit::Edit::Text {
                    segment: ed.segment,
                    text,
                };
                if !self.apply_transcript_edit(edit, Some(ed.original.clone())) {
                    // Refused: the editor stays open with what was typed.
                    self.overlay = Some(Overlay::Editor(ed));
                }
            }
            _ => {
                ed.key(k);
                self.overlay = Some(Overlay::Editor(ed));
            }
        }
    }

    pub(crate) fn draw_editor(&self, f: &mut Frame, area: Rect, ed: &Editor) {
        let width = area.width.saturating_sub(4).max(10);
        let inner_w = width.saturating_sub(2) as usize;
        // The text with the cursor as a reversed cell, wrapped to the box.
        let before: String = ed.text[..ed.cursor].iter().collect();
        let at: String = ed
            .text
            .get(ed.cursor)
            .map_or(" ".to_string(), |c| c.to_string());
        let after: String = ed
            .text
            .get(ed.cursor + 1..)
            .unwrap_or_default()
            .iter()
            .collect();
        let whole = format!("{before}{at}{after}");
        let rows = wrap_str(&whole, inner_w.max(1));
        let h = (rows.len() as u16 + 2)
            .min(area.height.saturating_sub(2))
            .max(3);
        let r = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + area.height.saturating_sub(h + 1),
            width,
            height: h,
        };
        f.render_widget(Clear, r);
        // Which row and column the cursor is on after wrapping.
        let mut seen = 0usize;
        let mut lines = Vec::new();
        let visible = h.saturating_sub(2) as usize;
        let cursor_row = {
            let mut acc = 0;
            let mut row = 0;
            for (i, l) in rows.iter().enumerate() {
                let n = l.chars().count();
                if ed.cursor < acc + n || i + 1 == rows.len() {
                    row = i;
                    break;
                }
                acc += n;
            }
            row
        };
        let skip = cursor_row.saturating_sub(visible.saturating_sub(1));
        for (i, l) in rows.iter().enumerate() {
            let n = l.chars().count();
            if i >= skip && i < skip + visible {
                let spans: Vec<Span> = l
                    .chars()
                    .enumerate()
                    .map(|(j, c)| {
                        let s = inert(&c.to_string()).into_owned();
                        if seen + j == ed.cursor {
                            Span::styled(s, Style::default().add_modifier(Modifier::REVERSED))
                        } else {
                            Span::raw(s)
                        }
                    })
                    .collect();
                lines.push(Line::from(spans));
            }
            seen += n;
        }
        let title = format!(
            " edit segment {} · Enter save (codings follow) · Esc cancel · Ctrl-W word · Ctrl-U start ",
            ed.segment
        );
        f.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
            r,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_editor_moves_by_character_and_word_and_edits() {
        let mut e = Editor::new(0, "I was afriad then");
        assert_eq!(e.cursor, 17);
        e.key(KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
        e.key(KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
        assert_eq!(e.cursor, 6);
        for _ in 0..3 {
            e.key(k(KeyCode::Right));
        }
        e.key(k(KeyCode::Delete));
        e.key(k(KeyCode::Right));
        e.insert("i");
        assert_eq!(e.text(), "I was afraid then");
        e.key(k(KeyCode::End));
        e.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(e.text(), "I was afraid ");
        e.insert("now\nreally");
        assert_eq!(e.text(), "I was afraid now really", "a paste is one line");
        e.key(k(KeyCode::Home));
        e.key(k(KeyCode::Backspace));
        assert_eq!(e.cursor, 0);
        e.key(KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL));
        e.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(e.text(), "was afraid now really");
    }
}
