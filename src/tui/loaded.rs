//! Which transcripts the app holds. A small project is read whole behind the first frame, as
//! before; a large one (more transcript bytes than [`WHOLE_PROJECT_BYTES`]) stays an outline,
//! and an interview's transcripts are read when it is opened, at most [`CACHED_INTERVIEWS`]
//! kept. Views that count across the whole project (report, suggestions, disagreements) read
//! it for the count and let it go, so that opening 10,000 interviews holds only the outline.

use crate::project::Project;
use crate::tui::app::App;
use std::borrow::Cow;

/// Above this many bytes of transcript files, transcripts are read on demand.
pub const WHOLE_PROJECT_BYTES: u64 = 200 << 20;

/// How many interviews' transcripts stay in memory in a large project.
pub const CACHED_INTERVIEWS: usize = 16;

/// About how many bytes the project's transcript files hold: the average size of up to 64
/// of them, spread over the list, times their number (a stat per file would cost 20,000
/// system calls before the first frame of a 10,000-interview project).
pub fn transcript_bytes(project: &Project) -> u64 {
    let files: Vec<&std::path::PathBuf> = project
        .interviews
        .values()
        .flat_map(|i| i.files.values())
        .collect();
    if files.is_empty() {
        return 0;
    }
    let step = files.len().div_ceil(64).max(1);
    let sizes: Vec<u64> = files
        .iter()
        .step_by(step)
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .collect();
    if sizes.is_empty() {
        return 0;
    }
    sizes.iter().sum::<u64>() / sizes.len() as u64 * files.len() as u64
}

impl App {
    /// Makes sure interview `id`'s transcripts are in memory (a large project reads them now
    /// and lets the least recently opened interview go).
    pub fn ensure_loaded(&mut self, id: &str) {
        if !self.on_demand {
            return;
        }
        let Some(interview) = self.project.interviews.get(id) else {
            return;
        };
        if interview.versions.is_empty() && !interview.files.is_empty() {
            let full = interview.read_versions();
            if let Some(i) = self.project.interviews.get_mut(id) {
                i.versions = full.versions;
            }
        }
        self.recent.retain(|x| x != id);
        self.recent.push_back(id.to_string());
        let open = self.transcript.as_ref().map(|t| t.interview.clone());
        while self.recent.len() > CACHED_INTERVIEWS {
            let Some(old) = self.recent.pop_front() else {
                break;
            };
            if Some(&old) == open.as_ref() {
                self.recent.push_back(old);
                continue;
            }
            if let Some(i) = self.project.interviews.get_mut(&old) {
                i.versions.clear();
            }
        }
    }

    /// The project with every transcript, for a count across all of it: the app's own when
    /// it holds them all, else read for the occasion (and dropped by the caller).
    pub fn whole_project(&self) -> Cow<'_, Project> {
        if !self.on_demand {
            return Cow::Borrowed(&self.project);
        }
        match Project::load(&self.root) {
            Ok((mut p, _)) => {
                // What this session knows of the codebook and survey is the latest.
                p.codebook = self.project.codebook.clone();
                p.survey = self.project.survey.clone();
                Cow::Owned(p)
            }
            Err(_) => Cow::Borrowed(&self.project),
        }
    }
}
