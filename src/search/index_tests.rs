//! Tests of `index`, kept beside it so that the module itself stays readable.
use super::*;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every document's aligned translation is found at its recorded distance, without the
/// slow way round, after updates (deleted documents) and a merge of everything, and it is
/// the text the alignment gives. On the sample study, whose P05 has merged cues.
#[test]
fn translations_are_found_beside_each_segment_after_updates_and_merges() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo.join("transcripts"), &tmp.path().join("transcripts"));
    copy_dir(&repo.join("codebook"), &tmp.path().join("codebook"));
    let project = Project::load(tmp.path()).unwrap().0;
    let (mut idx, _) = SearchIndex::open(tmp.path(), None, &mut |_, _| {}).unwrap();
    for id in ["P03", "P05", "P01", "P05"] {
        idx.update_interview(&project, id).unwrap();
    }
    let check = |idx: &SearchIndex| {
        let searcher = idx.reader.searcher();
        let f = idx.f;
        let mut checked = 0;
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            for id in reader.doc_ids_alive() {
                let addr = tantivy::DocAddress::new(ord as u32, id);
                let doc: TantivyDocument = searcher.doc(addr).unwrap();
                let s = |fl: Field| doc.get_first(fl).and_then(|v| v.as_str()).unwrap();
                let u = |fl: Field| doc.get_first(fl).and_then(|v| v.as_u64()).unwrap();
                let (interview, lang) = (s(f.interview), s(f.lang));
                let i = &project.interviews[interview];
                let other = i.other_lang(lang).unwrap();
                let al = crate::transcript::align::align_by_time(
                    &i.versions[lang].segments,
                    &i.versions[other].segments,
                );
                let r = al.other_side(u(f.segment) as usize);
                let expected: Vec<&str> = i.versions[other].segments[r.clone()]
                    .iter()
                    .map(|x| x.text.as_str())
                    .collect();
                let delta = doc.get_first(f.other_delta).and_then(|v| v.as_i64());
                assert_eq!(delta.is_some(), !r.is_empty());
                for (k, seg) in r.clone().enumerate() {
                    let want = Place {
                        interview,
                        lang: other,
                        segment: seg as u64,
                    };
                    let near = idx
                        .neighbour(&searcher, addr, delta.unwrap() + k as i64, &want)
                        .unwrap()
                        .unwrap_or_else(|| panic!("{interview}/{lang}/{seg}: not beside"));
                    assert_eq!(near.get_first(f.text).unwrap().as_str(), Some(expected[k]));
                }
                let t = idx.translation(&searcher, addr, &doc, interview).unwrap();
                assert_eq!(t, (!r.is_empty()).then(|| expected.join(" ")));
                checked += 1;
            }
        }
        checked
    };
    let before = check(&idx);
    let mut writer = idx.writer().unwrap();
    let ids = idx.index.searchable_segment_ids().unwrap();
    assert!(
        ids.len() > 1,
        "the updates should have left several segments"
    );
    writer.merge(&ids).wait().unwrap();
    writer.commit().unwrap();
    idx.reader.reload().unwrap();
    assert_eq!(idx.reader.searcher().segment_readers().len(), 1);
    assert_eq!(check(&idx), before);
    assert!(before > 2000, "{before}");
}
