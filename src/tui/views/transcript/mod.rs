//! The Transcript view: one interview in one language (or both side by side), a cursor that
//! moves by character, word, segment and turn, selection, find and the mouse. Coding actions
//! are in `coding`, drawing in `draw`.

use crate::codings::{self, Coding};
use crate::transcript::{motion, Transcript};
use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::{self, Layout, RowKind};
use crate::tui::popups::{Overlay, PromptKind};
use crate::tui::views::View;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

mod coding;
mod draw;
pub mod edit;

/// The open transcript.
#[derive(Debug, Clone)]
pub struct TranscriptState {
    pub interview: String,
    pub lang: String,
    pub cursor: usize,
    pub anchor: Option<usize>,
    pub scroll: usize,
    pub parallel: bool,
    pub find: Option<String>,
    /// Find the exact text (folded for case and ё), not words by their stems.
    pub find_exact: bool,
    /// What the last find matched.
    pub found: Option<Range<usize>>,
    /// Layout cache: (width, parallel) it was built for.
    pub layout: Option<((usize, bool), Layout)>,
    /// Screen rows of the transcript area at the last draw (for mouse and paging).
    pub area: ratatui::layout::Rect,
    pub drag_from: Option<usize>,
}

/// Columns of the coding gutter left of the transcript text.
pub const GUTTER: usize = 4;

/// Width left for text in a transcript area of `width` columns.
pub fn text_width(width: usize) -> usize {
    width.saturating_sub(GUTTER + 1).max(8)
}

/// Left and right column widths in the parallel view.
pub fn split_width(text: usize) -> (usize, usize) {
    let left = (text.saturating_sub(3)) / 2;
    (left.max(8), text.saturating_sub(left + 3).max(8))
}
/// The first row to show so that `row` is on a screen of `height` rows, moving as little as
/// possible from `scroll` (or putting `row` a third of the way down when `center`).
pub(crate) fn visible_scroll(scroll: usize, row: usize, height: usize, center: bool) -> usize {
    if center {
        row.saturating_sub(height / 3)
    } else if row < scroll {
        row.saturating_sub(1)
    } else if row >= scroll + height {
        row + 2 - height.min(row + 2)
    } else {
        scroll
    }
}

/// Where the transcript's rows go in the view's area: all but the title line.
pub(crate) fn text_area(area: Rect) -> Rect {
    Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        // The title line above, the line naming what is under the cursor below.
        height: area.height.saturating_sub(2),
    }
}

impl App {
    /// The id of the open interview ("" when none is open).
    pub(crate) fn open_interview(&self) -> String {
        self.transcript
            .as_ref()
            .map(|t| t.interview.clone())
            .unwrap_or_default()
    }

    /// The open transcript and its state.
    pub fn current(&self) -> Option<(&Transcript, &TranscriptState)> {
        let ts = self.transcript.as_ref()?;
        let t = self
            .project
            .interviews
            .get(&ts.interview)?
            .versions
            .get(&ts.lang)?;
        Some((t, ts))
    }

    /// Codings to draw on the open transcript: (coder, coding), yours first.
    pub fn visible_codings(&self) -> Vec<(&str, &Coding)> {
        let Some(ts) = &self.transcript else {
            return Vec::new();
        };
        let mut out: Vec<(&str, &Coding)> = self
            .mine
            .get(&ts.interview)
            .map(|v| {
                v.iter()
                    .filter(|c| c.lang == ts.lang)
                    .map(|c| (self.coder.as_str(), c))
                    .collect()
            })
            .unwrap_or_default();
        if self.show_others {
            for f in self
                .others
                .files
                .iter()
                .filter(|f| f.interview == ts.interview)
            {
                out.extend(
                    f.codings
                        .iter()
                        .filter(|c| c.lang == ts.lang)
                        .map(|c| (f.coder.as_str(), c)),
                );
            }
        }
        out
    }

    pub fn code_color(&self, code: &str) -> Option<&str> {
        self.project
            .codebook
            .as_ref()?
            .find(code)
            .map(|c| c.color.as_str())
    }

    /// Opens a transcript at a position.
    pub fn open_transcript(&mut self, interview: &str, lang: &str, pos: usize) {
        if self.loading.is_some() {
            // Opened as soon as the transcripts are read.
            let parallel = self.transcript.as_ref().is_some_and(|t| t.parallel);
            self.pending_open = Some((interview.to_string(), lang.to_string(), pos, parallel));
            self.set_status(format!(
                "reading the transcripts… {interview} opens in a moment"
            ));
            return;
        }
        self.ensure_loaded(interview);
        let parallel = self.transcript.as_ref().is_some_and(|t| t.parallel);
        self.transcript = Some(TranscriptState {
            interview: interview.to_string(),
            lang: lang.to_string(),
            cursor: pos,
            anchor: None,
            scroll: 0,
            parallel,
            find: self.transcript.as_ref().and_then(|t| t.find.clone()),
            find_exact: self.transcript.as_ref().is_some_and(|t| t.find_exact),
            found: None,
            layout: None,
            area: Default::default(),
            drag_from: None,
        });
        self.view = View::Transcript;
        self.scroll_to_cursor(true);
    }

    pub(crate) fn default_lang(&self, interview: &str) -> Option<String> {
        let i = self.project.interviews.get(interview)?;
        if i.files.contains_key("ru") {
            Some("ru".into())
        } else {
            i.files.keys().next().cloned()
        }
    }

    /// The layout of the open transcript for a text width (cached).
    pub fn layout(&mut self, width: usize) -> Option<&Layout> {
        let ts = self.transcript.as_ref()?;
        let key = (width, ts.parallel);
        if ts.layout.as_ref().is_none_or(|(k, _)| *k != key) {
            let layout = self.build_layout(width)?;
            self.transcript.as_mut()?.layout = Some((key, layout));
        }
        self.transcript.as_ref()?.layout.as_ref().map(|(_, l)| l)
    }

    /// The rows of the open transcript at `width` (side by side with the other language in
    /// the parallel view).
    pub(crate) fn build_layout(&self, width: usize) -> Option<Layout> {
        let ts = self.transcript.as_ref()?;
        let interview = self.project.interviews.get(&ts.interview)?;
        let t = interview.versions.get(&ts.lang)?;
        if !ts.parallel {
            return Some(Layout::build(t, width, None));
        }
        let (lw, rw) = split_width(width);
        Some(
            match interview
                .other_lang(&ts.lang)
                .and_then(|o| interview.versions.get(o))
            {
                Some(ot) => {
                    let al = crate::transcript::align::align_by_time(&t.segments, &ot.segments);
                    Layout::build(t, lw, Some((ot, &al, rw)))
                }
                None => Layout::build(t, width, None),
            },
        )
    }

    /// Keeps the cursor's row on screen.
    pub fn scroll_to_cursor(&mut self, center: bool) {
        let Some(ts) = &self.transcript else { return };
        // Before the first draw the area is unknown: assume a common terminal size.
        let height = if ts.area.height == 0 {
            24
        } else {
            ts.area.height as usize
        };
        let width = text_width(if ts.area.width == 0 {
            80
        } else {
            ts.area.width as usize
        });
        let cursor = ts.cursor;
        // Build (or reuse) the layout first, then read it beside the transcript: no copies.
        if self.layout(width).is_none() {
            return;
        }
        let Some(row) = self
            .current()
            .and_then(|(t, ts)| ts.layout.as_ref().map(|(_, l)| l.row_of(t, cursor)))
        else {
            return;
        };
        let ts = self.transcript.as_mut().expect("checked");
        ts.scroll = visible_scroll(ts.scroll, row, height, center);
    }

    /// The selected span (whole graphemes), or the cursor's segment when nothing is selected.
    pub fn selection(&self) -> Option<Range<usize>> {
        let (t, ts) = self.current()?;
        match ts.anchor {
            Some(a) => {
                let (lo, hi) = (a.min(ts.cursor), a.max(ts.cursor));
                let end = motion::next_grapheme(t, hi);
                Some(lo..end.max(lo + 1).min(t.char_len()))
            }
            None => t.segment_at(ts.cursor).map(|s| t.segment_span(s)),
        }
    }

    pub(crate) fn move_cursor(&mut self, f: impl Fn(&Transcript, usize) -> usize) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let new = f(t, ts.cursor).min(t.char_len().saturating_sub(1));
        let new = t.snap(new, new > ts.cursor);
        self.transcript.as_mut().expect("open").cursor = new;
        self.scroll_to_cursor(false);
    }

    pub(crate) fn transcript_action(&mut self, a: Action) {
        use Action::*;
        let page = self
            .transcript
            .as_ref()
            .map_or(10, |t| (t.area.height as usize).saturating_sub(2).max(1));
        match a {
            Left => self.move_cursor(motion::prev_grapheme),
            Right => self.move_cursor(motion::next_grapheme),
            // While selecting, a word step extends to the end of the next word, so `v w w`
            // selects two whole words; otherwise it goes to the next word's start.
            WordNext if self.transcript.as_ref().is_some_and(|t| t.anchor.is_some()) => {
                self.move_cursor(motion::next_word_end)
            }
            WordNext => self.move_cursor(motion::next_word),
            WordPrev => self.move_cursor(motion::prev_word),
            Down => self.move_cursor(|t, c| {
                t.segment_at(c)
                    .filter(|s| s + 1 < t.segments.len())
                    .map_or(c, |s| t.segment_span(s + 1).start)
            }),
            Up => self.move_cursor(|t, c| {
                let s = t.segment_at(c).unwrap_or(0);
                let start = t.segment_span(s).start;
                if c > start || s == 0 {
                    start
                } else {
                    t.segment_span(s - 1).start
                }
            }),
            TurnNext | TurnPrev => self.move_cursor(|t, c| {
                let s = t.segment_at(c).unwrap_or(0);
                let turns = t.turns();
                let k = turns
                    .iter()
                    .position(|tr| tr.segments.contains(&s))
                    .unwrap_or(0);
                let target = if a == TurnNext {
                    (k + 1).min(turns.len() - 1)
                } else {
                    k.saturating_sub(1)
                };
                t.segment_span(turns[target].segments.start).start
            }),
            PageDown | PageUp => {
                let Some((t, ts)) = self.current() else {
                    return;
                };
                let s = t.segment_at(ts.cursor).unwrap_or(0);
                let step = (page / 2).max(1);
                let target = if a == PageDown {
                    (s + step).min(t.segments.len() - 1)
                } else {
                    s.saturating_sub(step)
                };
                let pos = t.segment_span(target).start;
                self.move_cursor(move |_, _| pos);
            }
            Top => self.move_cursor(|_, _| 0),
            Bottom => self.move_cursor(|t, _| t.segment_span(t.segments.len() - 1).start),
            Select => {
                let ts = self.transcript.as_mut().expect("open");
                ts.anchor = if ts.anchor.is_some() {
                    None
                } else {
                    Some(ts.cursor)
                };
                let selecting = ts.anchor.is_some();
                self.set_status(if selecting {
                    "selecting: move to extend, c to code, Esc to cancel"
                } else {
                    ""
                });
            }
            SelectSegment => {
                let Some((t, ts)) = self.current() else {
                    return;
                };
                let Some(s) = t.segment_at(ts.cursor) else {
                    return;
                };
                let span = t.segment_span(s);
                let end = motion::prev_grapheme(t, span.end);
                let ts = self.transcript.as_mut().expect("open");
                ts.anchor = Some(span.start);
                ts.cursor = end.max(span.start);
            }
            Cancel => {
                if let Some(ts) = self.transcript.as_mut() {
                    ts.anchor = None;
                    ts.found = None;
                }
            }
            Code => {
                if self.session.is_none() {
                    self.set_status("read-only session: another session holds this coder's lock");
                } else {
                    self.overlay = Some(Overlay::Picker {
                        query: String::new(),
                        selected: 0,
                        purpose: crate::tui::popups::PickFor::Code,
                    });
                }
            }
            Uncode => self.on_coding(crate::tui::popups::ChooseFor::Uncode),
            Recode => self.on_coding(crate::tui::popups::ChooseFor::Recode),
            Memo => self.on_coding(crate::tui::popups::ChooseFor::Memo),
            CopyOther => self.on_coding(crate::tui::popups::ChooseFor::CopyOther),
            EditText => self.open_editor(),
            RenameSpeaker => self.open_rename_speaker(),
            SplitSegment => self.split_at_cursor(),
            JoinNext => self.merge_with_next(),
            // The session's own changes come after any transcript edit (it starts afresh
            // with each edit), so they are undone first.
            Undo => {
                let session_can = self.session.as_ref().is_some_and(|s| s.can_undo());
                if session_can || !self.undo_transcript_edit(true) {
                    self.undo_redo(true)
                }
            }
            Redo => {
                let session_can = self.session.as_ref().is_some_and(|s| s.can_redo());
                if session_can || !self.undo_transcript_edit(false) {
                    self.undo_redo(false)
                }
            }
            Parallel => {
                let ts = self.transcript.as_mut().expect("open");
                ts.parallel = !ts.parallel;
                self.scroll_to_cursor(true);
            }
            SwitchLang => self.switch_lang(),
            Others => {
                self.show_others = !self.show_others;
                self.set_status(if self.show_others {
                    "showing other coders' codings"
                } else {
                    "blind: only your codings"
                });
            }
            Find => {
                let exact = self.transcript.as_ref().is_some_and(|t| t.find_exact);
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Find(exact),
                    title: crate::tui::popups::find_title(exact),
                    input: String::new(),
                })
            }
            FindNext => self.find(true),
            FindPrev => self.find(false),
            _ => {}
        }
    }

    pub(crate) fn switch_lang(&mut self) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let interview = &self.project.interviews[&ts.interview];
        let Some(other) = interview.other_lang(&ts.lang).map(str::to_string) else {
            self.set_status("this interview has no other language");
            return;
        };
        let pos = codings::aligned_span(interview, &ts.lang, &(ts.cursor..ts.cursor + 1))
            .map_or(0, |(_, r)| r.start);
        let _ = t;
        let id = ts.interview.clone();
        self.open_transcript(&id, &other, pos);
    }

    /// Finds the next (or previous) match of the find query from the cursor, wrapping
    /// around. Words are matched as the Search view matches them (stems, ё = е, either
    /// script, `word*`, `word~1`, `"phrases"`, `/regex/`); in exact mode (Tab in the prompt)
    /// the text itself, folded for case and ё.
    pub(crate) fn find(&mut self, forward: bool) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let Some(needle) = ts.find.clone().filter(|n| !n.trim().is_empty()) else {
            self.set_status("nothing to find: press / first");
            return;
        };
        let found = if ts.find_exact {
            find_text(t, ts.cursor, &needle, forward)
        } else {
            match crate::search::query::parse(&needle) {
                Ok(q) => find_words(t, ts.cursor, &q, forward),
                Err(e) => {
                    self.set_status(format!("find: column {}: {}", e.column, e.message));
                    return;
                }
            }
        };
        let how = if ts.find_exact { "text" } else { "words" };
        match found {
            Some(r) => {
                let pos = r.start;
                self.move_cursor(move |_, _| pos);
                if let Some(ts) = self.transcript.as_mut() {
                    ts.found = Some(r);
                }
                self.set_status(format!("found “{needle}” ({how}) · n next · N previous"));
            }
            None => {
                if let Some(ts) = self.transcript.as_mut() {
                    ts.found = None;
                }
                self.set_status(format!("“{needle}” not found ({how})"))
            }
        }
    }

    /// Mouse: click places the cursor, drag selects, the wheel scrolls.
    pub fn handle_mouse(&mut self, m: MouseEvent) {
        if self.view != View::Transcript || self.overlay.is_some() {
            return;
        }
        let Some(ts) = self.transcript.as_ref() else {
            return;
        };
        let area = ts.area;
        match m.kind {
            MouseEventKind::ScrollDown => {
                let rows = self
                    .transcript
                    .as_ref()
                    .and_then(|t| t.layout.as_ref())
                    .map_or(0, |(_, l)| l.rows.len());
                let ts = self.transcript.as_mut().expect("open");
                ts.scroll = (ts.scroll + 3).min(rows.saturating_sub(1));
            }
            MouseEventKind::ScrollUp => {
                let ts = self.transcript.as_mut().expect("open");
                ts.scroll = ts.scroll.saturating_sub(3);
            }
            MouseEventKind::Down(MouseButton::Left) | MouseEventKind::Drag(MouseButton::Left) => {
                if m.row < area.y
                    || m.row >= area.y + area.height
                    || m.column < area.x + GUTTER as u16
                {
                    return;
                }
                let Some(pos) = self.position_at(m.column, m.row) else {
                    return;
                };
                let ts = self.transcript.as_mut().expect("open");
                if matches!(m.kind, MouseEventKind::Down(_)) {
                    ts.anchor = None;
                    ts.drag_from = Some(pos);
                } else if let Some(from) = ts.drag_from {
                    ts.anchor = Some(from);
                }
                ts.cursor = pos;
            }
            MouseEventKind::Up(MouseButton::Left) => {
                if let Some(ts) = self.transcript.as_mut() {
                    ts.drag_from = None;
                }
            }
            _ => {}
        }
    }

    /// The code point under a screen cell of the transcript area.
    pub(crate) fn position_at(&self, col: u16, row: u16) -> Option<usize> {
        let (t, ts) = self.current()?;
        let (_, layout) = ts.layout.as_ref()?;
        let r = layout.rows.get(ts.scroll + (row - ts.area.y) as usize)?;
        let RowKind::Text { start, end, .. } = r.kind else {
            return None;
        };
        let target = (col - ts.area.x) as usize - GUTTER;
        let mut x = 0;
        let mut pos = start;
        for g in t.slice(start..end).graphemes(true) {
            let w = super::layout::grapheme_width(g);
            if x + w > target {
                return Some(pos);
            }
            x += w;
            pos += g.chars().count();
        }
        Some(end.saturating_sub(1).max(start))
    }
}

/// The next match of `needle` as text (folded one character to one, as the index folds, so
/// positions stay code points of the transcript).
fn find_text(t: &Transcript, cursor: usize, needle: &str, forward: bool) -> Option<Range<usize>> {
    let fold1 = crate::search::analyzer::fold_char;
    let hay: Vec<char> = t.text().chars().map(fold1).collect();
    let needle: Vec<char> = needle.chars().map(fold1).collect();
    let matches_at =
        |i: usize| hay.len() >= i + needle.len() && hay[i..i + needle.len()] == needle[..];
    let n = hay.len();
    let at = if forward {
        (cursor + 1..n)
            .chain(0..=cursor.min(n.saturating_sub(1)))
            .find(|i| matches_at(*i))
    } else {
        (0..cursor)
            .rev()
            .chain((cursor..n).rev())
            .find(|i| matches_at(*i))
    }?;
    Some(at..at + needle.len())
}

/// The next match of a search query, segment by segment from the cursor's, wrapping around.
fn find_words(
    t: &Transcript,
    cursor: usize,
    q: &crate::search::query::Node,
    forward: bool,
) -> Option<Range<usize>> {
    let n = t.segments.len();
    let here = t.segment_at(cursor).unwrap_or(0);
    for k in 0..=n {
        let s = if forward {
            (here + k) % n.max(1)
        } else {
            (here + n - k % n.max(1)) % n.max(1)
        };
        if s >= n {
            return None;
        }
        let span = t.segment_span(s);
        let ranges: Vec<Range<usize>> = crate::search::highlights(t.slice(span.clone()), q)
            .into_iter()
            .map(|[a, b]| span.start + a..span.start + b)
            .collect();
        // In the cursor's segment: past the cursor first, and before it only once around.
        let keep = |r: &Range<usize>| match (k, forward) {
            (0, true) => r.start > cursor,
            (0, false) => r.start < cursor,
            (k, true) if k == n => r.start <= cursor,
            (k, false) if k == n => r.start >= cursor,
            _ => true,
        };
        let hit = if forward {
            ranges.into_iter().find(keep)
        } else {
            ranges.into_iter().rev().find(keep)
        };
        if hit.is_some() {
            return hit;
        }
    }
    None
}
