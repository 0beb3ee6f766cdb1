//! The app's side of the worker thread and the background load: search results, index
//! progress and the full project arriving behind the outline.

use crate::codings::{self};
use crate::tui::app::*;
use crate::tui::worker::Reply;

/// The search index, as the status bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexState {
    /// No worker (tests).
    Off,
    Opening,
    Indexing {
        done: usize,
        total: usize,
    },
    Ready {
        segments: usize,
        rebuilt: bool,
    },
    Unavailable,
}

impl IndexState {
    /// True while the index is not ready yet.
    pub fn busy(self) -> bool {
        matches!(self, IndexState::Opening | IndexState::Indexing { .. })
    }
}

impl std::fmt::Display for IndexState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndexState::Off => f.write_str("off"),
            IndexState::Opening => f.write_str("opening…"),
            IndexState::Indexing { done, total } => write!(f, "indexing {done}/{total}"),
            IndexState::Ready {
                segments,
                rebuilt: true,
            } => write!(f, "built, {segments} segments"),
            IndexState::Ready { segments, .. } => write!(f, "{segments} segments"),
            IndexState::Unavailable => f.write_str("unavailable"),
        }
    }
}

impl App {
    /// Applies what the search worker has sent since the last call.
    pub fn drain_worker(&mut self) -> bool {
        let mut changed = self.poll_loading();
        let Some(w) = &self.worker else { return false };
        let replies: Vec<Reply> = w.rx.try_iter().collect();
        for r in replies {
            changed = true;
            match r {
                Reply::Progress { done, total } => {
                    self.index_state = IndexState::Indexing { done, total }
                }
                // The index state has its own place in the status bar: the message line stays
                // with what the user did last.
                Reply::Ready { segments, rebuilt } => {
                    self.index_state = IndexState::Ready {
                        segments,
                        rebuilt: rebuilt.is_some(),
                    };
                }
                Reply::Failed(e) => {
                    self.index_state = IndexState::Unavailable;
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
    pub(crate) fn poll_loading(&mut self) -> bool {
        let Some(rx) = &self.loading else {
            return false;
        };
        match rx.try_recv() {
            Ok(Ok((mut full, problems))) => {
                // The codebook may have been edited while the transcripts were read.
                full.codebook = self.project.codebook.take().or(full.codebook);
                self.project = full;
                self.loading = None;
                self.report_view.data = None;
                self.retrieval_view.data = None;
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
                if let Some((id, lang, pos, parallel)) = self.pending_open.take() {
                    self.open_transcript(&id, &lang, pos);
                    if let Some(ts) = self.transcript.as_mut() {
                        ts.parallel = parallel;
                        ts.layout = None;
                    }
                    self.scroll_to_cursor(true);
                    if errors == 0 {
                        self.set_status(format!("opened {id} ({lang})"));
                    }
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
    pub(crate) fn still_loading(&mut self) -> bool {
        if self.loading.is_some() {
            self.set_status("reading the transcripts… a moment");
            return true;
        }
        false
    }

    /// Waits for the worker to answer the current query (tests and benchmarks).
    pub fn wait_for_search(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while (self.loading.is_some() || self.search.waiting || self.index_state.busy())
            && std::time::Instant::now() < deadline
        {
            if !self.drain_worker() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }
}

impl App {
    /// Tells the search worker that an interview's transcripts changed on disk: when only
    /// one segment's text changed (`edited`: language and segment), that segment's document
    /// is replaced at once and the interview indexed again after; otherwise the interview is
    /// indexed again now.
    pub(crate) fn reindex(&mut self, interview: &str, edited: Option<(String, usize)>) {
        if let Some(w) = &self.worker {
            let request = match (edited, self.project.interviews.get(interview)) {
                (Some((lang, segment)), Some(i)) => crate::tui::worker::Request::Replace {
                    interview: Box::new(i.clone()),
                    lang,
                    segment,
                },
                _ => crate::tui::worker::Request::Reindex {
                    interview: interview.to_string(),
                },
            };
            let _ = w.tx.send(request);
        }
        // Results already shown may quote the old text: the query runs again.
        if !self.search.query.is_empty() {
            self.run_search();
        }
    }
}
