//! What did each list see? The capture-history table: for every non-empty set of lists, how
//! many people were on exactly those lists.

use serde::Serialize;

use crate::error::MseError;

/// The fewest lists a table can have.
pub const MIN_LISTS: usize = 2;
/// The most lists a table can have (2^8 − 1 = 255 observable cells).
pub const MAX_LISTS: usize = 8;

/// A capture history is a bitmask over the lists: bit `i` is set when the person is on list `i`.
/// Mask 0 (on no list) is the cell nobody observes.
pub type CaptureHistory = u32;

/// How many people were seen on exactly each combination of lists.
///
/// `counts[h]` is the number of people whose capture history is `h`; `counts[0]` is always 0
/// because nobody is seen on no list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureTable {
    list_names: Vec<String>,
    counts: Vec<u64>,
}

impl CaptureTable {
    /// A table from its list names and one count per capture history, in mask order:
    /// `counts.len()` must be `2^n_lists`, and `counts[0]` (the unobserved cell) must be 0.
    pub fn from_counts(list_names: Vec<String>, counts: Vec<u64>) -> Result<Self, MseError> {
        check_names(&list_names)?;
        let n_cells = 1usize << list_names.len();
        if counts.len() != n_cells {
            return Err(MseError::CountsLength {
                n_lists: list_names.len(),
                expected: n_cells,
                found: counts.len(),
            });
        }
        if counts[0] != 0 {
            return Err(MseError::UnobservedCellGiven(counts[0]));
        }
        check_total(&counts)?;
        Ok(CaptureTable { list_names, counts })
    }

    /// A table from (capture history, count) pairs; histories not given count 0 and a history
    /// given twice has its counts added.
    pub fn from_histories(
        list_names: Vec<String>,
        histories: &[(CaptureHistory, u64)],
    ) -> Result<Self, MseError> {
        check_names(&list_names)?;
        let n_cells = 1usize << list_names.len();
        let mut counts = vec![0u64; n_cells];
        for &(history, count) in histories {
            if history == 0 || history as usize >= n_cells {
                return Err(MseError::HistoryOutOfRange {
                    history,
                    n_lists: list_names.len(),
                });
            }
            let cell = &mut counts[history as usize];
            *cell = cell.checked_add(count).ok_or(MseError::CountOverflow)?;
        }
        check_total(&counts)?;
        Ok(CaptureTable { list_names, counts })
    }

    /// A table from one row per capture history: 0/1 flags for each list, then the count
    /// (the layout SparseMSE and Rcapture use).
    pub fn from_rows(list_names: Vec<String>, rows: &[(Vec<u8>, u64)]) -> Result<Self, MseError> {
        let n_lists = list_names.len();
        let mut histories = Vec::with_capacity(rows.len());
        for (row, (flags, count)) in rows.iter().enumerate() {
            if flags.len() != n_lists {
                return Err(MseError::RowWidth {
                    row,
                    expected: n_lists,
                    found: flags.len(),
                });
            }
            let mut history = 0;
            for (i, &flag) in flags.iter().enumerate() {
                match flag {
                    0 => {}
                    1 => history |= 1 << i,
                    other => return Err(MseError::RowFlag { row, value: other }),
                }
            }
            histories.push((history, *count));
        }
        Self::from_histories(list_names, &histories)
    }

    /// How many lists the table has.
    pub fn n_lists(&self) -> usize {
        self.list_names.len()
    }

    /// The lists' names, in bit order.
    pub fn list_names(&self) -> &[String] {
        &self.list_names
    }

    /// The count for each capture history, index = mask (index 0 is the unobserved cell, 0).
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The number of people with exactly this capture history (0 for a history out of range).
    pub fn count(&self, history: CaptureHistory) -> u64 {
        self.counts.get(history as usize).copied().unwrap_or(0)
    }

    /// The number of people seen on at least one list.
    pub fn n_observed(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The number of people on list `list` (alone or with others).
    pub fn list_total(&self, list: usize) -> u64 {
        self.total_containing(1 << list)
    }

    /// The number of people on every list in `lists` (a mask), whatever other lists they are on.
    pub fn total_containing(&self, lists: CaptureHistory) -> u64 {
        self.counts
            .iter()
            .enumerate()
            .filter(|&(h, _)| h as u32 & lists == lists)
            .map(|(_, &c)| c)
            .sum()
    }

    /// The number of people on both list `a` and list `b`.
    pub fn overlap(&self, a: usize, b: usize) -> u64 {
        self.total_containing((1 << a) | (1 << b))
    }

    /// The number of people seen on more than one list.
    pub fn n_on_several_lists(&self) -> u64 {
        self.counts
            .iter()
            .enumerate()
            .filter(|&(h, _)| (h as u32).count_ones() >= 2)
            .map(|(_, &c)| c)
            .sum()
    }

    /// The same people with some lists left out (`keep` lists the lists kept, in order); people
    /// on none of the kept lists drop out of the table.
    pub fn keep_lists(&self, keep: &[usize]) -> CaptureTable {
        let names = keep.iter().map(|&i| self.list_names[i].clone()).collect();
        let mut counts = vec![0u64; 1 << keep.len()];
        for (h, &c) in self.counts.iter().enumerate() {
            let mut new_h = 0usize;
            for (j, &i) in keep.iter().enumerate() {
                if h & (1 << i) != 0 {
                    new_h |= 1 << j;
                }
            }
            if new_h != 0 {
                counts[new_h] += c;
            }
        }
        CaptureTable {
            list_names: names,
            counts,
        }
    }

    /// The names of the lists in a mask, joined by " & ".
    pub fn describe(&self, lists: CaptureHistory) -> String {
        (0..self.n_lists())
            .filter(|i| lists & (1 << i) != 0)
            .map(|i| self.list_names[i].as_str())
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// Every sum of cells fits in a u64 if the grand total does.
fn check_total(counts: &[u64]) -> Result<(), MseError> {
    counts
        .iter()
        .try_fold(0u64, |acc, &c| acc.checked_add(c))
        .map(|_| ())
        .ok_or(MseError::CountOverflow)
}

fn check_names(list_names: &[String]) -> Result<(), MseError> {
    let n = list_names.len();
    if !(MIN_LISTS..=MAX_LISTS).contains(&n) {
        return Err(MseError::ListCount(n));
    }
    for (i, name) in list_names.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(MseError::EmptyListName(i));
        }
        if list_names[..i].contains(name) {
            return Err(MseError::DuplicateListName(name.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_histories_and_counts_agree() {
        let a = CaptureTable::from_rows(
            names(&["A", "B", "C"]),
            &[(vec![1, 0, 0], 5), (vec![1, 1, 0], 2), (vec![0, 0, 1], 4)],
        )
        .expect("valid");
        let b = CaptureTable::from_histories(names(&["A", "B", "C"]), &[(1, 5), (3, 2), (4, 4)])
            .expect("valid");
        let c = CaptureTable::from_counts(names(&["A", "B", "C"]), vec![0, 5, 0, 2, 4, 0, 0, 0])
            .expect("valid");
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(a.n_observed(), 11);
        assert_eq!(a.list_total(0), 7);
        assert_eq!(a.overlap(0, 1), 2);
        assert_eq!(a.n_on_several_lists(), 2);
        assert_eq!(a.describe(0b101), "A & C");
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(matches!(
            CaptureTable::from_counts(names(&["A"]), vec![0, 1]),
            Err(MseError::ListCount(1))
        ));
        assert!(matches!(
            CaptureTable::from_counts(names(&["A", "B"]), vec![0, 1, 2]),
            Err(MseError::CountsLength { .. })
        ));
        assert!(matches!(
            CaptureTable::from_counts(names(&["A", "B"]), vec![3, 1, 2, 1]),
            Err(MseError::UnobservedCellGiven(3))
        ));
        assert!(matches!(
            CaptureTable::from_histories(names(&["A", "B"]), &[(4, 1)]),
            Err(MseError::HistoryOutOfRange { .. })
        ));
        assert!(matches!(
            CaptureTable::from_histories(names(&["A", "A"]), &[(1, 1)]),
            Err(MseError::DuplicateListName(_))
        ));
        assert!(matches!(
            CaptureTable::from_rows(names(&["A", "B"]), &[(vec![2, 0], 1)]),
            Err(MseError::RowFlag { .. })
        ));
    }

    #[test]
    fn keeping_lists_merges_histories() {
        let t = CaptureTable::from_histories(
            names(&["A", "B", "C"]),
            &[(1, 5), (3, 2), (4, 4), (6, 1)],
        )
        .expect("valid");
        let kept = t.keep_lists(&[0, 2]);
        assert_eq!(kept.list_names(), &names(&["A", "C"]));
        assert_eq!(kept.counts(), &[0, 7, 5, 0]);
    }
}
