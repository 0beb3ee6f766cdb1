//! The inline editor of a segment's text (`E` in the Transcript view): the cursor moves by
//! character (arrows) and word (Ctrl-arrows), Home/End; typing inserts, Backspace and Delete
//! remove, Ctrl-W takes back a word, Ctrl-U the text before the cursor, a paste is inserted
//! as one line; Enter saves (every coder's codings follow), Esc cancels.

use crate::tui::app::*;
use crate::tui::layout::inert;
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
    /// An editor of `text` with the cursor at character `cursor` (clamped to the end).
    pub fn new(segment: usize, text: &str, cursor: usize) -> Editor {
        let chars: Vec<char> = text.chars().collect();
        Editor {
            segment,
            original: text.to_string(),
            cursor: cursor.min(chars.len()),
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
        // The editor's cursor is where the transcript's was.
        let at = ts.cursor.saturating_sub(t.segment_span(k).start);
        self.overlay = Some(Overlay::Editor(Editor::new(k, &text, at)));
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
        let rows = ed.rows(inner_w.max(2));
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
        let visible = h.saturating_sub(2) as usize;
        let cursor_row = rows
            .iter()
            .position(|row| row.contains(&ed.cursor))
            .unwrap_or(rows.len().saturating_sub(1));
        let skip = cursor_row.saturating_sub(visible.saturating_sub(1));
        let lines: Vec<Line> = rows
            .iter()
            .skip(skip)
            .take(visible)
            .map(|row| {
                Line::from(
                    row.clone()
                        .map(|i| {
                            // The cell after the last character is where the cursor sits at
                            // the end.
                            let c = ed.text.get(i).map_or(" ".to_string(), |c| c.to_string());
                            let c = inert(&c).into_owned();
                            if i == ed.cursor {
                                Span::styled(c, Style::default().add_modifier(Modifier::REVERSED))
                            } else {
                                Span::raw(c)
                            }
                        })
                        .collect::<Vec<Span>>(),
                )
            })
            .collect();
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

impl Editor {
    /// The text cut into rows of `width` columns, every character kept (a row breaks after
    /// a space where it can), plus one cell past the end for the cursor: ranges of character
    /// indexes, so the cursor is drawn exactly where typing goes.
    pub fn rows(&self, width: usize) -> Vec<std::ops::Range<usize>> {
        let n = self.text.len();
        let cw = |i: usize| -> usize {
            self.text
                .get(i)
                .map_or(1, |c| crate::tui::layout::grapheme_width(&c.to_string()))
        };
        let mut rows = Vec::new();
        let (mut start, mut used, mut space) = (0usize, 0usize, None::<usize>);
        for i in 0..=n {
            let w = cw(i);
            if used + w > width && i > start {
                let cut = match space {
                    Some(sp) if sp + 1 > start && sp + 1 < i => sp + 1,
                    _ => i,
                };
                rows.push(start..cut);
                start = cut;
                used = (cut..i).map(cw).sum();
                space = None;
            }
            used += w;
            if self.text.get(i) == Some(&' ') {
                space = Some(i);
            }
        }
        rows.push(start..n + 1);
        rows
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
        let mut e = Editor::new(0, "I was afriad then", 99);
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

    #[test]
    fn rows_keep_every_character_so_the_cursor_is_where_typing_goes() {
        let e = Editor::new(0, "one two three four", 0);
        let rows = e.rows(8);
        // Every index once, in order, plus the cell past the end.
        let all: Vec<usize> = rows.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(all, (0..=18).collect::<Vec<_>>());
        assert_eq!(rows[0], 0..8, "breaks after a space: “one two ”");
        for r in &rows {
            assert!(r.len() <= 8);
        }
        // A word longer than the row is cut where it must be.
        let e = Editor::new(0, "Квазимордаквазиморда", 0);
        assert_eq!(e.rows(8)[0], 0..8);
        // Wide characters take two columns.
        let e = Editor::new(0, "👋🏽👋👋👋👋", 0);
        assert!(e.rows(4).len() >= 3);
    }
}
