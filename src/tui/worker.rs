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
                while let Ok(Request::Query {
                    mut seq,
                    mut query,
                    mut limit,
                }) = requests.recv()
                {
                    // Only the newest of the queries waiting matters (the user kept typing).
                    while let Ok(Request::Query {
                        seq: s,
                        query: q,
                        limit: l,
                    }) = requests.try_recv()
                    {
                        (seq, query, limit) = (s, q, l);
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
