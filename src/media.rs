//! Recordings linked to interviews (`media.json` in the project): Zoom's `audio_only.m4a` or
//! video `.mp4` beside each transcript. Recordings are large and sensitive, so they are never
//! copied into the project (nor into git): a link holds a path relative to the project, or
//! relative to a media folder set per machine (`INTERCODE_MEDIA_DIR`), with the file's size and
//! a fingerprint (a hash of its size and its first and last mebibyte: a swapped file is
//! noticed without reading gigabytes), and the offset of the recording's zero from the
//! transcript's. Both language versions of an interview share its recording.

use crate::error::{Error, Problem, Result};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};

/// The links file, relative to the project.
pub const MEDIA_FILE: &str = "media.json";
/// The per-machine folder that `media:` paths are relative to.
pub const MEDIA_DIR_VAR: &str = "INTERCODE_MEDIA_DIR";
const PREFIX: &str = "media:";

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Audio,
    Video,
}

impl Kind {
    /// The kind a file's extension says, if it is a recording intercode plays.
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "m4a" | "mp3" | "wav" | "ogg" | "opus" | "oga" | "flac" | "aac" => Some(Kind::Audio),
            "mp4" | "m4v" | "mkv" | "webm" | "mov" => Some(Kind::Video),
            _ => None,
        }
    }
}

/// One recording linked to one interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub interview: String,
    /// Relative to the project, or `media:REL` relative to the machine's media folder.
    pub path: String,
    pub kind: Kind,
    pub size: u64,
    /// Hex of [`fingerprint`].
    pub fingerprint: String,
    /// Where the transcript's zero is in the recording, in milliseconds (negative: the
    /// recording starts after the transcript's zero).
    #[serde(default)]
    pub offset_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Links {
    pub version: u32,
    pub media: Vec<Link>,
}

/// How a linked file is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Ok(PathBuf),
    Missing(PathBuf),
    /// The file there is not the one linked (size or fingerprint differ).
    Changed(PathBuf),
    /// A `media:` path, and no media folder is set on this machine.
    NoMediaDir,
}

/// The fingerprint of a file: a hash of its size and of its first and last mebibyte.
pub fn fingerprint(path: &Path) -> std::io::Result<(u64, String)> {
    const PART: u64 = 1 << 20;
    let mut f = std::fs::File::open(path)?;
    let size = f.metadata()?.len();
    let mut buf = Vec::with_capacity(2 * PART as usize + 8);
    buf.extend_from_slice(&size.to_le_bytes());
    (&mut f).take(PART).read_to_end(&mut buf)?;
    if size > PART {
        f.seek(SeekFrom::Start(size.saturating_sub(PART).max(PART)))?;
        f.take(PART).read_to_end(&mut buf)?;
    }
    Ok((
        size,
        format!("{:016x}", crate::codings::quote::hash_bytes(&buf)),
    ))
}

impl Links {
    /// Reads `media.json` (none: no links).
    pub fn load(root: &Path) -> Result<Links> {
        let path = root.join(MEDIA_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Links {
                    version: 1,
                    media: Vec::new(),
                })
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        serde_json::from_str(&text).map_err(|e| Error::data(&path, Some(e.line()), e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The recording of `interview`, if one is linked.
    pub fn of(&self, interview: &str) -> Option<&Link> {
        self.media.iter().find(|l| l.interview == interview)
    }
}

/// The machine's media folder, if set.
pub fn media_dir() -> Option<PathBuf> {
    std::env::var_os(MEDIA_DIR_VAR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

impl Link {
    /// Where the file is on this machine (`None`: a `media:` path with no media folder set).
    pub fn resolve(&self, root: &Path) -> Option<PathBuf> {
        match self.path.strip_prefix(PREFIX) {
            Some(rel) => media_dir().map(|d| d.join(rel)),
            None => Some(root.join(&self.path)),
        }
    }

    /// Whether the linked file is there and is the one linked.
    pub fn state(&self, root: &Path) -> State {
        let Some(path) = self.resolve(root) else {
            return State::NoMediaDir;
        };
        match fingerprint(&path) {
            Err(_) => State::Missing(path),
            Ok((size, fp)) if size != self.size || fp != self.fingerprint => State::Changed(path),
            Ok(_) => State::Ok(path),
        }
    }
}

/// `to` relative to the folder `from` (both absolute), with `..` where needed.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// Links `file` to `interview` (replacing its link, if any), under the project's lock.
/// Returns the link written, and a note for the user when there is one.
pub fn add(
    root: &Path,
    file: &Path,
    interview: &str,
    offset_ms: i64,
) -> Result<(Link, Option<String>)> {
    let kind = Kind::of(file).ok_or_else(|| {
        Error::usage(format!(
            "{}: not a recording intercode plays (audio: m4a, mp3, wav, ogg, opus, flac; video: \
             mp4, mkv, webm, mov)",
            file.display()
        ))
    })?;
    let abs = std::fs::canonicalize(file).map_err(|e| Error::io(file, e))?;
    let (size, fingerprint) = fingerprint(&abs).map_err(|e| Error::io(&abs, e))?;
    let project = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    // Under the machine's media folder: relative to it, so the link works on every machine
    // that sets its own; otherwise relative to the project.
    let path = match media_dir().and_then(|d| std::fs::canonicalize(d).ok()) {
        Some(d) if abs.starts_with(&d) => format!("{PREFIX}{}", relative(&d, &abs).display()),
        _ => relative(&project, &abs).display().to_string(),
    };
    // Inside the project it would be committed with it: say so, but link it.
    let note = abs.starts_with(&project).then(|| {
        format!(
            "{} is inside the project folder; keep recordings out of git (add it to .gitignore)",
            abs.display()
        )
    });
    let _lock = crate::txn::ProjectLock::take(root)?;
    let mut links = Links::load(root)?;
    let link = Link {
        interview: interview.to_string(),
        path,
        kind,
        size,
        fingerprint,
        offset_ms,
    };
    links.media.retain(|l| l.interview != interview);
    links.media.push(link.clone());
    links.media.sort_by(|a, b| a.interview.cmp(&b.interview));
    links.version = 1;
    crate::fsutil::write_atomic(&root.join(MEDIA_FILE), links.to_json().as_bytes())?;
    Ok((link, note))
}

/// Unlinks the recording of `interview` (under the project's lock); returns the link removed.
pub fn remove(root: &Path, interview: &str) -> Result<Link> {
    let _lock = crate::txn::ProjectLock::take(root)?;
    let mut links = Links::load(root)?;
    let Some(k) = links.media.iter().position(|l| l.interview == interview) else {
        return Err(Error::usage(format!("{interview} has no recording linked")));
    };
    let link = links.media.remove(k);
    links.version = 1;
    crate::fsutil::write_atomic(&root.join(MEDIA_FILE), links.to_json().as_bytes())?;
    Ok(link)
}

/// Problems with the links, for `check`: a missing or changed file, an unknown interview.
pub fn problems(root: &Path, interviews: &[&str]) -> Vec<Problem> {
    let links = match Links::load(root) {
        Ok(l) => l,
        Err(Error::Data { location, message }) => {
            return vec![Problem::error(location.path, location.line, message)]
        }
        Err(e) => return vec![Problem::error(MEDIA_FILE, None, e.to_string())],
    };
    let mut out = Vec::new();
    for l in &links.media {
        let say = |m: String| Problem::warning(MEDIA_FILE, None, m);
        if !interviews.contains(&l.interview.as_str()) {
            out.push(say(format!(
                "{}: no such interview in the project",
                l.interview
            )));
        }
        match l.state(root) {
            State::Ok(_) => {}
            State::Missing(p) => out.push(say(format!(
                "{}: the recording is missing ({})",
                l.interview,
                p.display()
            ))),
            State::Changed(p) => out.push(say(format!(
                "{}: the recording at {} is not the one linked (its size or content changed); link it again with `intercode media add`",
                l.interview,
                p.display()
            ))),
            State::NoMediaDir => out.push(say(format!(
                "{}: linked in the media folder ({}), but {MEDIA_DIR_VAR} is not set on this machine",
                l.interview, l.path
            ))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_where_needed() {
        assert_eq!(
            relative(Path::new("/a/b/study"), Path::new("/a/b/rec/P01.m4a")),
            PathBuf::from("../rec/P01.m4a")
        );
        assert_eq!(
            relative(Path::new("/a/study"), Path::new("/a/study/media/x.mp4")),
            PathBuf::from("media/x.mp4")
        );
        assert_eq!(Kind::of(Path::new("audio_only.M4A")), Some(Kind::Audio));
        assert_eq!(Kind::of(Path::new("zoom_0.mp4")), Some(Kind::Video));
        assert_eq!(Kind::of(Path::new("notes.txt")), None);
    }

    #[test]
    fn a_swapped_file_is_noticed_by_its_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.m4a");
        let mut bytes = vec![7u8; 3 << 20];
        std::fs::write(&p, &bytes).unwrap();
        let (size, fp) = fingerprint(&p).unwrap();
        assert_eq!(size, 3 << 20);
        // The same size, one byte changed near the end.
        let n = bytes.len();
        bytes[n - 10] = 8;
        std::fs::write(&p, &bytes).unwrap();
        assert_ne!(fingerprint(&p).unwrap().1, fp);
    }
}

impl Link {
    /// The media time (seconds) of a transcript time (milliseconds), never before 0.
    pub fn media_secs(&self, transcript_ms: u64) -> f64 {
        ((transcript_ms as i64 + self.offset_ms).max(0)) as f64 / 1000.0
    }

    /// The transcript time (milliseconds) of a media time (seconds), never before 0.
    pub fn transcript_ms(&self, media_secs: f64) -> u64 {
        ((media_secs * 1000.0).round() as i64 - self.offset_ms).max(0) as u64
    }
}

/// The segment being heard at transcript time `ms`: the last one starting at or before it
/// (so a pause between two segments keeps the one just heard). Segments are in time order,
/// as a transcript's are. A binary search: one tick of follow mode on a ten-hour transcript
/// costs well under a microsecond.
pub fn segment_at(segments: &[crate::Segment], ms: u64) -> Option<usize> {
    segments
        .partition_point(|s| s.start_ms <= ms)
        .checked_sub(1)
}

/// `HH:MM:SS` or `MM:SS` or seconds (fractions allowed) as seconds.
pub fn parse_clock(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    for (i, p) in parts.iter().enumerate() {
        let v: f64 = p
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
        // Minutes and seconds under 60, except in the first place.
        if i > 0 && v >= 60.0 {
            return None;
        }
        total = total * 60.0 + v;
    }
    Some(total)
}

/// Seconds as `HH:MM:SS.s`.
pub fn clock(secs: f64) -> String {
    let tenths = (secs.max(0.0) * 10.0).round() as u64;
    let (h, m, s, t) = (
        tenths / 36000,
        tenths / 600 % 60,
        tenths / 10 % 60,
        tenths % 10,
    );
    format!("{h:02}:{m:02}:{s:02}.{t}")
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn media_time_applies_the_offset_both_ways() {
        let mut l = Link {
            interview: "P01".into(),
            path: "a.opus".into(),
            kind: Kind::Audio,
            size: 1,
            fingerprint: String::new(),
            offset_ms: 1500,
        };
        assert_eq!(l.media_secs(2_400), 3.9);
        assert_eq!(l.transcript_ms(3.9), 2_400);
        l.offset_ms = -5_000;
        assert_eq!(l.media_secs(2_400), 0.0, "never before the recording");
        assert_eq!(l.media_secs(10_000), 5.0);
        assert_eq!(l.transcript_ms(5.0), 10_000);
    }

    #[test]
    fn the_segment_heard_is_the_last_started() {
        let segs: Vec<crate::Segment> = [1_000, 5_000, 9_000]
            .iter()
            .enumerate()
            .map(|(i, &s)| crate::Segment::new(i, s, s + 3_000, None, "x"))
            .collect();
        assert_eq!(segment_at(&segs, 0), None);
        assert_eq!(segment_at(&segs, 1_000), Some(0));
        assert_eq!(segment_at(&segs, 4_999), Some(0));
        assert_eq!(segment_at(&segs, 5_000), Some(1));
        assert_eq!(segment_at(&segs, 99_000), Some(2));
        assert_eq!(segment_at(&[], 5), None);
    }

    #[test]
    fn clocks_parse_and_print() {
        assert_eq!(parse_clock("00:01:02"), Some(62.0));
        assert_eq!(parse_clock("1:02.5"), Some(62.5));
        assert_eq!(parse_clock("75"), Some(75.0));
        for bad in ["", "1:60", "a", "1:2:3:4", "-3", "NaN"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
        assert_eq!(clock(62.54), "00:01:02.5");
        assert_eq!(clock(3_725.0), "01:02:05.0");
    }
}

/// The recording of `interview`, ready to play on this machine: its link and its path. Says
/// why not otherwise (no link, a missing or swapped file, no media folder), naming what to do.
pub fn playable(root: &Path, interview: &str) -> Result<(Link, PathBuf)> {
    let links = Links::load(root)?;
    let link = links.of(interview).ok_or_else(|| {
        Error::usage(format!(
            "{interview} has no recording: intercode media add FILE --interview {interview}"
        ))
    })?;
    match link.state(root) {
        State::Ok(p) => Ok((link.clone(), p)),
        State::Missing(p) => Err(Error::usage(format!(
            "the recording of {interview} is missing: {} (see `intercode media list`)",
            p.display()
        ))),
        State::Changed(p) => Err(Error::usage(format!(
            "the recording of {interview} at {} is not the one linked (its size or content \
             changed), so its times may not match; link it again with `intercode media add`",
            p.display()
        ))),
        State::NoMediaDir => Err(Error::usage(format!(
            "the recording of {interview} is linked under the media folder ({}), and {MEDIA_DIR_VAR} \
             is not set on this machine",
            link.path
        ))),
    }
}
