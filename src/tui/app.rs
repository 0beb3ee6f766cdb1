//! The application state and its update function: every key, mouse event and worker reply
//! becomes a change of state here, in one place (`handle_event` -> `act` -> the view's
//! action in `views/`). Drawing (in `draw` and each view) only reads the state.

use crate::codings::{self, store::Session, AllCodings, Coding};
use crate::project::Project;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::popups::Overlay;
use crate::tui::views::{search::SearchState, transcript::TranscriptState, View};
use crate::tui::worker::Worker;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What changes the app, fed to [`App::step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(ratatui::crossterm::event::MouseEvent),
    /// A frame of this size is about to be drawn.
    Frame(ratatui::layout::Rect),
    /// Time passed: worker replies and outside changes are taken in.
    Tick,
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
    pub interviews_view: crate::tui::views::interviews::InterviewsState,
    pub transcript: Option<TranscriptState>,
    pub show_others: bool,
    pub search: SearchState,
    pub codebook_view: crate::tui::views::codebook::CodebookState,
    pub suggestions_view: crate::tui::views::suggestions::SuggestionsState,
    pub report_view: crate::tui::views::report::ReportState,
    pub status: String,
    pub saved: bool,
    pub index_state: crate::tui::worker_replies::IndexState,
    pub worker: Option<Worker>,
    pub color: bool,
    pub quit: bool,
    pub search_limit: usize,
    pub disputes_view: crate::tui::views::disagreements::DisputesState,
    pub retrieval_view: crate::tui::views::retrieval::RetrievalState,
    /// This session's transcript edits, for undo and redo.
    pub edits: crate::tui::views::transcript::edit::EditHistory,
    pub help_view: crate::tui::popups::HelpState,
    /// The recording player and follow mode.
    pub listen: crate::tui::listen::Listen,
    /// The full project, while it is being read behind the outline.
    pub loading: Option<Loading>,
    /// A transcript asked for while the transcripts were still being read.
    /// (interview, language, position, parallel view)
    pub pending_open: Option<(String, String, usize, bool)>,
    /// A large project: transcripts are read when opened (see `loaded`).
    pub on_demand: bool,
    /// Interviews whose transcripts are in memory, least recently opened first.
    pub recent: std::collections::VecDeque<String>,
    /// The size and modification time of the codebook and survey files when last read, to
    /// notice another session's changes.
    shared_stamp: Option<Vec<Option<(u64, std::time::SystemTime)>>>,
    /// When the shared files were last looked at (every second at most).
    shared_checked: std::time::Instant,
}

/// The project being read on another thread.
pub type Loading = std::sync::mpsc::Receiver<crate::Result<(Project, Vec<crate::Problem>)>>;

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
        // A large project is not read whole: its transcripts are read when opened.
        let on_demand = start_worker
            && crate::tui::loaded::transcript_bytes(&project)
                > crate::tui::loaded::WHOLE_PROJECT_BYTES;
        let loading = (start_worker && !on_demand).then(|| {
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
            interviews_view: Default::default(),
            transcript: None,
            show_others: false,
            search: SearchState::default(),
            codebook_view: Default::default(),
            suggestions_view: Default::default(),
            report_view: Default::default(),
            status: if status.is_empty() {
                "press ? for help".into()
            } else {
                status
            },
            saved: true,
            index_state: if start_worker {
                crate::tui::worker_replies::IndexState::Opening
            } else {
                crate::tui::worker_replies::IndexState::Off
            },
            worker: start_worker.then(|| Worker::start(root.to_path_buf())),
            color,
            quit: false,
            search_limit: 500,
            disputes_view: Default::default(),
            retrieval_view: Default::default(),
            edits: Default::default(),
            help_view: Default::default(),
            listen: Default::default(),
            loading,
            pending_open: None,
            on_demand,
            recent: Default::default(),
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
            self.report_view.data = None;
            self.retrieval_view.data = None;
            self.set_status("the codebook changed on disk (another session); reloaded");
        }
        changed
    }

    pub(crate) fn set_status(&mut self, s: impl Into<String>) {
        self.status = s.into();
    }

    /// The one entry for every change: a key, the mouse, a frame about to be drawn, or time
    /// passing (which delivers the worker's replies and notices other sessions' changes).
    pub fn step(&mut self, msg: Msg) {
        match msg {
            Msg::Key(k) => self.handle_key(k),
            Msg::Mouse(m) => self.mouse(m),
            Msg::Frame(area) => self.prepare(area),
            Msg::Tick => {
                self.drain_worker();
                self.notice_outside_changes();
                self.listen_tick();
                self.poll_learning();
            }
        }
    }

    /// The mouse: the transcript has its own handling (click, drag, wheel); every list view
    /// moves its selection with the wheel, as with j and k.
    fn mouse(&mut self, m: ratatui::crossterm::event::MouseEvent) {
        use ratatui::crossterm::event::MouseEventKind;
        if self.view == View::Transcript || self.overlay.is_some() {
            return self.handle_mouse(m);
        }
        let down = match m.kind {
            MouseEventKind::ScrollDown => true,
            MouseEventKind::ScrollUp => false,
            _ => return,
        };
        if self.view == View::Search {
            let key = if down { KeyCode::Down } else { KeyCode::Up };
            self.search.in_results = true;
            self.search_key(KeyEvent::from(key));
        } else {
            self.act(if down { Action::Down } else { Action::Up });
        }
    }

    /// Pasted text goes into whatever is being typed: the editor, a prompt, the search box
    /// (as one line).
    fn paste(&mut self, text: &str) {
        let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        match self.overlay.as_mut() {
            Some(Overlay::Editor(ed)) => ed.insert(&line),
            Some(Overlay::Prompt { input, .. }) => input.push_str(&line),
            Some(Overlay::Picker {
                query, selected, ..
            }) => {
                query.push_str(&line);
                *selected = 0;
            }
            Some(_) => {}
            None if self.view == View::Search && !self.search.in_results => {
                self.search.query.push_str(&line);
                self.run_search();
            }
            None => {}
        }
    }

    /// Handles one terminal event.
    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != ratatui::crossterm::event::KeyEventKind::Release => {
                self.step(Msg::Key(k))
            }
            Event::Mouse(m) => self.step(Msg::Mouse(m)),
            Event::Paste(text) => self.paste(&text),
            // The next frame's `Msg::Frame` fits the state to the new size.
            _ => {}
        }
    }

    pub fn handle_key(&mut self, k: KeyEvent) {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            // In the editor Ctrl-C cancels the edit (a habit from shells), never losing it
            // silently by quitting.
            if matches!(self.overlay, Some(Overlay::Editor(_))) {
                self.overlay = None;
                self.set_status("edit cancelled; nothing changed");
                return;
            }
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
            ViewRetrieval => self.switch(View::Retrieval),
            ViewMemos => self.retrieve_memos(),
            Play | PlayOn | PauseResume | JumpBack | JumpForward | Slower | Faster
            | LoopPassage | Follow => self.listen_action(a),
            _ => match self.view {
                View::Transcript => self.transcript_action(a),
                View::Interviews => self.list_action(a),
                View::Codebook => self.codebook_action(a),
                View::Report => self.report_action(a),
                View::Suggestions => self.suggestions_action(a),
                View::Disagreements => self.disagreements_action(a),
                View::Retrieval => self.retrieval_action(a),
                View::Search => {}
            },
        }
    }

    pub(crate) fn switch(&mut self, v: View) {
        if v == View::Transcript && self.transcript.is_none() {
            self.set_status("open an interview first (Enter in the interview list)");
            return;
        }
        if matches!(v, View::Suggestions | View::Disagreements | View::Retrieval)
            && self.still_loading()
        {
            return;
        }
        if v == View::Suggestions && self.suggestions_view.list.is_empty() {
            self.refresh_suggestions();
        }
        if v == View::Disagreements && self.disputes_view.compared.is_empty() {
            self.refresh_disputes();
        }
        if v == View::Search {
            // Coming to the view is coming to type a query.
            self.search.in_results = false;
        }
        self.view = v;
    }

    pub(crate) fn sync_mine(&mut self, interview: &str) {
        if let Some(s) = self.session.as_mut() {
            if let Ok(c) = s.codings(interview) {
                self.mine.insert(interview.to_string(), c.to_vec());
            }
        }
    }

    pub(crate) fn after_change(&mut self, interview: &str, result: crate::Result<String>) {
        self.report_view.data = None;
        self.retrieval_view.data = None;
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

    /// Shows the outcome of a codebook change: the codebook (and survey) as written, and a
    /// status that says when another session had changed it first.
    pub(crate) fn after_codebook_change(
        &mut self,
        r: crate::Result<crate::ops::Edited>,
        msg: String,
    ) {
        match r {
            Ok(e) => {
                self.project.codebook = Some(e.codebook);
                if e.survey.is_some() {
                    self.project.survey = e.survey;
                }
                self.report_view.data = None;
                self.retrieval_view.data = None;
                self.set_status(if e.was_newer {
                    format!("{msg} (the codebook had changed on disk; your edit was applied to the newer version)")
                } else {
                    msg
                });
            }
            Err(e) => self.set_status(format!("NOT SAVED: {e}")),
        }
    }

    /// Reads every coder's codings again (after a change that wrote other coders' files: a
    /// merge, a decision saved as the consensus coder), and recounts.
    pub(crate) fn reload_codings(&mut self) {
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
        self.report_view.data = None;
        self.retrieval_view.data = None;
    }

    /// Codings for counts: yours, or everyone's.
    pub fn all_codings(&self, everyone: bool) -> crate::codings::AllCodings {
        let mut all = crate::codings::AllCodings::default();
        for (i, v) in &self.mine {
            let mut f = crate::codings::CodingFile::new(&self.coder, i);
            f.codings = v.clone();
            all.files.push(f);
        }
        if everyone {
            all.files.extend(self.others.files.iter().cloned());
        }
        all
    }
}
