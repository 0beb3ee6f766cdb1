//! The search index: one tantivy document per segment, in `.intercode/index`. It is a cache
//! of the transcripts and participants.csv: opened when fresh, updated per interview when
//! some changed, rebuilt from scratch when missing, corrupt or of an older schema. Nothing in
//! it is the only copy of anything.
//!
//! (Over 900 lines on purpose: the schema, the writer, the reader and the freshness checks
//! share private fields that must change together; its tests are in `index_tests.rs`.)

use super::analyzer::{forms, is_latin_form, Form, FormTokenizer};
use super::cachedir::CacheDirectory;
use super::collect::top_and_count;
use super::query::{self, Node};
use super::{highlights, Hit, Results};
use crate::codings;
use crate::error::{Error, Result};
use crate::project::{self, Project, CACHE_DIR};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::{
    AllQuery, BooleanQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Why an index on disk could not be used (and was rebuilt), as the rebuild message says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Unusable {
    #[error("there was none")]
    Missing,
    #[error("its metadata is unreadable")]
    Metadata,
    #[error("it could not be opened ({0})")]
    Unopenable(String),
    #[error("its schema is different")]
    Schema,
    #[error("it could not be read ({0})")]
    Unreadable(String),
    #[error("it is damaged{}", .0.as_ref().map(|e| format!(" ({e})")).unwrap_or_default())]
    Damaged(Option<String>),
}

/// Bumped whenever the schema or the analysis changes; an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 6; // 6: a document's line

const META_FILE: &str = "intercode-meta.json";

/// What opening the index had to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    Updated { changed: usize, removed: usize },
    Rebuilt { reason: String },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    schema: u32,
    /// File name -> (size, modified ns): a quick check that nothing changed.
    fingerprints: BTreeMap<String, (u64, u128)>,
    /// Interview id -> content hash of everything indexed for it.
    interviews: BTreeMap<String, u64>,
    attributes: Vec<String>,
    /// Interview id -> its participant's attributes (names and values lower-cased). Kept
    /// here rather than on every segment's document: a filter such as `gender:female`
    /// becomes the set of matching interviews, and indexing writes seven fewer terms per
    /// segment.
    #[serde(default)]
    participants: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Clone, Copy)]
struct Fields {
    interview: Field,
    lang: Field,
    key: Field,
    speaker: Field,
    segment: Field,
    start_ms: Field,
    end_ms: Field,
    /// A document segment's line; 0 for a timed cue.
    line: Field,
    seg_start: Field,
    seg_end: Field,
    text: Field,
    exact: Field,
    translit: Field,
    /// Where the aligned translation is: this document's id plus `other_delta` is the first
    /// of `other_n` documents of the other language version (see `translation`).
    other_delta: Field,
    other_n: Field,
    /// The other version's language and first aligned segment, for the slow way round.
    other_lang: Field,
    other_seg: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analysed = |tokenizer: &str, stored: bool| {
        let idx = TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let o = TextOptions::default().set_indexing_options(idx);
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let fields = Fields {
        interview: b.add_text_field("interview", STRING | STORED),
        lang: b.add_text_field("lang", STRING | STORED),
        key: b.add_text_field("key", STRING),
        speaker: b.add_text_field("speaker", analysed("ic_exact", true)),
        segment: b.add_u64_field("segment", STORED),
        start_ms: b.add_u64_field("start_ms", STORED),
        end_ms: b.add_u64_field("end_ms", STORED),
        line: b.add_u64_field("line", STORED),
        seg_start: b.add_u64_field("seg_start", STORED),
        seg_end: b.add_u64_field("seg_end", STORED),
        text: b.add_text_field("text", analysed("ic_stem", true)),
        exact: b.add_text_field("exact", analysed("ic_exact", false)),
        translit: b.add_text_field("translit", analysed("ic_translit", false)),
        other_delta: b.add_i64_field("other_delta", STORED),
        other_n: b.add_u64_field("other_n", STORED),
        other_lang: b.add_text_field("other_lang", STORED),
        other_seg: b.add_u64_field("other_seg", STORED),
    };
    (b.build(), fields)
}

/// What every opened or new index needs before use: its tokenizers (not stored in the index,
/// so registered on every open), searching on both cores, and a reader reloaded by hand.
fn ready(mut index: Index) -> tantivy::Result<(Index, IndexReader, Arc<AtomicU64>)> {
    let analysed = Arc::new(AtomicU64::new(0));
    register_tokenizers(&index, &analysed);
    let _ = index.set_default_multithread_executor();
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok((index, reader, analysed))
}

/// Tokenizers are not stored in the index: they are registered on every open. The `text`
/// field's counts the segments analysed (each document has one text).
fn register_tokenizers(index: &Index, analysed: &Arc<AtomicU64>) {
    index.tokenizers().register(
        "ic_stem",
        FormTokenizer::new(Form::Stem)
            .latin_only()
            .counting(analysed.clone()),
    );
    index
        .tokenizers()
        .register("ic_exact", FormTokenizer::new(Form::Exact));
    index
        .tokenizers()
        .register("ic_translit", FormTokenizer::new(Form::Translit));
}

fn tv(e: tantivy::TantivyError, dir: &Path) -> Error {
    Error::data(dir, None, format!("search index: {e}"))
}

/// FNV-1a: a stable content hash (the index outlives any one build of intercode).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(&mut self, b: &[u8]) {
        for x in b {
            self.0 ^= u64::from(*x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
    fn num(&mut self, n: u64) {
        self.bytes(&n.to_le_bytes());
    }
}

/// What an interview's index entries were built from: its files' names, sizes and
/// modification times. Comparing these needs no file to be read, so a large project is only
/// opened file by file for the interviews that changed.
fn interview_stamp(i: &project::Interview, fp: &BTreeMap<String, (u64, u128)>) -> u64 {
    let mut h = Fnv::new();
    for (lang, path) in &i.files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let (size, mtime) = fp.get(name).copied().unwrap_or((u64::MAX, 0));
        h.bytes(lang.as_bytes());
        h.bytes(name.as_bytes());
        h.num(size);
        h.bytes(&mtime.to_le_bytes());
    }
    h.0
}

/// (size, modified ns) of a file.
fn stamp_of(m: &std::fs::Metadata) -> (u64, u128) {
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    (m.len(), mtime)
}

/// (size, mtime) of every file the index depends on.
fn fingerprints(root: &Path) -> BTreeMap<String, (u64, u128)> {
    let mut out = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir(root.join(project::TRANSCRIPTS_DIR)) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let relevant =
                name == "participants.csv" || project::split_transcript_name(&name).is_some();
            if let (true, Ok(m)) = (relevant, e.metadata()) {
                out.insert(name, stamp_of(&m));
            }
        }
    }
    out
}

/// Attribute names and values as filters compare them.
fn lowered(attributes: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    attributes
        .iter()
        .map(|(k, v)| (k.to_lowercase(), v.to_lowercase()))
        .collect()
}

/// An open, up-to-date search index.
pub struct SearchIndex {
    root: PathBuf,
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    f: Fields,
    meta: Meta,
    /// Segments analysed by the index's tokenizer, and handed to tantivy, so far: the
    /// difference is what waits in tantivy's queue (see `add_interview`).
    analysed: Arc<AtomicU64>,
    submitted: AtomicU64,
}

impl SearchIndex {
    /// The index folder of a project.
    pub fn dir_of(root: &Path) -> PathBuf {
        root.join(CACHE_DIR).join("index")
    }

    /// Opens the project's index, bringing it up to date first. `project` is loaded only if
    /// something changed (pass one you already have to save the work). `progress` is called
    /// with (interviews done, interviews to index) while indexing.
    pub fn open(
        root: &Path,
        project: Option<&Project>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(SearchIndex, Freshness)> {
        let dir = Self::dir_of(root);
        let fp = fingerprints(root);
        let existing = Self::open_existing(root, &dir);
        let (mut idx, reason) = match existing {
            Ok(idx) if idx.meta.schema == SCHEMA_VERSION => {
                if idx.meta.fingerprints == fp {
                    return Ok((idx, Freshness::Fresh));
                }
                (idx, None)
            }
            Ok(idx) => {
                let why = format!(
                    "it was built by another version of intercode (schema {})",
                    idx.meta.schema
                );
                drop(idx);
                (Self::create(root, &dir)?, Some(why))
            }
            Err(why) => (Self::create(root, &dir)?, Some(why.to_string())),
        };
        // Without a loaded project, only its outline is read here; `sync` then reads the
        // transcripts of the interviews to index one at a time.
        let loaded;
        let project = match project {
            Some(p) => p,
            None => {
                loaded = Project::load_outline(root)?.0;
                &loaded
            }
        };
        let (changed, removed) = idx.sync(project, &fp, progress)?;
        idx.meta.fingerprints = fp;
        idx.save_meta()?;
        let freshness = match reason {
            Some(reason) => Freshness::Rebuilt { reason },
            None => Freshness::Updated { changed, removed },
        };
        Ok((idx, freshness))
    }

    fn open_existing(root: &Path, dir: &Path) -> std::result::Result<SearchIndex, Unusable> {
        // tantivy can panic on damaged files (arithmetic on garbage lengths); a damaged cache
        // must only cost a rebuild, so a panic here is caught, silently, and reported as such.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let result = std::panic::catch_unwind(|| Self::try_open_existing(root, dir));
        std::panic::set_hook(previous);
        result.unwrap_or_else(|_| Err(Unusable::Damaged(None)))
    }

    fn try_open_existing(root: &Path, dir: &Path) -> std::result::Result<SearchIndex, Unusable> {
        if !dir.join(META_FILE).is_file() {
            return Err(Unusable::Missing);
        }
        let meta: Meta = std::fs::read(dir.join(META_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or(Unusable::Metadata)?;
        let index = CacheDirectory::open(dir)
            .map_err(tantivy::TantivyError::from)
            .and_then(Index::open)
            .map_err(|e| Unusable::Unopenable(e.to_string()))?;
        let (schema, f) = schema();
        if index.schema() != schema {
            return Err(Unusable::Schema);
        }
        let (index, reader, analysed) =
            ready(index).map_err(|e| Unusable::Unreadable(e.to_string()))?;
        // Touch every segment once, so that a damaged file is found now rather than mid-query.
        let searcher = reader.searcher();
        searcher
            .search(&AllQuery, &Count)
            .map_err(|e| Unusable::Damaged(Some(e.to_string())))?;
        Ok(SearchIndex {
            root: root.to_path_buf(),
            dir: dir.to_path_buf(),
            index,
            reader,
            f,
            meta,
            analysed,
            submitted: AtomicU64::new(0),
        })
    }

    fn create(root: &Path, dir: &Path) -> Result<SearchIndex> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, f) = schema();
        let (index, reader, analysed) = CacheDirectory::open(dir)
            .map_err(tantivy::TantivyError::from)
            .and_then(|d| Index::create(d, schema, tantivy::IndexSettings::default()))
            .and_then(ready)
            .map_err(|e| tv(e, dir))?;
        let meta = Meta {
            schema: SCHEMA_VERSION,
            ..Meta::default()
        };
        Ok(SearchIndex {
            root: root.to_path_buf(),
            dir: dir.to_path_buf(),
            index,
            reader,
            f,
            meta,
            analysed,
            submitted: AtomicU64::new(0),
        })
    }

    fn save_meta(&self) -> Result<()> {
        // Replaced by a rename, so a reader sees the old or the new file, never half of one;
        // not synced to disk, because this is a cache: after a crash the worst case is a
        // stale or unreadable metadata file, and either means a rebuild.
        let json = serde_json::to_vec(&self.meta).expect("meta serialises");
        let path = self.dir.join(META_FILE);
        let tmp = self.dir.join(format!("{META_FILE}.tmp"));
        std::fs::write(&tmp, &json).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    fn writer(&self) -> Result<IndexWriter> {
        // 100 MB of indexing memory in all keeps a whole build under the 200 MB budget (with
        // one interview read at a time); 256 MB measured no faster on two cores.
        self.index
            .writer_with_num_threads(2, 100_000_000)
            .map_err(|e| tv(e, &self.dir))
    }

    /// Re-indexes interviews whose content changed and drops removed ones.
    fn sync(
        &mut self,
        project: &Project,
        fp: &BTreeMap<String, (u64, u128)>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(usize, usize)> {
        let hashes: BTreeMap<&String, u64> = project
            .interviews
            .iter()
            .map(|(id, i)| (id, interview_stamp(i, fp)))
            .collect();
        let todo: Vec<&String> = hashes
            .iter()
            .filter(|(id, h)| self.meta.interviews.get(**id) != Some(h))
            .map(|(id, _)| *id)
            .collect();
        let gone: Vec<String> = self
            .meta
            .interviews
            .keys()
            .filter(|id| !project.interviews.contains_key(*id))
            .cloned()
            .collect();
        let participants: BTreeMap<String, BTreeMap<String, String>> = project
            .interviews
            .iter()
            .map(|(id, i)| (id.clone(), lowered(&i.attributes)))
            .collect();
        self.meta.attributes = project.attribute_names.clone();
        self.meta.participants = participants;
        if todo.is_empty() && gone.is_empty() {
            return Ok((0, 0));
        }
        let mut writer = self.writer()?;
        for id in &gone {
            writer.delete_term(Term::from_field_text(self.f.interview, id));
            self.meta.interviews.remove(id);
        }
        for (n, id) in todo.iter().enumerate() {
            progress(n, todo.len());
            writer.delete_term(Term::from_field_text(self.f.interview, id));
            let interview = &project.interviews[*id];
            if interview.versions.is_empty() {
                // An outline: read this interview now and let it go once indexed.
                self.add_interview(&writer, &interview.read_versions())?;
            } else {
                self.add_interview(&writer, interview)?;
            }
            self.meta.interviews.insert((*id).clone(), hashes[*id]);
        }
        progress(todo.len(), todo.len());
        writer.commit().map_err(|e| tv(e, &self.dir))?;
        self.reader.reload().map_err(|e| tv(e, &self.dir))?;
        Ok((todo.len(), gone.len()))
    }

    /// Adds one interview's segments, all language versions, as one batch: tantivy puts a
    /// batch in one index segment with consecutive document ids, in the order given, and
    /// merges keep that order (an interview is only ever deleted whole). So a segment's
    /// aligned translation is found from its own document id, and its text is stored once
    /// instead of twice (the store was two thirds of the index, and compressing it a tenth of
    /// the build).
    fn add_interview(&self, writer: &IndexWriter, interview: &project::Interview) -> Result<()> {
        let f = self.f;
        // The document id, within the batch, of each version's first segment.
        let mut first = BTreeMap::new();
        let mut n = 0;
        for (lang, t) in &interview.versions {
            first.insert(lang.as_str(), n);
            n += t.segments.len();
        }
        let mut batch = Vec::with_capacity(n);
        for (lang, t) in &interview.versions {
            let other = interview
                .other_lang(lang)
                .and_then(|o| interview.versions.get(o).map(|ot| (o, ot)));
            let alignment = other
                .map(|(_, ot)| crate::transcript::align::align_by_time(&t.segments, &ot.segments));
            for pos in 0..t.segments.len() {
                let other = match (other, &alignment) {
                    (Some((o, _)), Some(al)) => {
                        let r = al.other_side(pos);
                        let this = first[lang.as_str()] + pos;
                        let there = first[o] + r.start;
                        (!r.is_empty()).then(|| (o, r, there as i64 - this as i64))
                    }
                    _ => None,
                };
                batch.push(tantivy::indexer::UserOperation::Add(segment_doc(
                    &f,
                    &interview.id,
                    lang,
                    t,
                    pos,
                    other,
                )));
            }
        }
        self.wait_for_the_queue();
        self.submitted
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        writer.run(batch).map_err(|e| tv(e, &self.dir))?;
        Ok(())
    }

    /// Waits until tantivy has at most `QUEUED` segments waiting to be indexed. Its queue
    /// holds 10,000 batches, not documents, so with one batch per interview it would take a
    /// whole project while the reader runs ahead (a build at 1,000 interviews peaked at 708
    /// MB instead of 177). Gives up waiting if the indexing threads stop moving for a while,
    /// so that a stalled writer costs memory, never a hang.
    fn wait_for_the_queue(&self) {
        const QUEUED: u64 = 5_000;
        let mut seen = self.analysed.load(Ordering::Relaxed);
        let mut since = std::time::Instant::now();
        while self
            .submitted
            .load(Ordering::Relaxed)
            .saturating_sub(self.analysed.load(Ordering::Relaxed))
            > QUEUED
        {
            std::thread::sleep(std::time::Duration::from_micros(500));
            let now = self.analysed.load(Ordering::Relaxed);
            if now != seen {
                (seen, since) = (now, std::time::Instant::now());
            } else if since.elapsed() > std::time::Duration::from_secs(5) {
                break;
            }
        }
    }

    /// The aligned translation of the hit at `addr`: the texts of its neighbours in the other
    /// language, joined. Each neighbour is checked (same interview, the other language, the
    /// expected segment); should one not be where it was put, it is looked up by its key.
    fn translation(
        &self,
        searcher: &tantivy::Searcher,
        addr: tantivy::DocAddress,
        doc: &TantivyDocument,
        interview: &str,
    ) -> Result<Option<String>> {
        let f = self.f;
        let int = |fl: Field| doc.get_first(fl).and_then(|v| v.as_i64());
        let uint = |fl: Field| doc.get_first(fl).and_then(|v| v.as_u64());
        let (Some(delta), Some(n), Some(seg), Some(lang)) = (
            int(f.other_delta),
            uint(f.other_n),
            uint(f.other_seg),
            doc.get_first(f.other_lang).and_then(|v| v.as_str()),
        ) else {
            return Ok(None);
        };
        let mut texts = Vec::with_capacity(n as usize);
        for k in 0..n {
            let want = Place {
                interview,
                lang,
                segment: seg + k,
            };
            let found = match self.neighbour(searcher, addr, delta + k as i64, &want)? {
                Some(d) => Some(d),
                None => {
                    self.doc_by_key(searcher, &format!("{interview}/{lang}/{}", want.segment))?
                }
            };
            if let Some(text) = found
                .as_ref()
                .and_then(|d| d.get_first(f.text).and_then(|v| v.as_str()))
            {
                texts.push(text.to_string());
            }
        }
        Ok((!texts.is_empty()).then(|| texts.join(" ")))
    }

    /// The document `delta` ids away from `addr` in its index segment, if it is `want`.
    fn neighbour(
        &self,
        searcher: &tantivy::Searcher,
        addr: tantivy::DocAddress,
        delta: i64,
        want: &Place,
    ) -> Result<Option<TantivyDocument>> {
        let f = self.f;
        let reader = searcher.segment_reader(addr.segment_ord);
        let max = reader.max_doc();
        // A deleted document (a segment replaced after an edit) is still stored: not it.
        let Some(id) = u32::try_from(addr.doc_id as i64 + delta)
            .ok()
            .filter(|id| *id < max)
            .filter(|id| reader.alive_bitset().is_none_or(|b| b.is_alive(*id)))
        else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher
            .doc(tantivy::DocAddress::new(addr.segment_ord, id))
            .map_err(|e| tv(e, &self.dir))?;
        let s = |fl: Field| d.get_first(fl).and_then(|v| v.as_str());
        let is_it = s(f.interview) == Some(want.interview)
            && s(f.lang) == Some(want.lang)
            && d.get_first(f.segment).and_then(|v| v.as_u64()) == Some(want.segment);
        Ok(is_it.then_some(d))
    }

    fn doc_by_key(
        &self,
        searcher: &tantivy::Searcher,
        key: &str,
    ) -> Result<Option<TantivyDocument>> {
        let q = TermQuery::new(
            Term::from_field_text(self.f.key, key),
            IndexRecordOption::Basic,
        );
        let docs = searcher
            .search(&q, &DocSetCollector)
            .map_err(|e| tv(e, &self.dir))?;
        match docs.into_iter().next() {
            Some(addr) => Ok(Some(searcher.doc(addr).map_err(|e| tv(e, &self.dir))?)),
            None => Ok(None),
        }
    }

    /// Replaces the document of one segment whose text was edited, so that the new text is
    /// searchable at once (a few milliseconds, where indexing the interview again takes a
    /// few hundred on a 10-hour transcript). The positions stored with the version's later
    /// segments shift with the edit: the caller indexes the interview again afterwards
    /// ([`SearchIndex::update_interview`]), which also records the files' new stamps.
    pub fn replace_segment(
        &mut self,
        interview: &project::Interview,
        lang: &str,
        segment: usize,
    ) -> Result<()> {
        let Some(t) = interview.versions.get(lang) else {
            return Ok(());
        };
        if segment >= t.segments.len() {
            return Ok(());
        }
        let other = interview
            .other_lang(lang)
            .and_then(|o| interview.versions.get(o).map(|ot| (o, ot)))
            .and_then(|(o, ot)| {
                let al = crate::transcript::align::align_by_time(&t.segments, &ot.segments);
                let r = al.other_side(segment);
                // No neighbour offset: the translation is found by its key.
                (!r.is_empty()).then_some((o, r, 0i64))
            });
        let mut writer: IndexWriter = self
            .index
            .writer_with_num_threads(1, 15_000_000)
            .map_err(|e| tv(e, &self.dir))?;
        writer.delete_term(Term::from_field_text(
            self.f.key,
            &format!("{}/{lang}/{segment}", interview.id),
        ));
        writer
            .add_document(segment_doc(&self.f, &interview.id, lang, t, segment, other))
            .map_err(|e| tv(e, &self.dir))?;
        writer.commit().map_err(|e| tv(e, &self.dir))?;
        self.reader.reload().map_err(|e| tv(e, &self.dir))?;
        Ok(())
    }

    pub fn update_interview(&mut self, project: &Project, id: &str) -> Result<()> {
        // One interview is small: a single-threaded writer with a small arena starts faster.
        let mut writer: IndexWriter = self
            .index
            .writer_with_num_threads(1, 15_000_000)
            .map_err(|e| tv(e, &self.dir))?;
        writer.delete_term(Term::from_field_text(self.f.interview, id));
        // Only this interview's files are looked at again: the other entries keep what was
        // indexed, so a change elsewhere is still noticed by the next `open`.
        self.meta.fingerprints.retain(|name, _| {
            project::split_transcript_name(name).is_none_or(|(other, _, _)| other != id)
        });
        let mut fp = BTreeMap::new();
        if let Some(i) = project.interviews.get(id) {
            for path in i.files.values() {
                if let (Some(name), Ok(m)) = (
                    path.file_name().and_then(|n| n.to_str()),
                    std::fs::metadata(path),
                ) {
                    fp.insert(name.to_string(), stamp_of(&m));
                }
            }
            self.add_interview(&writer, i)?;
            self.meta
                .interviews
                .insert(id.to_string(), interview_stamp(i, &fp));
            self.meta
                .participants
                .insert(id.to_string(), lowered(&i.attributes));
        } else {
            self.meta.interviews.remove(id);
            self.meta.participants.remove(id);
        }
        writer.commit().map_err(|e| tv(e, &self.dir))?;
        self.reader.reload().map_err(|e| tv(e, &self.dir))?;
        self.meta.fingerprints.extend(fp);
        self.save_meta()
    }

    /// Number of indexed segments.
    pub fn len(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs a query. `coder` limits `code:` filters to one coder's codings (all coders when
    /// `None`).
    pub fn search(&self, q: &str, limit: usize, coder: Option<&str>) -> Result<Results> {
        let node = query::parse(q).map_err(|e| {
            Error::usage(format!(
                "cannot read the query: {e}\n  {q}\n  {}^",
                " ".repeat(e.column.saturating_sub(1))
            ))
        })?;
        let mut ctx = QueryCtx {
            idx: self,
            coder,
            project: None,
        };
        let tq = ctx.build(&node)?;
        let searcher = self.reader.searcher();
        let (top, total) = searcher
            .search(&*tq, &top_and_count(limit, tq.is::<TermQuery>()))
            .map_err(|e| tv(e, &self.dir))?;
        let mut hits = Vec::with_capacity(top.len().min(limit));
        for (score, addr) in top.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| tv(e, &self.dir))?;
            let s = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str().map(str::to_string))
            };
            let n = |f: Field| doc.get_first(f).and_then(|v| v.as_u64()).unwrap_or(0);
            let text = s(self.f.text).unwrap_or_default();
            let interview = s(self.f.interview).unwrap_or_default();
            let translation = self.translation(&searcher, addr, &doc, &interview)?;
            hits.push(Hit {
                interview,
                lang: s(self.f.lang).unwrap_or_default(),
                segment: n(self.f.segment) as usize,
                start_ms: n(self.f.start_ms),
                end_ms: n(self.f.end_ms),
                line: u32::try_from(n(self.f.line)).ok().filter(|l| *l > 0),
                speaker: s(self.f.speaker),
                highlights: highlights(&text, &node),
                text,
                translation,
                span: n(self.f.seg_start) as usize..n(self.f.seg_end) as usize,
                score,
            });
        }
        // Equal scores come back in index order, which depends on how the index was built;
        // order them by place so the same query always lists the same hits the same way.
        hits.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then_with(|| {
                (&a.interview, &a.lang, a.segment).cmp(&(&b.interview, &b.lang, b.segment))
            })
        });
        Ok(Results {
            query: q.to_string(),
            total,
            hits,
        })
    }

    /// (segment index, code point span) of every segment of one language version.
    fn segments_of(&self, interview: &str, lang: &str) -> Result<Vec<(usize, usize, usize)>> {
        let searcher = self.reader.searcher();
        let term = |f: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f, v),
                IndexRecordOption::Basic,
            ))
        };
        let q = BooleanQuery::new(vec![
            (Occur::Must, term(self.f.interview, interview)),
            (Occur::Must, term(self.f.lang, lang)),
        ]);
        let docs = searcher
            .search(&q, &DocSetCollector)
            .map_err(|e| tv(e, &self.dir))?;
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| tv(e, &self.dir))?;
            let n = |f: Field| doc.get_first(f).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
            out.push((n(self.f.segment), n(self.f.seg_start), n(self.f.seg_end)));
        }
        out.sort_unstable();
        Ok(out)
    }
}

/// The document of segment `pos` of one language version: its text in the three analysed
/// forms, its place, and where its aligned translation is (`other`: language, segments,
/// and the offset of their first document from this one in the same batch, 0 when unknown).
fn segment_doc(
    f: &Fields,
    id: &str,
    lang: &str,
    t: &crate::transcript::Transcript,
    pos: usize,
    other: Option<(&str, std::ops::Range<usize>, i64)>,
) -> TantivyDocument {
    let s = &t.segments[pos];
    let span = t.segment_span(s.index);
    let mut doc = TantivyDocument::new();
    doc.add_text(f.interview, id);
    doc.add_text(f.lang, lang);
    doc.add_text(f.key, format!("{id}/{lang}/{}", s.index));
    if let Some(sp) = &s.speaker {
        doc.add_text(f.speaker, sp);
    }
    doc.add_u64(f.segment, s.index as u64);
    doc.add_u64(f.start_ms, s.start_ms);
    doc.add_u64(f.end_ms, s.end_ms);
    doc.add_u64(f.line, s.line.map_or(0, u64::from));
    doc.add_u64(f.seg_start, span.start as u64);
    doc.add_u64(f.seg_end, span.end as u64);
    doc.add_text(f.text, &s.text);
    doc.add_text(f.exact, &s.text);
    doc.add_text(f.translit, &s.text);
    if let Some((o, r, delta)) = other {
        doc.add_i64(f.other_delta, delta);
        doc.add_u64(f.other_n, r.len() as u64);
        doc.add_text(f.other_lang, o);
        doc.add_u64(f.other_seg, r.start as u64);
    }
    doc
}

/// A segment of one language version of one interview.
struct Place<'a> {
    interview: &'a str,
    lang: &'a str,
    segment: u64,
}

/// Turns a parsed query into a tantivy query.
struct QueryCtx<'a> {
    idx: &'a SearchIndex,
    coder: Option<&'a str>,
    project: Option<Project>,
}

fn any_of(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.is_empty() {
        // Matches nothing: a term no analyser produces.
        return Box::new(TermSetQuery::new(Vec::<Term>::new()));
    }
    if queries.len() == 1 {
        // A lone term keeps its shortcuts (its count is its document frequency), which a
        // boolean query of one clause would hide.
        return queries.pop().unwrap();
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

impl QueryCtx<'_> {
    fn term_or_phrase(&self, field: Field, words: Vec<String>) -> Option<Box<dyn Query>> {
        let terms: Vec<Term> = words
            .iter()
            .map(|w| Term::from_field_text(field, w))
            .collect();
        match terms.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                terms[0].clone(),
                IndexRecordOption::WithFreqs,
            ))),
            _ => Some(Box::new(PhraseQuery::new(terms))),
        }
    }

    fn build(&mut self, n: &Node) -> Result<Box<dyn Query>> {
        let f = self.idx.f;
        Ok(match n {
            Node::Word(w)
            | Node::Phrase(w)
            | Node::Exact(w)
            | Node::Prefix(w)
            | Node::Fuzzy(w, _)
                if forms(w, Form::Exact).is_empty() =>
            {
                return Err(Error::usage(format!(
                    "cannot read the query: `{w}` has no letters or digits to search for"
                )));
            }
            Node::Word(w) | Node::Phrase(w) => {
                // A Cyrillic word's cross-script key is its Russian stem in Latin letters, so
                // on Cyrillic text the key matches exactly where the stem does. The stem
                // field therefore holds Latin words only (English stems), and is asked only
                // when every word of the query is Latin; the key finds everything else.
                let stems = forms(w, Form::Stem);
                let stem = stems
                    .iter()
                    .all(|s| is_latin_form(s))
                    .then(|| self.term_or_phrase(f.text, stems))
                    .flatten();
                any_of(
                    [
                        stem,
                        self.term_or_phrase(f.translit, forms(w, Form::Translit)),
                    ]
                    .into_iter()
                    .flatten()
                    .collect(),
                )
            }
            Node::Exact(w) => any_of(
                self.term_or_phrase(f.exact, forms(w, Form::Exact))
                    .into_iter()
                    .collect(),
            ),
            Node::Prefix(p) => {
                let mut qs: Vec<Box<dyn Query>> = Vec::new();
                for (field, form) in [(f.exact, Form::Exact), (f.translit, Form::Translit)] {
                    let pre = forms(p, form).concat();
                    if !pre.is_empty() {
                        let re =
                            RegexQuery::from_pattern(&format!("{}.*", regex::escape(&pre)), field)
                                .map_err(|e| tv(e, &self.idx.dir))?;
                        qs.push(Box::new(re));
                    }
                }
                any_of(qs)
            }
            Node::Fuzzy(w, d) => {
                let target = forms(w, Form::Exact).concat();
                any_of(vec![Box::new(FuzzyTermQuery::new(
                    Term::from_field_text(f.exact, &target),
                    *d,
                    true,
                ))])
            }
            Node::Regex(r) => self.regex_keys(r)?,
            Node::Filter(field, value) => self.filter(field, value)?,
            Node::And(items) => {
                let mut clauses = Vec::new();
                for i in items {
                    match i {
                        Node::Not(inner) => clauses.push((Occur::MustNot, self.build(inner)?)),
                        other => clauses.push((Occur::Must, self.build(other)?)),
                    }
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Or(items) => {
                let mut qs = Vec::new();
                for i in items {
                    qs.push(self.build(i)?);
                }
                any_of(qs)
            }
            Node::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                (Occur::MustNot, self.build(inner)?),
            ])),
        })
    }

    fn filter(&mut self, field: &str, value: &str) -> Result<Box<dyn Query>> {
        let f = self.idx.f;
        let term = |fld: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(fld, v),
                IndexRecordOption::Basic,
            ))
        };
        Ok(match field {
            "lang" => term(f.lang, &value.to_lowercase()),
            "interview" => term(f.interview, value),
            "speaker" => self
                .term_or_phrase(f.speaker, forms(value, Form::Exact))
                .unwrap_or_else(|| any_of(vec![])),
            "code" => self.code_keys(value)?,
            attr => {
                if !self
                    .idx
                    .meta
                    .attributes
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(attr))
                {
                    let mut known = vec!["lang", "speaker", "interview", "code"];
                    known.extend(self.idx.meta.attributes.iter().map(String::as_str));
                    return Err(Error::usage(format!(
                        "unknown filter `{attr}:` (known: {})",
                        known.join(", ")
                    )));
                }
                let (attr, value) = (attr.to_lowercase(), value.to_lowercase());
                let ids = self
                    .idx
                    .meta
                    .participants
                    .iter()
                    .filter(|(_, attrs)| attrs.get(&attr) == Some(&value))
                    .map(|(id, _)| Term::from_field_text(f.interview, id));
                Box::new(TermSetQuery::new(ids))
            }
        })
    }

    fn project(&mut self) -> Result<&Project> {
        if self.project.is_none() {
            self.project = Some(Project::load(&self.idx.root)?.0);
        }
        Ok(self.project.as_ref().expect("just loaded"))
    }

    fn keys_query(&self, keys: HashSet<String>) -> Box<dyn Query> {
        Box::new(TermSetQuery::new(
            keys.into_iter()
                .map(|k| Term::from_field_text(self.idx.f.key, &k)),
        ))
    }

    /// `/regex/`: the segments whose text the regex matches, found by scanning the
    /// transcripts (the index cannot answer arbitrary regexes).
    fn regex_keys(&mut self, r: &str) -> Result<Box<dyn Query>> {
        let re = regex::Regex::new(r).map_err(|e| Error::usage(format!("invalid regex: {e}")))?;
        let mut keys = HashSet::new();
        for (id, i) in &self.project()?.interviews {
            for (lang, t) in &i.versions {
                for s in t.segments.iter().filter(|s| re.is_match(&s.text)) {
                    keys.insert(format!("{id}/{lang}/{}", s.index));
                }
            }
        }
        Ok(self.keys_query(keys))
    }

    /// `code:X`: segments overlapped by a coding with code X or one of its sub-codes.
    fn code_keys(&mut self, code: &str) -> Result<Box<dyn Query>> {
        let project = self.project()?;
        let cb = project
            .codebook
            .as_ref()
            .ok_or_else(|| Error::usage("the project has no codebook"))?;
        if !cb.contains(code) {
            return Err(Error::usage(format!(
                "unknown code `{code}` in code: filter"
            )));
        }
        let ids = cb.subtree_ids(code);
        let all = codings::load_for_analysis(&self.idx.root, self.coder);
        let mut wanted: BTreeMap<(String, String), Vec<(usize, usize)>> = BTreeMap::new();
        for (file, c) in all.iter().filter(|(_, c)| ids.iter().any(|i| *i == c.code)) {
            wanted
                .entry((file.interview.clone(), c.lang.to_string()))
                .or_default()
                .push((c.start, c.end));
        }
        let mut keys = HashSet::new();
        for ((interview, lang), spans) in wanted {
            for (seg, a, b) in self.idx.segments_of(&interview, &lang)? {
                if spans.iter().any(|(s, e)| *s < b && a < *e) {
                    keys.insert(format!("{interview}/{lang}/{seg}"));
                }
            }
        }
        Ok(self.keys_query(keys))
    }
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
