//! Pairing the segments of two language versions of one interview by time. Identical cue
//! times pair one to one; a translation that merged two cues into one, or split one into two,
//! still aligns, because each segment is linked to the segment of the other side it overlaps
//! most, and linked segments form groups.
//!
//! ```
//! use intercode::transcript::{Segment, align::align_by_time};
//! let ru = [Segment::new(0, 0, 1000, None, "а"), Segment::new(1, 1000, 2000, None, "б")];
//! let en = [Segment::new(0, 0, 2000, None, "a b")]; // the translator merged two cues
//! let al = align_by_time(&ru, &en);
//! assert_eq!(al.groups, vec![(0..2, 0..1)]);
//! assert_eq!(al.other_side(0), 0..1);
//! ```

use super::Segment;
use std::ops::Range;

/// Groups of consecutive segments, `(left range, right range)`, in time order. Every segment
/// of either side is in exactly one group; a range may be empty when one side has nothing at
/// that time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alignment {
    pub groups: Vec<(Range<usize>, Range<usize>)>,
    left_group: Vec<usize>,
    right_group: Vec<usize>,
}

impl Alignment {
    /// The right-side segments aligned with left segment `i`.
    pub fn other_side(&self, i: usize) -> Range<usize> {
        self.left_group
            .get(i)
            .map_or(0..0, |g| self.groups[*g].1.clone())
    }

    /// The left-side segments aligned with right segment `j`.
    pub fn this_side(&self, j: usize) -> Range<usize> {
        self.right_group
            .get(j)
            .map_or(0..0, |g| self.groups[*g].0.clone())
    }

    /// Swaps the sides.
    pub fn flipped(&self) -> Alignment {
        Alignment {
            groups: self
                .groups
                .iter()
                .map(|(a, b)| (b.clone(), a.clone()))
                .collect(),
            left_group: self.right_group.clone(),
            right_group: self.left_group.clone(),
        }
    }
}

fn overlap(a: &Segment, b: &Segment) -> i64 {
    a.end_ms.min(b.end_ms) as i64 - a.start_ms.max(b.start_ms) as i64
}

/// For each segment of `xs`, the segment of `ys` it overlaps most; without any overlap, the
/// one whose midpoint is nearest. Both sides must be in time order (importers guarantee it),
/// which keeps this a linear sweep.
fn best_partners(xs: &[Segment], ys: &[Segment]) -> Vec<usize> {
    let score = |x: &Segment, y: &Segment| {
        let ov = overlap(x, y);
        if ov > 0 {
            ov
        } else {
            let mid = |s: &Segment| (s.start_ms + s.end_ms) as i64;
            -(mid(x) - mid(y)).abs() - (1 << 50)
        }
    };
    let mut out = Vec::with_capacity(xs.len());
    let mut lo = 0usize;
    for x in xs {
        // ys that end before x starts cannot overlap x or any later x.
        while lo + 1 < ys.len() && ys[lo].end_ms <= x.start_ms {
            lo += 1;
        }
        let from = lo.saturating_sub(1);
        let mut best = from;
        let mut best_score = i64::MIN;
        for (j, y) in ys.iter().enumerate().skip(from) {
            let s = score(x, y);
            if s > best_score {
                best_score = s;
                best = j;
            }
            if y.start_ms > x.end_ms {
                break; // later ys are only further away
            }
        }
        out.push(best);
    }
    out
}

/// Aligns two versions of a transcript by time overlap. A document has no times: nothing of
/// it aligns, and each segment of either side is a group of its own (left ones first).
pub fn align_by_time(left: &[Segment], right: &[Segment]) -> Alignment {
    let untimed = left.iter().chain(right).any(|s| s.line.is_some());
    let l2r = if right.is_empty() || untimed {
        vec![]
    } else {
        best_partners(left, right)
    };
    let r2l = if left.is_empty() || untimed {
        vec![]
    } else {
        best_partners(right, left)
    };
    // Sweep both sides in order. A group starts with the next left segment (or right, once
    // the left is used up) and grows while a member links past its end. A member linking
    // back into the previous group (a merged cue) joins that group instead.
    let mut groups: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let (mut i, mut j) = (0usize, 0usize);
    while i < left.len() || j < right.len() {
        // Segments whose best partner is in the previous group (the other half of a merged
        // cue) belong to that group.
        if let Some(last) = groups.last_mut() {
            loop {
                if j < right.len() && r2l.get(j).is_some_and(|p| *p < i) {
                    j += 1;
                    last.1.end = j;
                } else if i < left.len() && l2r.get(i).is_some_and(|p| *p < j) {
                    i += 1;
                    last.0.end = i;
                } else {
                    break;
                }
            }
            if i >= left.len() && j >= right.len() {
                break;
            }
        }
        let (mut li, mut rj) = if i < left.len() {
            (i + 1, l2r.get(i).map_or(j, |p| j.max(p + 1)))
        } else {
            (i, j + 1)
        };
        loop {
            let before = (li, rj);
            for x in i..li {
                if let Some(p) = l2r.get(x) {
                    rj = rj.max(p + 1);
                }
            }
            for y in j..rj {
                if let Some(p) = r2l.get(y) {
                    li = li.max(p + 1);
                }
            }
            if (li, rj) == before {
                break;
            }
        }
        let links_back = (i..li).any(|x| l2r.get(x).is_some_and(|p| *p < j))
            || (j..rj).any(|y| r2l.get(y).is_some_and(|p| *p < i));
        match groups.last_mut() {
            Some(last) if links_back => {
                last.0.end = li;
                last.1.end = rj;
            }
            _ => groups.push((i..li, j..rj)),
        }
        i = li;
        j = rj;
    }
    let mut left_group = vec![0; left.len()];
    let mut right_group = vec![0; right.len()];
    for (g, (a, b)) in groups.iter().enumerate() {
        for x in a.clone() {
            left_group[x] = g;
        }
        for y in b.clone() {
            right_group[y] = g;
        }
    }
    Alignment {
        groups,
        left_group,
        right_group,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(times: &[(u64, u64)]) -> Vec<Segment> {
        times
            .iter()
            .enumerate()
            .map(|(i, (a, b))| Segment::new(i, *a, *b, None, "x"))
            .collect()
    }

    #[test]
    fn identical_times_pair_one_to_one() {
        let a = segs(&[(0, 1000), (1200, 3000), (3100, 5000)]);
        let al = align_by_time(&a, &a);
        assert_eq!(al.groups, vec![(0..1, 0..1), (1..2, 1..2), (2..3, 2..3)]);
    }

    #[test]
    fn merges_and_splits_align() {
        // Left: four cues. Right: the middle two merged, the last one split in two.
        let l = segs(&[(0, 1000), (1000, 2000), (2000, 3000), (3000, 5000)]);
        let r = segs(&[(0, 1000), (1000, 3000), (3000, 4000), (4000, 5000)]);
        let al = align_by_time(&l, &r);
        assert_eq!(al.groups, vec![(0..1, 0..1), (1..3, 1..2), (3..4, 2..4)]);
        assert_eq!(al.other_side(2), 1..2);
        assert_eq!(al.this_side(3), 3..4);
        assert_eq!(al.flipped().other_side(1), 1..3);
        // Seen from the other side, the groups are the same.
        assert_eq!(align_by_time(&r, &l).groups, al.flipped().groups);
    }

    #[test]
    fn slightly_shifted_times_still_pair() {
        let l = segs(&[(0, 1000), (1100, 2000), (2100, 3000)]);
        let r = segs(&[(30, 1040), (1150, 2060), (2080, 2990)]);
        let al = align_by_time(&l, &r);
        assert_eq!(al.groups.len(), 3);
    }

    #[test]
    fn no_overlap_falls_back_to_nearest() {
        let l = segs(&[(0, 1000), (5000, 6000)]);
        let r = segs(&[(1500, 2000), (7000, 8000)]);
        let al = align_by_time(&l, &r);
        assert_eq!(al.groups, vec![(0..1, 0..1), (1..2, 1..2)]);
    }

    #[test]
    fn one_side_empty() {
        let l = segs(&[(0, 1000)]);
        let al = align_by_time(&l, &[]);
        assert_eq!(al.groups, vec![(0..1, 0..0)]);
        assert_eq!(al.other_side(0), 0..0);
    }

    #[test]
    fn a_document_aligns_with_nothing() {
        let mut doc = vec![
            Segment::new(0, 0, 0, None, "a"),
            Segment::new(1, 0, 0, None, "b"),
        ];
        for (k, s) in doc.iter_mut().enumerate() {
            s.line = Some(k as u32 + 1);
        }
        let timed = [Segment::new(0, 0, 1000, None, "x")];
        let al = align_by_time(&doc, &timed);
        assert_eq!(al.groups, vec![(0..1, 0..0), (1..2, 0..0), (2..2, 0..1)]);
        assert_eq!(al.other_side(0), 0..0);
        assert_eq!(al.this_side(0), 2..2);
    }
}
