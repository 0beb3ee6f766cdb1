//! The Search view: the query line, hits from the worker thread, and opening a hit.

use crate::search::Hit;
use crate::tui::app::*;
use crate::tui::layout::{inert, wrap_str};
use crate::tui::views::View;
use crate::tui::worker::Request;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    pub hits: Vec<Hit>,
    pub total: usize,
    pub selected: usize,
    pub scroll: usize,
    pub seq: u64,
    pub error: Option<String>,
    pub waiting: bool,
    /// Keys go to the result list (view keys work: `1`-`7`, `j`/`k`, `/` back to the query),
    /// not into the query box.
    pub in_results: bool,
}
/// The first hit to show so that the selected one is among `visible` rows.
pub(crate) fn hits_scroll(scroll: usize, selected: usize, visible: usize) -> usize {
    if selected < scroll {
        selected
    } else if selected >= scroll + visible {
        selected + 1 - visible
    } else {
        scroll
    }
}

/// How many hits fit in the view's `area` (three rows each, under the query box).
pub(crate) fn hits_visible(area: Rect) -> usize {
    (area.height.saturating_sub(3) as usize / 3).max(1)
}

impl App {
    /// Keys in the search view go to the query box, except navigation.
    /// Keys in the search view: typed into the query box, or, once the user has moved into
    /// the results (`Down`), to the list (and through the keymap, so `5` is the Report view,
    /// not a `5` after the query).
    pub(crate) fn search_key(&mut self, k: KeyEvent) -> bool {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if self.search.in_results {
            return match k.code {
                KeyCode::Char('/') | KeyCode::Char('i') => {
                    self.search.in_results = false;
                    true
                }
                KeyCode::Char('g') | KeyCode::Home => {
                    self.search.selected = 0;
                    true
                }
                KeyCode::Char('G') | KeyCode::End => {
                    self.search.selected = self.search.hits.len().saturating_sub(1);
                    true
                }
                KeyCode::Char('j') => self.search_key(KeyEvent::from(KeyCode::Down)),
                KeyCode::Char('k') => self.search_key(KeyEvent::from(KeyCode::Up)),
                KeyCode::Up if self.search.selected == 0 => {
                    self.search.in_results = false;
                    true
                }
                KeyCode::Up
                | KeyCode::Down
                | KeyCode::PageUp
                | KeyCode::PageDown
                | KeyCode::Enter
                | KeyCode::Esc => self.search_query_key(k),
                _ => false,
            };
        }
        match k.code {
            KeyCode::Char('u') if ctrl => {
                self.search.query.clear();
                self.run_search();
                true
            }
            KeyCode::Char('w') if ctrl => {
                crate::tui::popups::delete_word_back(&mut self.search.query);
                self.run_search();
                true
            }
            // Into the results, on the hit already highlighted (Enter would open it).
            KeyCode::Down | KeyCode::Tab if !self.search.hits.is_empty() => {
                self.search.in_results = true;
                true
            }
            _ => self.search_query_key(k),
        }
    }

    fn search_query_key(&mut self, k: KeyEvent) -> bool {
        match k.code {
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                self.search.query.push(c);
                self.run_search();
                true
            }
            KeyCode::Backspace => {
                self.search.query.pop();
                self.run_search();
                true
            }
            KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
                let n = self.search.hits.len();
                let s = &mut self.search.selected;
                *s = match k.code {
                    KeyCode::Up => s.saturating_sub(1),
                    KeyCode::Down => (*s + 1).min(n.saturating_sub(1)),
                    KeyCode::PageUp => s.saturating_sub(10),
                    _ => (*s + 10).min(n.saturating_sub(1)),
                };
                true
            }
            KeyCode::Enter => {
                if let Some(h) = self.search.hits.get(self.search.selected).cloned() {
                    let pos = h.span.start + h.highlights.first().map_or(0, |r| r[0]);
                    self.open_transcript(&h.interview, &h.lang, pos);
                    self.set_status(format!("{} {} segment {}", h.interview, h.lang, h.segment));
                }
                true
            }
            KeyCode::Esc => {
                self.view = if self.transcript.is_some() {
                    View::Transcript
                } else {
                    View::Interviews
                };
                true
            }
            _ => false,
        }
    }

    pub fn run_search(&mut self) {
        self.search.seq += 1;
        self.search.selected = 0;
        self.search.scroll = 0;
        if self.search.query.trim().is_empty() {
            self.search.hits.clear();
            self.search.total = 0;
            self.search.error = None;
            return;
        }
        match &self.worker {
            Some(w) => {
                self.search.waiting = true;
                let _ = w.tx.send(Request::Query {
                    seq: self.search.seq,
                    query: self.search.query.clone(),
                    limit: self.search_limit,
                });
            }
            None => self.search.error = Some("search is off".into()),
        }
    }

    pub(crate) fn draw_search(&self, f: &mut Frame, area: Rect) {
        let [input, results] =
            Split::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
        let state = if self.search.waiting {
            "searching…".to_string()
        } else {
            format!("{} of {} shown", self.search.hits.len(), self.search.total)
        };
        let keys = if self.search.in_results {
            "j/k choose · Enter jump · / query · 1-8 views"
        } else {
            "↓ results · Enter jump · Ctrl-U clear · Esc back"
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" search all interviews · {state} · {keys} "));
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(inert(&self.search.query).into_owned()),
                Span::styled(
                    " ",
                    if self.search.in_results {
                        Style::default()
                    } else {
                        Style::default().add_modifier(Modifier::REVERSED)
                    },
                ),
            ]))
            .block(block),
            input,
        );
        if let Some(e) = &self.search.error {
            // One line per line of the message, each made inert.
            let lines: Vec<Line> = e
                .lines()
                .map(|l| Line::raw(inert(l).into_owned()))
                .collect();
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), results);
            return;
        }
        // Each hit takes three rows; only the visible ones are built.
        let per = 3usize;
        let visible = (results.height as usize / per).max(1);
        let scroll = hits_scroll(self.search.scroll, self.search.selected, visible);
        let w = results.width.saturating_sub(4) as usize;
        let mut lines = Vec::new();
        for (k, h) in self
            .search
            .hits
            .iter()
            .enumerate()
            .skip(scroll)
            .take(visible)
        {
            let head = format!(
                "{} {} {}  {}",
                h.interview,
                h.lang,
                h.locator(),
                h.speaker.as_deref().unwrap_or("")
            );
            let style = if k == self.search.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(
                inert(&head).into_owned(),
                style.add_modifier(Modifier::BOLD),
            ));
            // A long hit shows the window around its first match, cut with an ellipsis, so
            // the match is on screen and the cut is visible.
            let all: Vec<char> = h.text.chars().collect();
            let room = w.saturating_sub(2).max(10);
            let first = h.highlights.first().map_or(0, |r| r[0]).min(all.len());
            let from = if all.len() <= room {
                0
            } else {
                first.saturating_sub(room / 3).min(all.len() - room)
            };
            let to = (from + room).min(all.len());
            let (lead, tail) = (from > 0, to < all.len());
            let from = if lead { from + 1 } else { from };
            let to = if tail {
                to.saturating_sub(1).max(from)
            } else {
                to
            };
            let chars: Vec<char> = all[from..to].to_vec();
            let mut spans = vec![Span::raw(if lead { "  …" } else { "  " })];
            let mut at = 0;
            let mark = if self.color {
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            };
            for [a, b] in &h.highlights {
                let shift = |x: usize| x.saturating_sub(from).min(chars.len());
                let (a, b) = (shift(*a).max(at), shift(*b));
                if a >= b {
                    continue;
                }
                spans.push(Span::raw(
                    inert(&chars[at.min(a)..a].iter().collect::<String>()).into_owned(),
                ));
                spans.push(Span::styled(
                    inert(&chars[a..b].iter().collect::<String>()).into_owned(),
                    mark,
                ));
                at = b;
            }
            spans.push(Span::raw(
                inert(&chars[at.min(chars.len())..].iter().collect::<String>()).into_owned(),
            ));
            if tail {
                spans.push(Span::raw("…"));
            }
            lines.push(Line::from(spans));
            let tr = h
                .translation
                .as_deref()
                .map(|t| {
                    let lines = wrap_str(t, w.saturating_sub(1));
                    let more = if lines.len() > 1 { "…" } else { "" };
                    format!("{}{more}", lines.into_iter().next().unwrap_or_default())
                })
                .unwrap_or_default();
            lines.push(Line::styled(format!("  ⇄ {}", inert(&tr)), self.dim()));
        }
        f.render_widget(Paragraph::new(lines), results);
    }
}
