//! The search worker: a thread that opens (and if needed builds) the search index and
//! answers queries, so typing never waits for the index. Answers carry the number of the
//! query they answer; the UI ignores answers to queries it has since replaced.

use crate::search::{Freshness, Results, SearchIndex};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};

pub enum Request {
    Query {
        seq: u64,
        query: String,
        limit: usize,
    },
    /// An interview's transcripts changed (an edit in this session): index them again.
    Reindex { interview: String },
    /// One segment's text was edited: its document is replaced at once (the interview as it
    /// now is), and the interview indexed again when no query waits.
    Replace {
        interview: Box<crate::project::Interview>,
        lang: String,
        segment: usize,
    },
}

pub enum Reply {
    Progress {
        done: usize,
        total: usize,
    },
    Ready {
        segments: usize,
        rebuilt: Option<String>,
    },
    Failed(String),
    Results {
        seq: u64,
        result: Result<Results, String>,
    },
}

pub struct Worker {
    pub tx: Sender<Request>,
    pub rx: Receiver<Reply>,
}

impl Worker {
    pub fn start(root: PathBuf) -> Worker {
        let (tx, requests) = channel::<Request>();
        let (replies, rx) = channel::<Reply>();
        std::thread::Builder::new()
            .name("intercode-search".into())
            .spawn(move || {
                let progress_tx = replies.clone();
                let mut progress = move |done, total| {
                    let _ = progress_tx.send(Reply::Progress { done, total });
                };
                let idx = match SearchIndex::open(&root, None, &mut progress) {
                    Ok((idx, fresh)) => {
                        let rebuilt = match fresh {
                            Freshness::Rebuilt { reason } => Some(reason),
                            _ => None,
                        };
                        let _ = replies.send(Reply::Ready {
                            segments: idx.len(),
                            rebuilt,
                        });
                        idx
                    }
                    Err(e) => {
                        let _ = replies.send(Reply::Failed(e.to_string()));
                        return;
                    }
                };
                let mut idx = idx;
                // Interviews to index again once no query waits (after an edit, whose segment
                // was replaced at once).
                let mut later: Vec<String> = Vec::new();
                loop {
                    let request = if later.is_empty() {
                        match requests.recv() {
                            Ok(r) => r,
                            Err(_) => break,
                        }
                    } else {
                        match requests.recv_timeout(std::time::Duration::from_millis(100)) {
                            Ok(r) => r,
                            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                                for id in std::mem::take(&mut later) {
                                    reindex(&root, &mut idx, &id);
                                }
                                continue;
                            }
                            Err(_) => break,
                        }
                    };
                    let Some((mut seq, mut query, mut limit)) =
                        take(&root, &mut idx, &mut later, request)
                    else {
                        continue;
                    };
                    // Only the newest of the queries waiting matters (the user kept typing); an
                    // edit waiting is indexed first, so the query sees the new text.
                    while let Ok(r) = requests.try_recv() {
                        if let Some(q) = take(&root, &mut idx, &mut later, r) {
                            (seq, query, limit) = q;
                        }
                    }
                    let result = idx.search(&query, limit, None).map_err(|e| e.to_string());
                    if replies.send(Reply::Results { seq, result }).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn search thread");
        Worker { tx, rx }
    }
}

/// Applies an update to the index, or hands back a query: (sequence, query, limit).
fn take(
    root: &std::path::Path,
    idx: &mut SearchIndex,
    later: &mut Vec<String>,
    request: Request,
) -> Option<(u64, String, usize)> {
    match request {
        Request::Query { seq, query, limit } => return Some((seq, query, limit)),
        Request::Reindex { interview } => reindex(root, idx, &interview),
        Request::Replace {
            interview,
            lang,
            segment,
        } => {
            let _ = idx.replace_segment(&interview, &lang, segment);
            if !later.contains(&interview.id) {
                later.push(interview.id.clone());
            }
        }
    }
    None
}

/// Indexes one interview's transcripts again, as they are on disk.
fn reindex(root: &std::path::Path, idx: &mut SearchIndex, interview: &str) {
    let Ok((mut project, _)) = crate::project::Project::load_outline(root) else {
        return;
    };
    if let Some(i) = project.interviews.get_mut(interview) {
        i.versions = i.read_versions().versions;
    }
    let _ = idx.update_interview(&project, interview);
}
