//! The application state and its update function: every key, mouse event and worker reply
//! becomes a change of state here, in one place. Drawing (in `draw`) only reads the state.

use super::keymap::{Action, Keymap};
use super::layout::{Layout, RowKind};
use super::worker::{Reply, Request, Worker};
use crate::autocode::{self, Suggestion};
use crate::codebook::{Code, Codebook};
use crate::codings::{self, store::NewCoding, store::Session, AllCodings, Coding, Origin};
use crate::project::Project;
use crate::search::Hit;
use crate::transcript::Transcript;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Interviews,
    Transcript,
    Codebook,
    Search,
    Report,
    Suggestions,
    Disagreements,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Interviews,
        View::Transcript,
        View::Codebook,
        View::Search,
        View::Report,
        View::Suggestions,
        View::Disagreements,
    ];
    pub fn title(self) -> &'static str {
        match self {
            View::Interviews => "1 Interviews",
            View::Transcript => "2 Transcript",
            View::Codebook => "3 Codebook",
            View::Search => "4 Search",
            View::Report => "5 Report",
            View::Suggestions => "6 Suggestions",
            View::Disagreements => "7 Disagreements",
        }
    }
}

/// What a one-line prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    Memo(String),
    Find,
    AddCode(String),
    Rename(String),
    Move(String),
    Merge(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// The code picker: query and the highlighted row.
    Picker {
        query: String,
        selected: usize,
    },
    Prompt {
        kind: PromptKind,
        title: String,
        input: String,
    },
}

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
    /// Layout cache: (width, parallel) it was built for.
    pub layout: Option<((usize, bool), Layout)>,
    /// Screen rows of the transcript area at the last draw (for mouse and paging).
    pub area: ratatui::layout::Rect,
    pub drag_from: Option<usize>,
}

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
}

pub struct App {
    pub root: PathBuf,
    pub project: Project,
    pub coder: String,
    pub session: Option<Session>,
    /// Other coders' codings (read-only), loaded at start.
    pub others: AllCodings,
    /// This coder's codings per interview (a mirror of the session, for drawing).
    pub mine: BTreeMap<String, Vec<Coding>>,
    pub view: View,
    pub overlay: Option<Overlay>,
    pub keymap: Keymap,
    pub list_selected: usize,
    pub transcript: Option<TranscriptState>,
    pub show_others: bool,
    pub search: SearchState,
    pub codebook_selected: usize,
    pub suggestions: Vec<Suggestion>,
    pub suggestions_selected: usize,
    pub report_all_coders: bool,
    pub report_scroll: usize,
    /// How far the report view's longest panel can scroll, found by the last draw: `j` stops
    /// there instead of counting on past every panel's end.
    pub report_scroll_max: std::cell::Cell<usize>,
    pub status: String,
    pub saved: bool,
    pub index_state: String,
    pub worker: Option<Worker>,
    pub color: bool,
    pub quit: bool,
    pub search_limit: usize,
    /// The two coders compared in the disagreements view, and what is left to decide.
    pub compared: Vec<String>,
    pub disputes: Vec<crate::agreement::Disagreement>,
    pub disputes_selected: usize,
    pub help_scroll: usize,
    /// The full project, while it is being read behind the outline.
    pub loading: Option<Loading>,
    /// A transcript asked for while the transcripts were still being read.
    pub pending_open: Option<(String, String, usize)>,
    /// Counts for the report and codebook views, computed once per change, not per frame.
    pub report_cache: Option<ReportData>,
    /// The size and modification time of the codebook and survey files when last read, to
    /// notice another session's changes.
    shared_stamp: Option<Vec<Option<(u64, std::time::SystemTime)>>>,
    /// When the shared files were last looked at (every second at most).
    shared_checked: std::time::Instant,
}

/// What the report and codebook views show, derived from the codings.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    /// Counts per code of the project's default coder set (the codebook view, and the
    /// report view with `A`): the same numbers as `intercode codebook list` and `report`.
    pub everyone: Vec<crate::report::CodeCount>,
    /// Whose codings `everyone` counts, in words.
    pub everyone_set: String,
    /// The same, short, for a panel title.
    pub everyone_short: String,
    /// The counts the report shows (yours or the default set's).
    pub shown: Vec<crate::report::CodeCount>,
    /// Whose codings `shown` counts, in words, with what was left out.
    pub shown_set: String,
    /// The same, short, for a panel title.
    pub shown_short: String,
    pub themes: Vec<crate::report::FigureEvidence>,
    /// Co-occurring code pairs, most frequent first.
    pub pairs: Vec<((String, String), usize)>,
    /// The agreement panel's lines.
    pub agreement: Vec<String>,
}

/// The project being read on another thread.
pub type Loading = std::sync::mpsc::Receiver<crate::Result<(Project, Vec<crate::Problem>)>>;

use crate::agreement::Decision;
pub use crate::agreement::CONSENSUS;

fn next_boundary(text: &str, byte: usize) -> usize {
    let mut c = GraphemeCursor::new(byte, text.len(), true);
    c.next_boundary(text, 0)
        .ok()
        .flatten()
        .unwrap_or(text.len())
}

fn prev_boundary(text: &str, byte: usize) -> usize {
    let mut c = GraphemeCursor::new(byte, text.len(), true);
    c.prev_boundary(text, 0).ok().flatten().unwrap_or(0)
}

/// Code points of `text[..byte]` (for a byte offset from the grapheme helpers).
fn cp_of(t: &Transcript, byte: usize) -> usize {
    // Find the segment by bytes, then count inside it.
    let text = t.text();
    let byte = byte.min(text.len());
    let mut lo = 0;
    let mut hi = t.segments.len();
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if t.byte_offset(t.segment_span(mid).start) <= byte {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let seg_cp = t.segment_span(lo).start;
    let seg_byte = t.byte_offset(seg_cp);
    seg_cp + text[seg_byte..byte].chars().count()
}

impl App {
    /// Opens the project for `coder`. If the coder's lock is held elsewhere, the app opens
    /// read-only and says so.
    pub fn new(root: &Path, coder: &str, start_worker: bool) -> crate::Result<App> {
        // The real app shows the project's outline at once and reads the transcripts on
        // another thread (a large project takes seconds); tests load everything first.
        let (project, problems) = if start_worker {
            Project::load_outline(root)?
        } else {
            Project::load(root)?
        };
        let (keymap, key_problems) = Keymap::load_user();
        let mut status = String::new();
        let session = match Session::open(root, coder) {
            Ok(s) => Some(s),
            Err(e) => {
                status = format!("read-only: {e}");
                None
            }
        };
        let mut others = codings::load_for_analysis(root, None);
        // Count what `intercode check` would: the project's problems and the codings'.
        let mut problems = problems;
        problems.extend(others.problems.iter().cloned());
        if !start_worker {
            problems.extend(codings::validate_all(&project, &others));
        }
        let mut mine = BTreeMap::new();
        others.files.retain(|f| {
            if f.coder == coder {
                mine.insert(f.interview.clone(), f.codings.clone());
                false
            } else {
                true
            }
        });
        let errors = problems
            .iter()
            .filter(|p| p.severity == crate::Severity::Error)
            .count();
        if status.is_empty() && errors > 0 {
            status = format!("{errors} problem(s) in the project: run `intercode check`");
        }
        if let Some(p) = key_problems.first() {
            status = p.clone();
        }
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        // Started last: reading every transcript keeps both cores busy, and the work above
        // is what the first frame waits for.
        let loading = start_worker.then(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            let r = root.to_path_buf();
            std::thread::spawn(move || {
                let _ = tx.send(Project::load(&r));
            });
            rx
        });
        Ok(App {
            root: root.to_path_buf(),
            project,
            coder: coder.to_string(),
            session,
            others,
            mine,
            view: View::Interviews,
            overlay: None,
            keymap,
            list_selected: 0,
            transcript: None,
            show_others: false,
            search: SearchState::default(),
            codebook_selected: 0,
            suggestions: Vec::new(),
            suggestions_selected: 0,
            report_all_coders: false,
            report_scroll: 0,
            report_scroll_max: std::cell::Cell::new(usize::MAX),
            status: if status.is_empty() {
                "press ? for help".into()
            } else {
                status
            },
            saved: true,
            index_state: if start_worker {
                "opening…".into()
            } else {
                "off".into()
            },
            worker: start_worker.then(|| Worker::start(root.to_path_buf())),
            color,
            quit: false,
            search_limit: 500,
            compared: Vec::new(),
            disputes: Vec::new(),
            disputes_selected: 0,
            help_scroll: 0,
            loading,
            pending_open: None,
            report_cache: None,
            shared_stamp: None,
            shared_checked: std::time::Instant::now(),
        })
    }

    pub fn interview_ids(&self) -> Vec<&String> {
        self.project.interviews.keys().collect()
    }

    /// Looks at the codebook and survey files at most once a second (the event loop calls
    /// this) and reloads them when another session changed them.
    pub fn notice_outside_changes(&mut self) {
        if self.shared_checked.elapsed() >= std::time::Duration::from_secs(1) {
            self.shared_checked = std::time::Instant::now();
            self.reload_if_changed();
        }
    }

    /// Reloads the codebook and survey when their files changed since last seen; true when
    /// the codebook shown changed.
    pub fn reload_if_changed(&mut self) -> bool {
        let files = [crate::project::CODEBOOK_FILE, crate::project::SURVEY_FILE];
        let stamp: Vec<Option<(u64, std::time::SystemTime)>> = files
            .iter()
            .map(|f| {
                let m = std::fs::metadata(self.root.join(f)).ok()?;
                Some((m.len(), m.modified().ok()?))
            })
            .collect();
        let first = self.shared_stamp.is_none();
        if self.shared_stamp.as_ref() == Some(&stamp) {
            return false;
        }
        self.shared_stamp = Some(stamp);
        if first {
            return false;
        }
        let Ok(cb) = crate::ops::read_codebook(&self.root) else {
            // A file being edited by hand may not parse yet: keep what is shown.
            return false;
        };
        let changed = self.project.codebook.as_ref() != Some(&cb);
        if let Ok((survey, _)) =
            crate::codebook::Survey::load(&self.root.join(crate::project::SURVEY_FILE), Some(&cb))
        {
            self.project.survey = Some(survey);
        }
        if changed {
            self.project.codebook = Some(cb);
            self.report_cache = None;
            self.set_status("the codebook changed on disk (another session); reloaded");
        }
        changed
    }

    /// Computes the report views' data if a change made it stale.
    pub fn ensure_report(&mut self) {
        if self.report_cache.is_some() {
            return;
        }
        let Some(cb) = &self.project.codebook else {
            return;
        };
        let everyone = self.all_codings(true);
        let settings = crate::report::Settings::load(&self.root).unwrap_or_default();
        let default_set = crate::report::CoderSet::default_for(&self.project, &everyone);
        let mine = crate::report::CoderSet::union(vec![self.coder.clone()]);
        let everyone_an =
            crate::report::analyse(&self.project, &everyone, &default_set, None, &settings);
        let shown_an = if self.report_all_coders {
            None
        } else {
            Some(crate::report::analyse(
                &self.project,
                &everyone,
                &mine,
                None,
                &settings,
            ))
        };
        let shown = shown_an.as_ref().unwrap_or(&everyone_an);
        let describe = |an: &crate::report::Analysis| {
            let note = an.note();
            if note.is_empty() {
                an.describe()
            } else {
                format!("{}; {note}", an.describe())
            }
        };
        let mut pairs: Vec<((String, String), usize)> =
            crate::report::cooccurrence(shown).into_iter().collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut coders: Vec<String> = everyone
            .files
            .iter()
            .map(|x| x.coder.clone())
            .filter(|c| c != CONSENSUS)
            .collect();
        coders.sort();
        coders.dedup();
        let agreement = match coders.as_slice() {
            [a, b, ..] => match crate::agreement::agree(
                &self.project,
                &everyone,
                &[a.clone(), b.clone()],
                crate::agreement::Unit::Segment,
                None,
            ) {
                Ok(r) => {
                    let n = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.2}"));
                    vec![
                        format!(
                            " {a} vs {b}: {} interview(s) coded by both",
                            r.interviews.len()
                        ),
                        format!(
                            " agreement {}  Cohen's κ {}  Krippendorff's α {}",
                            n(r.overall.percent_agreement),
                            n(r.overall.cohen_kappa),
                            n(r.overall.krippendorff_alpha)
                        ),
                    ]
                }
                Err(e) => vec![e],
            },
            _ => vec![" needs two coders with codings".to_string()],
        };
        let no_names = crate::report::Redactions::default();
        self.report_cache = Some(ReportData {
            everyone: crate::report::frequencies(cb, &everyone_an),
            everyone_set: describe(&everyone_an),
            everyone_short: everyone_an.set.short(),
            shown: crate::report::frequencies(cb, shown),
            shown_set: describe(shown),
            shown_short: shown.set.short(),
            themes: crate::report::themes(&self.project, shown, "en", 0, &no_names, &settings),
            pairs,
            agreement,
        });
    }

    /// The id of the open interview ("" when none is open).
    fn open_interview(&self) -> String {
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
            self.pending_open = Some((interview.to_string(), lang.to_string(), pos));
            self.set_status(format!(
                "reading the transcripts… {interview} opens in a moment"
            ));
            return;
        }
        let parallel = self.transcript.as_ref().is_some_and(|t| t.parallel);
        self.transcript = Some(TranscriptState {
            interview: interview.to_string(),
            lang: lang.to_string(),
            cursor: pos,
            anchor: None,
            scroll: 0,
            parallel,
            find: self.transcript.as_ref().and_then(|t| t.find.clone()),
            layout: None,
            area: Default::default(),
            drag_from: None,
        });
        self.view = View::Transcript;
        self.scroll_to_cursor(true);
    }

    fn default_lang(&self, interview: &str) -> Option<String> {
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
        let interview = self.project.interviews.get(&ts.interview)?;
        let t = interview.versions.get(&ts.lang)?;
        let key = (width, ts.parallel);
        if ts.layout.as_ref().is_none_or(|(k, _)| *k != key) {
            let layout = if ts.parallel {
                let (lw, rw) = split_width(width);
                match interview
                    .other_lang(&ts.lang)
                    .and_then(|o| interview.versions.get(o))
                {
                    Some(ot) => {
                        let al = crate::transcript::align::align_by_time(&t.segments, &ot.segments);
                        Layout::build(t, lw, Some((ot, &al, rw)))
                    }
                    None => Layout::build(t, width, None),
                }
            } else {
                Layout::build(t, width, None)
            };
            self.transcript.as_mut()?.layout = Some((key, layout));
        }
        self.transcript.as_ref()?.layout.as_ref().map(|(_, l)| l)
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
        if center {
            ts.scroll = row.saturating_sub(height / 3);
        } else if row < ts.scroll {
            ts.scroll = row.saturating_sub(1);
        } else if row >= ts.scroll + height {
            ts.scroll = row + 2 - height.min(row + 2);
        }
    }

    /// The selected span (whole graphemes), or the cursor's segment when nothing is selected.
    pub fn selection(&self) -> Option<Range<usize>> {
        let (t, ts) = self.current()?;
        match ts.anchor {
            Some(a) => {
                let (lo, hi) = (a.min(ts.cursor), a.max(ts.cursor));
                let end = cp_of(t, next_boundary(t.text(), t.byte_offset(hi)));
                Some(lo..end.max(lo + 1).min(t.char_len()))
            }
            None => t.segment_at(ts.cursor).map(|s| t.segment_span(s)),
        }
    }

    fn set_status(&mut self, s: impl Into<String>) {
        self.status = s.into();
    }

    /// Handles one terminal event.
    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != ratatui::crossterm::event::KeyEventKind::Release => {
                self.handle_key(k)
            }
            Event::Mouse(m) => self.handle_mouse(m),
            Event::Resize(..) => {}
            _ => {}
        }
    }

    pub fn handle_key(&mut self, k: KeyEvent) {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        if let Some(overlay) = self.overlay.take() {
            self.overlay_key(overlay, k);
            return;
        }
        if self.view == View::Search && self.search_key(k) {
            return;
        }
        if let Some(a) = self.keymap.action(&k) {
            self.act(a);
        }
    }

    /// Keys in the search view go to the query box, except navigation.
    fn search_key(&mut self, k: KeyEvent) -> bool {
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

    /// Applies what the search worker has sent since the last call.
    pub fn drain_worker(&mut self) -> bool {
        let mut changed = self.poll_loading();
        let Some(w) = &self.worker else { return false };
        let replies: Vec<Reply> = w.rx.try_iter().collect();
        for r in replies {
            changed = true;
            match r {
                Reply::Progress { done, total } => {
                    self.index_state = format!("indexing {done}/{total}")
                }
                // The index state has its own place in the status bar: the message line stays
                // with what the user did last.
                Reply::Ready { segments, rebuilt } => {
                    self.index_state = match rebuilt {
                        Some(_) => format!("built, {segments} segments"),
                        None => format!("{segments} segments"),
                    };
                }
                Reply::Failed(e) => {
                    self.index_state = "unavailable".into();
                    self.set_status(format!("search unavailable: {e}"));
                }
                Reply::Results { seq, result } if seq == self.search.seq => {
                    self.search.waiting = false;
                    match result {
                        Ok(r) => {
                            self.search.total = r.total;
                            self.search.hits = r.hits;
                            self.search.error = None;
                        }
                        Err(e) => {
                            self.search.hits.clear();
                            self.search.total = 0;
                            self.search.error = Some(e);
                        }
                    }
                }
                Reply::Results { .. } => {}
            }
        }
        changed
    }

    /// Takes the fully loaded project when the loading thread has it.
    fn poll_loading(&mut self) -> bool {
        let Some(rx) = &self.loading else {
            return false;
        };
        match rx.try_recv() {
            Ok(Ok((mut full, problems))) => {
                // The codebook may have been edited while the transcripts were read.
                full.codebook = self.project.codebook.take().or(full.codebook);
                self.project = full;
                self.loading = None;
                self.report_cache = None;
                let all = self.all_codings(true);
                let errors = problems
                    .iter()
                    .chain(codings::validate_all(&self.project, &all).iter())
                    .filter(|p| p.severity == crate::Severity::Error)
                    .count();
                if errors > 0 {
                    self.set_status(format!(
                        "{errors} problem(s) in the project: run `intercode check`"
                    ));
                }
                if let Some((id, lang, pos)) = self.pending_open.take() {
                    self.open_transcript(&id, &lang, pos);
                }
                true
            }
            Ok(Err(e)) => {
                self.loading = None;
                self.set_status(format!("cannot read the transcripts: {e}"));
                true
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.loading = None;
                true
            }
        }
    }

    /// Says so and returns true while the transcripts are still being read.
    fn still_loading(&mut self) -> bool {
        if self.loading.is_some() {
            self.set_status("reading the transcripts… a moment");
            return true;
        }
        false
    }

    /// Waits for the worker to answer the current query (tests and benchmarks).
    pub fn wait_for_search(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while (self.loading.is_some()
            || self.search.waiting
            || self.index_state.starts_with("opening")
            || self.index_state.starts_with("indexing"))
            && std::time::Instant::now() < deadline
        {
            if !self.drain_worker() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }

    fn move_cursor(&mut self, f: impl Fn(&Transcript, usize) -> usize) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let new = f(t, ts.cursor).min(t.char_len().saturating_sub(1));
        let new = t.snap(new, new > ts.cursor);
        self.transcript.as_mut().expect("open").cursor = new;
        self.scroll_to_cursor(false);
    }

    pub fn act(&mut self, a: Action) {
        use Action::*;
        match a {
            Quit => self.quit = true,
            Help => self.overlay = Some(Overlay::Help),
            NextView => {
                let i = View::ALL.iter().position(|v| *v == self.view).unwrap_or(0);
                self.switch(View::ALL[(i + 1) % View::ALL.len()]);
            }
            ViewInterviews => self.switch(View::Interviews),
            ViewTranscript => self.switch(View::Transcript),
            ViewCodebook => self.switch(View::Codebook),
            ViewSearch => self.switch(View::Search),
            ViewReport => self.switch(View::Report),
            ViewSuggestions => self.switch(View::Suggestions),
            ViewDisagreements => self.switch(View::Disagreements),
            _ => match self.view {
                View::Transcript => self.transcript_action(a),
                View::Interviews => self.list_action(a),
                View::Codebook => self.codebook_action(a),
                View::Report => self.report_action(a),
                View::Suggestions => self.suggestions_action(a),
                View::Disagreements => self.disagreements_action(a),
                View::Search => {}
            },
        }
    }

    fn switch(&mut self, v: View) {
        if v == View::Transcript && self.transcript.is_none() {
            self.set_status("open an interview first (Enter in the interview list)");
            return;
        }
        if matches!(v, View::Suggestions | View::Disagreements) && self.still_loading() {
            return;
        }
        if v == View::Suggestions && self.suggestions.is_empty() {
            self.refresh_suggestions();
        }
        if v == View::Disagreements && self.compared.is_empty() {
            self.refresh_disputes();
        }
        self.view = v;
    }

    fn list_action(&mut self, a: Action) {
        let n = self.project.interviews.len();
        match a {
            Action::Up => self.list_selected = self.list_selected.saturating_sub(1),
            Action::Down => self.list_selected = (self.list_selected + 1).min(n.saturating_sub(1)),
            Action::Top => self.list_selected = 0,
            Action::Bottom => self.list_selected = n.saturating_sub(1),
            Action::Open => {
                if let Some(id) = self
                    .interview_ids()
                    .get(self.list_selected)
                    .map(|s| s.to_string())
                {
                    if let Some(lang) = self.default_lang(&id) {
                        self.open_transcript(&id, &lang, 0);
                    }
                }
            }
            _ => {}
        }
    }

    fn transcript_action(&mut self, a: Action) {
        use Action::*;
        let page = self
            .transcript
            .as_ref()
            .map_or(10, |t| (t.area.height as usize).saturating_sub(2).max(1));
        match a {
            Left => self.move_cursor(|t, c| cp_of(t, prev_boundary(t.text(), t.byte_offset(c)))),
            Right => self.move_cursor(|t, c| cp_of(t, next_boundary(t.text(), t.byte_offset(c)))),
            // While selecting, a word step extends to the end of the next word, so `v w w`
            // selects two whole words; otherwise it goes to the next word's start.
            WordNext if self.transcript.as_ref().is_some_and(|t| t.anchor.is_some()) => self
                .move_cursor(|t, c| {
                    let text = t.text();
                    let from = next_boundary(text, t.byte_offset(c));
                    text[from..]
                        .split_word_bound_indices()
                        .find(|(_, w)| w.chars().next().is_some_and(char::is_alphanumeric))
                        .map_or(c, |(i, w)| {
                            cp_of(t, prev_boundary(text, from + i + w.len()))
                        })
                }),
            WordNext => self.move_cursor(|t, c| {
                let b = t.byte_offset(c);
                let text = t.text();
                text[b..]
                    .split_word_bound_indices()
                    .skip(1)
                    .find(|(_, w)| w.chars().next().is_some_and(char::is_alphanumeric))
                    .map_or(c, |(i, _)| cp_of(t, b + i))
            }),
            WordPrev => self.move_cursor(|t, c| {
                let b = t.byte_offset(c);
                t.text()[..b]
                    .split_word_bound_indices()
                    .rev()
                    .find(|(_, w)| w.chars().next().is_some_and(char::is_alphanumeric))
                    .map_or(0, |(i, _)| cp_of(t, i))
            }),
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
                let end = cp_of(t, prev_boundary(t.text(), t.byte_offset(span.end)));
                let ts = self.transcript.as_mut().expect("open");
                ts.anchor = Some(span.start);
                ts.cursor = end.max(span.start);
            }
            Cancel => {
                if let Some(ts) = self.transcript.as_mut() {
                    ts.anchor = None;
                }
            }
            Code => {
                if self.session.is_none() {
                    self.set_status("read-only session: another session holds this coder's lock");
                } else {
                    self.overlay = Some(Overlay::Picker {
                        query: String::new(),
                        selected: 0,
                    });
                }
            }
            Uncode => self.uncode(),
            Memo => match self.coding_under_cursor() {
                Some(c) => {
                    self.overlay = Some(Overlay::Prompt {
                        kind: PromptKind::Memo(c.id.clone()),
                        title: format!("memo for {}", c.code),
                        input: c.memo.clone(),
                    });
                }
                None => self.set_status("no coding of yours under the cursor"),
            },
            CopyOther => self.copy_other(),
            Undo => self.undo_redo(true),
            Redo => self.undo_redo(false),
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
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Find,
                    title: "find in this transcript".into(),
                    input: String::new(),
                })
            }
            FindNext => self.find(true),
            FindPrev => self.find(false),
            _ => {}
        }
    }

    fn switch_lang(&mut self) {
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

    fn find(&mut self, forward: bool) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let Some(needle) = ts.find.clone().filter(|n| !n.is_empty()) else {
            self.set_status("nothing to find: press / first");
            return;
        };
        // Fold case and ё one character to one character, so positions stay code points
        // of the transcript text.
        let fold1 = |c: char| {
            let l = c.to_lowercase().next().unwrap_or(c);
            if l == 'ё' {
                'е'
            } else {
                l
            }
        };
        let hay: Vec<char> = t.text().chars().map(fold1).collect();
        let needle: Vec<char> = needle.chars().map(fold1).collect();
        let matches_at =
            |i: usize| hay.len() >= i + needle.len() && hay[i..i + needle.len()] == needle[..];
        let n = hay.len();
        let found = if forward {
            (ts.cursor + 1..n)
                .chain(0..=ts.cursor.min(n.saturating_sub(1)))
                .find(|i| matches_at(*i))
        } else {
            (0..ts.cursor)
                .rev()
                .chain((ts.cursor..n).rev())
                .find(|i| matches_at(*i))
        };
        let needle: String = needle.into_iter().collect();
        match found {
            Some(pos) => {
                self.move_cursor(move |_, _| pos);
                self.set_status(format!("found “{needle}”"));
            }
            None => self.set_status(format!("“{needle}” not found")),
        }
    }

    /// Your coding under the cursor (the shortest, if several).
    pub fn coding_under_cursor(&self) -> Option<Coding> {
        let (_, ts) = self.current()?;
        self.mine
            .get(&ts.interview)?
            .iter()
            .filter(|c| c.lang == ts.lang && c.start <= ts.cursor && ts.cursor < c.end)
            .min_by_key(|c| c.end - c.start)
            .cloned()
    }

    fn sync_mine(&mut self, interview: &str) {
        if let Some(s) = self.session.as_mut() {
            if let Ok(c) = s.codings(interview) {
                self.mine.insert(interview.to_string(), c.to_vec());
            }
        }
    }

    fn after_change(&mut self, interview: &str, result: crate::Result<String>) {
        self.report_cache = None;
        match result {
            Ok(msg) => {
                self.saved = true;
                self.set_status(msg);
            }
            Err(e) => {
                self.saved = false;
                self.set_status(format!("NOT SAVED: {e}"));
            }
        }
        self.sync_mine(interview);
    }

    pub fn apply_code(&mut self, code: &str) {
        let Some(span) = self.selection() else { return };
        let Some((_, ts)) = self.current() else {
            return;
        };
        let (interview, lang) = (ts.interview.clone(), ts.lang.clone());
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let r = session
            .add(
                &self.project,
                NewCoding {
                    interview: interview.clone(),
                    lang,
                    span,
                    code: code.to_string(),
                    memo: String::new(),
                    origin: Origin::Manual,
                },
            )
            .map(|c| format!("coded {} ({}..{}), saved", c.code, c.start, c.end));
        if r.is_ok() {
            if let Some(ts) = self.transcript.as_mut() {
                ts.anchor = None;
            }
        }
        self.after_change(&interview, r);
    }

    fn uncode(&mut self) {
        let Some(c) = self.coding_under_cursor() else {
            self.set_status("no coding of yours under the cursor");
            return;
        };
        let interview = self.open_interview();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let r = s
            .remove(&c.id)
            .map(|c| format!("removed {}, saved (u to undo)", c.code));
        self.after_change(&interview, r);
    }

    fn copy_other(&mut self) {
        let Some(c) = self.coding_under_cursor() else {
            self.set_status("no coding of yours under the cursor");
            return;
        };
        let Some((_, ts)) = self.current() else {
            return;
        };
        let interview_id = ts.interview.clone();
        let interview = &self.project.interviews[&interview_id];
        let r = codings::aligned_span(interview, &c.lang, &c.span()).and_then(|(lang, span)| {
            let s = self
                .session
                .as_mut()
                .ok_or_else(|| crate::Error::usage("read-only session"))?;
            s.add(
                &self.project,
                NewCoding {
                    interview: interview_id.clone(),
                    lang: lang.clone(),
                    span,
                    code: c.code.to_string(),
                    memo: c.memo.clone(),
                    origin: Origin::Copied,
                },
            )
            .map(|n| {
                format!(
                    "copied {} to {lang} ({}..{}), saved",
                    n.code, n.start, n.end
                )
            })
        });
        self.after_change(&interview_id, r);
    }

    fn undo_redo(&mut self, undo: bool) {
        let interview = self.open_interview();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let r = if undo { s.undo() } else { s.redo() };
        let r = r.map(|what| match what {
            Some(w) => format!("{} {w}, saved", if undo { "undid:" } else { "redid:" }),
            None => format!("nothing to {}", if undo { "undo" } else { "redo" }),
        });
        // Undo may touch another interview than the open one; refresh every loaded one.
        let ids: Vec<String> = self.project.interviews.keys().cloned().collect();
        self.after_change(&interview, r);
        for id in ids {
            self.sync_mine(&id);
        }
    }

    /// Codes matching the picker query, best first: (code, score).
    pub fn picker_matches(&self, query: &str) -> Vec<&Code> {
        let Some(cb) = &self.project.codebook else {
            return Vec::new();
        };
        let q = query.to_lowercase();
        let mut scored: Vec<(i64, usize, &Code)> = cb
            .walk()
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let c = r.code;
                let hay = std::iter::once(c.id.as_str()).chain(c.name.values().map(String::as_str));
                hay.filter_map(|h| fuzzy_score(&h.to_lowercase(), &q))
                    .max()
                    .map(|s| (s, i, c))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, c)| c).collect()
    }

    fn overlay_key(&mut self, overlay: Overlay, k: KeyEvent) {
        match overlay {
            Overlay::Help => match k.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => {
                    self.help_scroll += if k.code == KeyCode::PageDown { 10 } else { 1 };
                    self.overlay = Some(Overlay::Help);
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => {
                    self.help_scroll = self
                        .help_scroll
                        .saturating_sub(if k.code == KeyCode::PageUp { 10 } else { 1 });
                    self.overlay = Some(Overlay::Help);
                }
                _ => self.help_scroll = 0, // any other key closes the help
            },
            Overlay::Picker {
                mut query,
                mut selected,
            } => {
                let n = self.picker_matches(&query).len();
                match k.code {
                    KeyCode::Esc => return,
                    KeyCode::Enter => {
                        if let Some(code) = self
                            .picker_matches(&query)
                            .get(selected)
                            .map(|c| c.id.clone())
                        {
                            self.apply_code(&code);
                        }
                        return;
                    }
                    KeyCode::Up => selected = selected.saturating_sub(1),
                    KeyCode::Down | KeyCode::Tab => {
                        selected = (selected + 1).min(n.saturating_sub(1))
                    }
                    KeyCode::Backspace => {
                        query.pop();
                        selected = 0;
                    }
                    KeyCode::Char(c) => {
                        query.push(c);
                        selected = 0;
                    }
                    _ => {}
                }
                self.overlay = Some(Overlay::Picker { query, selected });
            }
            Overlay::Prompt {
                kind,
                title,
                mut input,
            } => match k.code {
                KeyCode::Esc => {}
                KeyCode::Enter => self.submit_prompt(kind, input),
                KeyCode::Backspace => {
                    input.pop();
                    self.overlay = Some(Overlay::Prompt { kind, title, input });
                }
                KeyCode::Char(c) => {
                    input.push(c);
                    self.overlay = Some(Overlay::Prompt { kind, title, input });
                }
                _ => self.overlay = Some(Overlay::Prompt { kind, title, input }),
            },
        }
    }

    fn submit_prompt(&mut self, kind: PromptKind, input: String) {
        match kind {
            PromptKind::Memo(id) => {
                let interview = self.open_interview();
                let Some(s) = self.session.as_mut() else {
                    return;
                };
                let r = s
                    .set_memo(&id, input.trim())
                    .map(|c| format!("memo saved on {}", c.code));
                self.after_change(&interview, r);
            }
            PromptKind::Find => {
                if let Some(ts) = self.transcript.as_mut() {
                    ts.find = Some(input);
                }
                self.find(true);
            }
            PromptKind::AddCode(parent) => self.edit_codebook(|cb| {
                let id = input.trim().to_string();
                let color = cb
                    .find(&parent)
                    .map(|p| p.color.clone())
                    .unwrap_or_else(|| "#888888".into());
                let name = id
                    .rsplit('.')
                    .next()
                    .unwrap_or(&id)
                    .replace(['_', '-'], " ");
                let code = Code {
                    id: id.clone(),
                    name: BTreeMap::from([("en".to_string(), name)]),
                    color,
                    description: String::new(),
                    include: String::new(),
                    exclude: String::new(),
                    examples: Vec::new(),
                    rules: BTreeMap::new(),
                    children: Vec::new(),
                };
                cb.add(code, Some(&parent)).map(|_| format!("added {id}"))
            }),
            PromptKind::Rename(id) => self.edit_codebook(|cb| {
                cb.rename(
                    &id,
                    &BTreeMap::from([("en".to_string(), input.trim().to_string())]),
                )
                .map(|_| format!("renamed {id}"))
            }),
            PromptKind::Move(id) => self.edit_codebook(|cb| {
                let parent = input.trim();
                let parent = (!parent.is_empty() && parent != "-").then_some(parent);
                cb.move_code(&id, parent).map(|_| format!("moved {id}"))
            }),
            PromptKind::Merge(from) => self.merge_codes(&from, input.trim()),
        }
    }

    /// Applies a codebook edit to the codebook as it is on disk now (another session may
    /// have changed it since this one read it): the edit is re-applied to the newer version,
    /// never written over it, and the view shows what is on disk.
    fn edit_codebook(&mut self, f: impl FnOnce(&mut Codebook) -> Result<String, String>) {
        let mut msg = String::new();
        let r = crate::ops::edit_codebook(&self.root, self.project.codebook.as_ref(), |cb| {
            f(cb).map(|m| msg = m)
        });
        self.after_codebook_change(r, msg);
    }

    /// Shows the outcome of a codebook change: the codebook (and survey) as written, and a
    /// status that says when another session had changed it first.
    fn after_codebook_change(&mut self, r: crate::Result<crate::ops::Edited>, msg: String) {
        match r {
            Ok(e) => {
                self.project.codebook = Some(e.codebook);
                if e.survey.is_some() {
                    self.project.survey = e.survey;
                }
                self.report_cache = None;
                self.set_status(if e.was_newer {
                    format!("{msg} (the codebook had changed on disk; your edit was applied to the newer version)")
                } else {
                    msg
                });
            }
            Err(e) => self.set_status(format!("NOT SAVED: {e}")),
        }
    }

    /// A merge rewrites every coder's files, which needs every coder's lock, ours included:
    /// our session steps aside for it and comes back.
    fn merge_codes(&mut self, from: &str, into: &str) {
        self.session = None;
        let r = crate::ops::merge_codes(&self.root, self.project.codebook.as_ref(), from, into);
        self.session = Session::open(&self.root, &self.coder).ok();
        let msg = match &r {
            Ok(e) => format!(
                "merged {from} into {into}; {} coding(s) reassigned",
                e.codings
            ),
            Err(_) => String::new(),
        };
        let merged = r.is_ok();
        self.after_codebook_change(r, msg);
        if merged {
            self.reload_codings();
        }
    }

    /// Reads every coder's codings again (after a change that wrote other coders' files: a
    /// merge, a decision saved as the consensus coder), and recounts.
    fn reload_codings(&mut self) {
        let all = codings::load_for_analysis(&self.root, None);
        self.mine.clear();
        self.others = AllCodings {
            files: Vec::new(),
            problems: all.problems,
        };
        for f in all.files {
            if f.coder == self.coder {
                self.mine.insert(f.interview.clone(), f.codings);
            } else {
                self.others.files.push(f);
            }
        }
        self.report_cache = None;
    }

    fn codebook_action(&mut self, a: Action) {
        let Some(cb) = &self.project.codebook else {
            return;
        };
        let codes: Vec<String> = cb.walk().iter().map(|r| r.code.id.clone()).collect();
        let n = codes.len();
        let sel = codes
            .get(self.codebook_selected)
            .cloned()
            .unwrap_or_default();
        match a {
            Action::Up => self.codebook_selected = self.codebook_selected.saturating_sub(1),
            Action::Down => {
                self.codebook_selected = (self.codebook_selected + 1).min(n.saturating_sub(1))
            }
            Action::Top => self.codebook_selected = 0,
            Action::Bottom => self.codebook_selected = n.saturating_sub(1),
            Action::Add => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::AddCode(sel.clone()),
                    title: format!("id of the new sub-code of {sel}"),
                    input: format!("{sel}."),
                })
            }
            Action::Rename => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Rename(sel.clone()),
                    title: format!("English name of {sel}"),
                    input: cb
                        .find(&sel)
                        .and_then(|c| c.name.get("en").cloned())
                        .unwrap_or_default(),
                })
            }
            Action::Move => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Move(sel.clone()),
                    title: format!("move {sel} under (code id, or - for the top)"),
                    input: String::new(),
                })
            }
            Action::Merge => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Merge(sel.clone()),
                    title: format!("merge {sel} into (code id)"),
                    input: String::new(),
                })
            }
            _ => {}
        }
    }

    fn report_action(&mut self, a: Action) {
        match a {
            Action::AllCoders => {
                self.report_all_coders = !self.report_all_coders;
                self.report_cache = None;
            }
            Action::Down => {
                self.report_scroll = (self.report_scroll + 1).min(self.report_scroll_max.get())
            }
            Action::Up => self.report_scroll = self.report_scroll.saturating_sub(1),
            Action::Top => self.report_scroll = 0,
            _ => {}
        }
    }

    pub fn refresh_suggestions(&mut self) {
        let Some(cb) = &self.project.codebook else {
            return;
        };
        match autocode::compile(cb) {
            Ok(rules) => {
                let mine = &self.mine;
                let rejected = autocode::rejected(&self.root, &self.coder);
                self.suggestions = autocode::suggest(&self.project, &rules)
                    .into_iter()
                    .filter(|s| {
                        !rejected.contains(&(
                            s.interview.clone(),
                            s.lang.clone(),
                            s.segment,
                            s.code.clone(),
                        ))
                    })
                    .filter(|s| {
                        !mine.get(&s.interview).is_some_and(|v| {
                            v.iter().any(|c| {
                                c.lang == s.lang
                                    && c.code == s.code
                                    && c.start < s.span.end
                                    && s.span.start < c.end
                            })
                        })
                    })
                    .collect();
                self.suggestions_selected = 0;
            }
            Err(e) => self.set_status(e.to_string()),
        }
    }

    fn suggestions_action(&mut self, a: Action) {
        let n = self.suggestions.len();
        match a {
            Action::Up => self.suggestions_selected = self.suggestions_selected.saturating_sub(1),
            Action::Down => {
                self.suggestions_selected = (self.suggestions_selected + 1).min(n.saturating_sub(1))
            }
            Action::PageDown => {
                self.suggestions_selected =
                    (self.suggestions_selected + 10).min(n.saturating_sub(1))
            }
            Action::PageUp => {
                self.suggestions_selected = self.suggestions_selected.saturating_sub(10)
            }
            Action::Open => {
                if self.suggestions_selected >= n {
                    return;
                }
                let s = self.suggestions[self.suggestions_selected].clone();
                let Some(session) = self.session.as_mut() else {
                    self.set_status("read-only session");
                    return;
                };
                let r = session
                    .add(&self.project, s.accepted())
                    .map(|c| format!("accepted {} in {} ({}), saved", c.code, s.interview, s.lang));
                if r.is_ok() {
                    self.suggestions.remove(self.suggestions_selected);
                }
                self.after_change(&s.interview, r);
                self.suggestions_selected = self
                    .suggestions_selected
                    .min(self.suggestions.len().saturating_sub(1));
            }
            Action::Reject if self.suggestions_selected < n => {
                if let Err(e) = autocode::reject(
                    &self.root,
                    &self.coder,
                    &self.suggestions[self.suggestions_selected],
                ) {
                    self.set_status(format!("NOT SAVED: {e}"));
                    return;
                }
                let s = self.suggestions.remove(self.suggestions_selected);
                self.set_status(format!("rejected {} in {}, saved", s.code, s.interview));
                self.suggestions_selected = self
                    .suggestions_selected
                    .min(self.suggestions.len().saturating_sub(1));
            }
            _ => {}
        }
    }

    /// Compares the first two coders (other than the consensus coder) and lists the segments
    /// they disagree on that the consensus coder has not decided yet.
    pub fn refresh_disputes(&mut self) {
        let all = self.all_codings(true);
        // The same pair whose consensus the reports count.
        let coders = crate::report::passages::reconciled_coders(&all);
        if coders.len() < 2 {
            self.set_status("disagreements need two coders with codings");
            return;
        }
        self.compared = coders;
        let decided = crate::agreement::decided(&self.root);
        self.disputes = crate::agreement::disagreements(&self.project, &all, &self.compared)
            .into_iter()
            .filter(|d| !decided.contains(&(d.interview.clone(), d.lang.clone(), d.segment)))
            .collect();
        self.disputes_selected = 0;
    }

    /// Records a decision on the selected dispute into the consensus coder: the chosen
    /// coders' codings on that segment (an empty choice is recorded too, as a marker coding
    /// is not possible without a code: it is simply dropped from the list).
    fn decide(&mut self, decision: Decision) {
        let Some(d) = self.disputes.get(self.disputes_selected).cloned() else {
            return;
        };
        let takes = |k: usize| {
            matches!(
                (decision, k),
                (Decision::Both, _) | (Decision::First, 0) | (Decision::Second, 1)
            )
        };
        let all = self.all_codings(true);
        let span = self.project.interviews[&d.interview].versions[&d.lang].segment_span(d.segment);
        let mut chosen: Vec<Coding> = Vec::new();
        for (_, coder) in self.compared.iter().enumerate().filter(|(k, _)| takes(*k)) {
            let on_segment = all.iter().filter(|(f, c)| {
                &f.coder == coder
                    && f.interview == d.interview
                    && c.lang == d.lang
                    && c.start < span.end
                    && span.start < c.end
            });
            for (_, c) in on_segment {
                if !chosen
                    .iter()
                    .any(|x| x.code == c.code && x.span() == c.span())
                {
                    chosen.push(c.clone());
                }
            }
        }
        let mut session = match Session::open(&self.root, CONSENSUS) {
            Ok(s) => s,
            Err(e) => {
                self.set_status(format!("NOT SAVED: {e}"));
                return;
            }
        };
        for c in &chosen {
            let new = NewCoding {
                interview: d.interview.clone(),
                lang: d.lang.clone(),
                span: c.span(),
                code: c.code.to_string(),
                memo: c.memo.clone(),
                origin: Origin::Copied,
            };
            if let Err(e) = session.add(&self.project, new) {
                self.set_status(format!("NOT SAVED: {e}"));
                return;
            }
        }
        if let Err(e) = crate::agreement::record_decision(&self.root, &d, decision) {
            self.set_status(format!("NOT SAVED: {e}"));
            return;
        }
        let who = match decision {
            Decision::Both => "both".to_string(),
            Decision::First => self.compared[0].clone(),
            Decision::Second => self.compared[1].clone(),
            Decision::Neither => "neither".to_string(),
        };
        // The consensus coder's file changed on disk: the counts must show it.
        drop(session);
        self.reload_codings();
        self.disputes.remove(self.disputes_selected);
        self.disputes_selected = self
            .disputes_selected
            .min(self.disputes.len().saturating_sub(1));
        self.set_status(format!(
            "{} {} seg {}: took {who} ({} coding(s) to {CONSENSUS}), saved",
            d.interview,
            d.lang,
            d.segment,
            chosen.len()
        ));
    }

    fn disagreements_action(&mut self, a: Action) {
        let n = self.disputes.len();
        match a {
            Action::Up => self.disputes_selected = self.disputes_selected.saturating_sub(1),
            Action::Down => {
                self.disputes_selected = (self.disputes_selected + 1).min(n.saturating_sub(1))
            }
            Action::TakeFirst => self.decide(Decision::First),
            Action::TakeSecond => self.decide(Decision::Second),
            Action::TakeBoth => self.decide(Decision::Both),
            Action::TakeNeither => self.decide(Decision::Neither),
            Action::Open => {
                if let Some(d) = self.disputes.get(self.disputes_selected).cloned() {
                    let pos = self.project.interviews[&d.interview].versions[&d.lang]
                        .segment_span(d.segment)
                        .start;
                    self.show_others = true;
                    self.open_transcript(&d.interview, &d.lang, pos);
                }
            }
            _ => {}
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
    fn position_at(&self, col: u16, row: u16) -> Option<usize> {
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

/// Subsequence match score (higher is better), `None` if `needle` is not a subsequence.
pub fn fuzzy_score(hay: &str, needle: &str) -> Option<i64> {
    if needle.is_empty() {
        return Some(0);
    }
    let mut score = 0i64;
    let mut it = hay.char_indices().peekable();
    let mut last: Option<usize> = None;
    for n in needle.chars() {
        let mut found = None;
        for (i, h) in it.by_ref() {
            if h == n {
                found = Some(i);
                break;
            }
        }
        let i = found?;
        score += match last {
            Some(l) if i == l + n.len_utf8().max(1) || hay[l..i].chars().count() == 1 => 8,
            _ => 1,
        };
        if i == 0 || hay[..i].ends_with(['.', ' ', '_', '-']) {
            score += 4;
        }
        last = Some(i);
    }
    Some(score * 100 - hay.chars().count() as i64)
}
