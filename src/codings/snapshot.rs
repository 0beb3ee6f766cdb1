//! A snapshot of every coder's codings as loaded for analysis, in `.intercode/codings.bin`:
//! a cache, like the search index, never the only copy of anything.
//!
//! Reports, agreement, `check` and the terminal UI load every coding of a project each time
//! they start; at a million codings that is 380 MB of JSON to parse. The snapshot holds the
//! same codings in a compact binary form, with each quote as its fingerprint, and each file's
//! stamp (size, modification time, inode). A load takes a file from the snapshot when its
//! stamp is unchanged and parses the JSON otherwise, so a hand edit, a `git pull` or another
//! coder's session is always seen: the stamp of a file written by rename (as this tool and
//! editors do) always changes. The snapshot is rewritten only when it is missing or more than
//! a few files changed (see `load`). One that is damaged or of another version is ignored and
//! written anew; anything odd in it makes the load parse the JSON instead.
//!
//! Layout (little-endian): `MAGIC`, the index length (u64), the index (per file: its path
//! relative to the project, size, modification time in ns, inode, where its block is, and a
//! checksum of the block), then one block per file (coder, interview, codings). A block whose
//! checksum does not match is not used. Blocks are read by the loading
//! threads with positioned reads, so the snapshot is never in memory whole.

use super::{Coding, CodingFile, Origin, Quote};
use std::collections::HashMap;
use std::path::Path;

const MAGIC: &[u8; 8] = b"ICSNAP02";
pub const FILE: &str = "codings.bin";

/// What identifies a version of a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    mtime_ns: u64,
    inode: u64,
}

impl Stamp {
    pub fn of(m: &std::fs::Metadata) -> Stamp {
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(m);
        #[cfg(not(unix))]
        let inode = 0;
        Stamp {
            size: m.len(),
            mtime_ns,
            inode,
        }
    }
}

/// An opened snapshot: its index, and the file to read blocks from.
pub struct Snapshot {
    file: std::fs::File,
    /// Its length: no block reaches past it (a damaged index could say otherwise).
    len: u64,
    /// Path -> (stamp, offset, length, checksum) of its block.
    index: HashMap<String, (Stamp, u64, u64, u64)>,
}

impl Snapshot {
    /// Opens the snapshot of the project at `root`; `None` when there is none or it is not
    /// one this version wrote.
    pub fn open(root: &Path) -> Option<Snapshot> {
        use std::io::Read;
        let path = root.join(crate::project::CACHE_DIR).join(FILE);
        let mut file = std::fs::File::open(path).ok()?;
        let mut head = [0u8; 16];
        file.read_exact(&mut head).ok()?;
        if &head[..8] != MAGIC {
            return None;
        }
        let file_len = file.metadata().ok()?.len();
        let len = u64::from_le_bytes(head[8..].try_into().ok()?);
        if len > file_len {
            return None;
        }
        let mut bytes = vec![0u8; len as usize];
        file.read_exact(&mut bytes).ok()?;
        let mut r = Reader { b: &bytes, at: 0 };
        let mut index = HashMap::new();
        while r.at < bytes.len() {
            let path = r.str()?.to_string();
            let stamp = Stamp {
                size: r.u64()?,
                mtime_ns: r.u64()?,
                inode: r.u64()?,
            };
            index.insert(path, (stamp, r.u64()?, r.u64()?, r.u64()?));
        }
        Some(Snapshot {
            file,
            len: file_len,
            index,
        })
    }

    /// The codings of the file at `rel` (relative to the project) if the snapshot has that
    /// version of it. `buf` is reused between calls.
    pub fn get(&self, rel: &str, stamp: Stamp, buf: &mut Vec<u8>) -> Option<CodingFile> {
        let &(have, offset, len, sum) = self.index.get(rel)?;
        if have != stamp || offset.checked_add(len).is_none_or(|end| end > self.len) {
            return None;
        }
        buf.clear();
        buf.resize(len as usize, 0);
        read_at(&self.file, buf, offset)?;
        if checksum(buf) != sum {
            return None;
        }
        decode(buf)
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> Option<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset).ok()
}

#[cfg(not(unix))]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> Option<()> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
        .ok()
        .filter(|&n| n == buf.len())
        .map(|_| ())
}

/// Writes a snapshot of `files` (path relative to the project, stamp, codings loaded for
/// analysis). A cache: written to a temporary file and renamed, without fsync; errors are
/// ignored (the next load parses the JSON again).
pub fn write(root: &Path, files: &[(String, Stamp, &CodingFile)]) {
    // A file modified in the last two seconds is left out (read from its JSON next time):
    // modification times are coarse, and a file rewritten twice within one tick, at the same
    // size and on a reused inode, would otherwise look unchanged (git's "racy" files).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let files: Vec<&(String, Stamp, &CodingFile)> = files
        .iter()
        .filter(|(_, stamp, _)| stamp.mtime_ns.saturating_add(2_000_000_000) < now)
        .collect();
    // Index entries have a fixed width but for their path, so the index's length, and with
    // it where the first block starts, is known before anything is written.
    let index_len: usize = files.iter().map(|(rel, ..)| 4 + rel.len() + 6 * 8).sum();
    let base = (MAGIC.len() + 8 + index_len) as u64;
    let mut index = Vec::with_capacity(index_len);
    // Sized for codings of about 120 bytes each, so that a million are not copied as it grows.
    let codings: usize = files.iter().map(|(_, _, f)| f.codings.len()).sum();
    let mut blocks = Vec::with_capacity(codings * 128 + files.len() * 64);
    for &(rel, stamp, f) in &files {
        let start = blocks.len() as u64;
        encode(&mut blocks, f);
        let len = blocks.len() as u64 - start;
        let sum = checksum(&blocks[start as usize..]);
        put_str(&mut index, rel);
        for n in [
            stamp.size,
            stamp.mtime_ns,
            stamp.inode,
            base + start,
            len,
            sum,
        ] {
            index.extend_from_slice(&n.to_le_bytes());
        }
    }
    let mut head = Vec::with_capacity(MAGIC.len() + 8);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&(index.len() as u64).to_le_bytes());
    let path = root.join(crate::project::CACHE_DIR).join(FILE);
    let _ = crate::fsutil::write_cache(&path, &[&head, &index, &blocks]);
}

/// A checksum of a block, against damage (not against an adversary): the same hash as a
/// quote's fingerprint.
fn checksum(block: &[u8]) -> u64 {
    super::quote::hash_bytes(block)
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn encode(out: &mut Vec<u8>, f: &CodingFile) {
    put_str(out, &f.coder);
    put_str(out, &f.interview);
    out.extend_from_slice(&f.version.to_le_bytes());
    out.extend_from_slice(&(f.codings.len() as u32).to_le_bytes());
    for c in &f.codings {
        put_str(out, &c.id);
        put_str(out, &c.lang);
        out.extend_from_slice(&(c.start as u64).to_le_bytes());
        out.extend_from_slice(&(c.end as u64).to_le_bytes());
        put_str(out, &c.code);
        out.extend_from_slice(&c.quote.fingerprint().to_le_bytes());
        put_str(out, &c.memo);
        put_str(out, &c.created);
        out.push(match c.origin {
            Origin::Manual => 0,
            Origin::SuggestedAccepted => 1,
            Origin::Copied => 2,
            Origin::Suggested => 3,
        });
        if c.origin == Origin::Suggested {
            put_str(out, c.model.as_deref().unwrap_or(""));
        }
    }
}

fn decode(b: &[u8]) -> Option<CodingFile> {
    let mut r = Reader { b, at: 0 };
    let coder = r.str()?.to_string();
    let interview = r.str()?.to_string();
    let version = r.u32()?;
    let n = r.u32()? as usize;
    // Every coding takes at least 49 bytes: a count beyond that is damage.
    if n > b.len() / 49 {
        return None;
    }
    let mut codings = Vec::with_capacity(n);
    for _ in 0..n {
        codings.push(Coding {
            id: r.str()?.to_string(),
            lang: r.str()?.into(),
            start: usize::try_from(r.u64()?).ok()?,
            end: usize::try_from(r.u64()?).ok()?,
            code: r.str()?.into(),
            quote: Quote::from_fingerprint(r.u64()?),
            memo: r.str()?.to_string(),
            created: r.str()?.into(),
            origin: Origin::Manual,
            model: None,
        });
        let last = codings.last_mut().expect("pushed");
        last.origin = match r.byte()? {
            0 => Origin::Manual,
            1 => Origin::SuggestedAccepted,
            2 => Origin::Copied,
            3 => Origin::Suggested,
            _ => return None,
        };
        // A learned suggestion names its model.
        if last.origin == Origin::Suggested {
            last.model =
                Some(r.str()?.into()).filter(|m: &compact_str::CompactString| !m.is_empty());
        }
    }
    (r.at == b.len()).then_some(CodingFile {
        version,
        coder,
        interview,
        codings,
    })
}

/// Reads values from a byte slice; every read is checked, so damage gives `None`.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_read_back_and_damage_is_refused() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let all = super::super::load_all(root, None);
        let f = &all.files[0];
        let mut b = Vec::new();
        encode(&mut b, f);
        let back = decode(&b).unwrap();
        assert_eq!(&back, f);
        assert!(back.codings.iter().all(|c| c.quote.text().is_none()));
        // Truncated, extended or with a byte changed: refused or still well-formed, never a
        // panic.
        assert!(decode(&b[..b.len() - 1]).is_none());
        let mut longer = b.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
        for at in (0..b.len()).step_by(7) {
            let mut d = b.clone();
            d[at] ^= 0xff;
            let _ = decode(&d);
        }
    }
}
