//! Can anyone recover a small count from what we publish? Suppression of small counts, the
//! secondary suppression that stops them being worked out by subtraction, optional rounding,
//! and a checker that proves, by solving the tables' own equations, that no hidden cell can be
//! derived — within a table and across tables that share totals.
//!
//! A [`Table`] is counts in rows and columns with (optionally) published row, column and grand
//! totals. [`protect`] applies the rules: counts from 1 to `threshold` are hidden (`[c]`), zero
//! stays 0; then, while any line (a row or column with its total) has exactly one hidden entry,
//! or the checker finds a hidden cell that can be solved for, the smallest non-zero shown
//! entry of such a line is hidden too. [`check`] is independent of how the hiding was done:
//! it builds every line's equation over all tables (entries with the same key are the same
//! unknown) and reports each hidden entry whose value the equations fix.

use serde::Serialize;
use std::collections::BTreeMap;

/// What the rules are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Counts from 1 to this are hidden.
    pub threshold: u64,
    /// Round shown counts to the nearest multiple of this (totals from unrounded values).
    pub round: Option<u64>,
}

impl Rules {
    /// Rules that hide nothing: restricted output, and counts of organisations.
    pub const NONE: Rules = Rules {
        threshold: 0,
        round: None,
    };
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            threshold: 4,
            round: None,
        }
    }
}

/// Counts to publish, with the totals that go with them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<u64>>,
    /// Whether each row's total is published (as a last column).
    pub row_totals: bool,
    /// Whether each column's total, and the grand total, are published (as a last row).
    pub column_totals: bool,
    /// A key for the grand total shared with other tables over the same population (e.g.
    /// `victims`), so the checker treats them as one value.
    pub total_key: Option<String>,
    /// Subtotal rows: (the row, the rows it sums). Subtotal rows are left out of the totals.
    pub subtotals: Vec<(usize, Vec<usize>)>,
}

impl Table {
    /// A one-column table (categories of one population) with its total.
    pub fn column(
        id: impl Into<String>,
        title: impl Into<String>,
        column: impl Into<String>,
        rows: Vec<(String, u64)>,
        total_key: Option<String>,
    ) -> Table {
        let (rows, cells): (Vec<String>, Vec<Vec<u64>>) =
            rows.into_iter().map(|(label, n)| (label, vec![n])).unzip();
        Table {
            id: id.into(),
            title: title.into(),
            rows,
            columns: vec![column.into()],
            cells,
            row_totals: false,
            column_totals: true,
            total_key,
            subtotals: Vec::new(),
        }
    }

    /// Adds a subtotal row (label) summing `rows`, placed at `at`; rows at or after `at` move
    /// down one.
    pub fn with_subtotal(mut self, at: usize, label: impl Into<String>, rows: &[usize]) -> Table {
        let sum: Vec<u64> = (0..self.columns.len())
            .map(|c| rows.iter().map(|&r| self.cells[r][c]).sum())
            .collect();
        let moved: Vec<usize> = rows
            .iter()
            .map(|&r| if r >= at { r + 1 } else { r })
            .collect();
        self.rows.insert(at, label.into());
        self.cells.insert(at, sum);
        for (row, summed) in &mut self.subtotals {
            if *row >= at {
                *row += 1;
            }
            for r in summed.iter_mut() {
                if *r >= at {
                    *r += 1;
                }
            }
        }
        self.subtotals.push((at, moved));
        self
    }

    fn is_subtotal(&self, row: usize) -> bool {
        self.subtotals.iter().any(|(r, _)| *r == row)
    }

    pub fn row_total(&self, row: usize) -> u64 {
        self.cells[row].iter().sum()
    }

    pub fn column_total(&self, column: usize) -> u64 {
        self.cells
            .iter()
            .enumerate()
            .filter(|(r, _)| !self.is_subtotal(*r))
            .map(|(_, row)| row.get(column).copied().unwrap_or(0))
            .sum()
    }

    pub fn grand_total(&self) -> u64 {
        (0..self.columns.len()).map(|c| self.column_total(c)).sum()
    }
}

/// A published value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Shown {
    Count(u64),
    /// Hidden: shown as `[c]`.
    Hidden,
}

impl Shown {
    pub fn count(self) -> Option<u64> {
        match self {
            Shown::Count(n) => Some(n),
            Shown::Hidden => None,
        }
    }

    pub fn is_hidden(self) -> bool {
        self == Shown::Hidden
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Count(n) => write!(f, "{n}"),
            Shown::Hidden => f.write_str("[c]"),
        }
    }
}

/// A table as published: its cells and totals shown or hidden.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Protected {
    pub cells: Vec<Vec<Shown>>,
    /// Empty when the table publishes no row totals.
    pub row_totals: Vec<Shown>,
    /// Empty when the table publishes no column totals.
    pub column_totals: Vec<Shown>,
    pub grand_total: Option<Shown>,
    /// Cells hidden because they are small, and hidden to protect them.
    pub primary: usize,
    pub secondary: usize,
}

/// A position in a table: a cell, a row total, a column total or the grand total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Position {
    Cell(usize, usize),
    RowTotal(usize),
    ColumnTotal(usize),
    Grand,
}

/// The published positions of a table and their true values.
fn positions(table: &Table) -> Vec<(Position, u64)> {
    let mut all = Vec::new();
    for (r, row) in table.cells.iter().enumerate() {
        for (c, &n) in row.iter().enumerate() {
            all.push((Position::Cell(r, c), n));
        }
    }
    if table.row_totals {
        for r in 0..table.rows.len() {
            all.push((Position::RowTotal(r), table.row_total(r)));
        }
    }
    if table.column_totals {
        for c in 0..table.columns.len() {
            all.push((Position::ColumnTotal(c), table.column_total(c)));
        }
        all.push((Position::Grand, table.grand_total()));
    }
    all
}

/// The lines of a table: positions that sum to zero with signs (entries +1, the total −1).
fn lines(table: &Table) -> Vec<Vec<(Position, f64)>> {
    let (rows, columns) = (table.rows.len(), table.columns.len());
    let mut lines = Vec::new();
    if table.row_totals {
        for r in 0..rows {
            let mut line: Vec<(Position, f64)> =
                (0..columns).map(|c| (Position::Cell(r, c), 1.0)).collect();
            line.push((Position::RowTotal(r), -1.0));
            lines.push(line);
        }
    }
    for (subtotal, summed) in &table.subtotals {
        for c in 0..columns {
            let mut line: Vec<(Position, f64)> = summed
                .iter()
                .map(|&r| (Position::Cell(r, c), 1.0))
                .collect();
            line.push((Position::Cell(*subtotal, c), -1.0));
            lines.push(line);
        }
    }
    if table.column_totals {
        for c in 0..columns {
            let mut line: Vec<(Position, f64)> = (0..rows)
                .filter(|&r| !table.is_subtotal(r))
                .map(|r| (Position::Cell(r, c), 1.0))
                .collect();
            line.push((Position::ColumnTotal(c), -1.0));
            lines.push(line);
        }
        let mut grand: Vec<(Position, f64)> = (0..columns)
            .map(|c| (Position::ColumnTotal(c), 1.0))
            .collect();
        grand.push((Position::Grand, -1.0));
        lines.push(grand);
        if table.row_totals {
            let mut grand: Vec<(Position, f64)> =
                (0..rows).map(|r| (Position::RowTotal(r), 1.0)).collect();
            grand.push((Position::Grand, -1.0));
            lines.push(grand);
        }
    }
    lines
}

/// Hides small counts and what would reveal them; rounds if asked.
pub fn protect(table: &Table, rules: &Rules) -> Protected {
    let values: BTreeMap<Position, u64> = positions(table).into_iter().collect();
    let mut hidden: std::collections::BTreeSet<Position> = values
        .iter()
        .filter(|(_, n)| (1..=rules.threshold).contains(*n))
        .map(|(p, _)| *p)
        .collect();
    let primary = hidden
        .iter()
        .filter(|p| matches!(p, Position::Cell(..)))
        .count();
    let lines = lines(table);
    // A total shared with other tables is published there: never hidden here to protect a cell.
    let shared_total = |p: &Position| {
        table.total_key.is_some()
            && (matches!(p, Position::Grand)
                || (matches!(p, Position::ColumnTotal(_)) && table.columns.len() == 1))
    };
    // Hide a non-zero shown entry of `line`: the smallest (cells before totals) that leaves no
    // other line with a lone hidden entry, else the smallest; false if there is none.
    let hide_one =
        |line: &[(Position, f64)], hidden: &mut std::collections::BTreeSet<Position>| -> bool {
            let mut candidates: Vec<Position> = line
                .iter()
                .map(|(p, _)| *p)
                .filter(|p| !hidden.contains(p) && values.get(p).copied().unwrap_or(0) > 0)
                .collect();
            candidates.sort_by_key(|p| (!matches!(p, Position::Cell(..)), values[p], *p));
            let quiet = candidates.iter().find(|&&candidate| {
                lines.iter().all(|other| {
                    !other.iter().any(|(p, _)| *p == candidate)
                        || other.iter().filter(|(p, _)| hidden.contains(p)).count() >= 1
                })
            });
            match quiet.or(candidates.first()) {
                Some(&p) => {
                    hidden.insert(p);
                    true
                }
                None => false,
            }
        };
    loop {
        let mut changed = false;
        for line in &lines {
            let count = line.iter().filter(|(p, _)| hidden.contains(p)).count();
            if count == 1 {
                changed |= hide_one(line, &mut hidden);
            }
        }
        if !changed {
            // Lines are safe one by one; the checker looks at them together.
            let leaks = solve(&[(table, &hidden)]);
            let Some(leak) = leaks.first() else { break };
            // The smallest shown entry of a line through the leaked one whose hiding makes it
            // undetermined; failing that, the smallest of them all.
            let mut candidates: Vec<Position> = lines
                .iter()
                .filter(|line| line.iter().any(|(p, _)| *p == leak.position))
                .flat_map(|line| line.iter().map(|(p, _)| *p))
                .filter(|p| {
                    !hidden.contains(p)
                        && values.get(p).copied().unwrap_or(0) > 0
                        && !shared_total(p)
                })
                .collect();
            candidates.sort_by_key(|p| (!matches!(p, Position::Cell(..)), values[p], *p));
            candidates.dedup();
            let fixes = candidates.iter().find(|&&candidate| {
                let mut trial = hidden.clone();
                trial.insert(candidate);
                !solve(&[(table, &trial)])
                    .iter()
                    .any(|l| l.position == leak.position)
            });
            match fixes.or(candidates.first()) {
                Some(&p) => {
                    hidden.insert(p);
                }
                None => {
                    // Nothing left to hide in its lines: hide every cell of the table.
                    for p in values.keys() {
                        if !shared_total(p) {
                            hidden.insert(*p);
                        }
                    }
                    break;
                }
            }
        }
    }
    let shown = |p: Position| -> Shown {
        if hidden.contains(&p) {
            return Shown::Hidden;
        }
        let n = values.get(&p).copied().unwrap_or(0);
        Shown::Count(match rules.round {
            Some(base) if base > 1 => (n + base / 2) / base * base,
            _ => n,
        })
    };
    let secondary = hidden
        .iter()
        .filter(|p| matches!(p, Position::Cell(..)))
        .count()
        .saturating_sub(primary);
    Protected {
        cells: (0..table.rows.len())
            .map(|r| {
                (0..table.columns.len())
                    .map(|c| shown(Position::Cell(r, c)))
                    .collect()
            })
            .collect(),
        row_totals: if table.row_totals {
            (0..table.rows.len())
                .map(|r| shown(Position::RowTotal(r)))
                .collect()
        } else {
            Vec::new()
        },
        column_totals: if table.column_totals {
            (0..table.columns.len())
                .map(|c| shown(Position::ColumnTotal(c)))
                .collect()
        } else {
            Vec::new()
        },
        grand_total: table.column_totals.then(|| shown(Position::Grand)),
        primary,
        secondary,
    }
}

/// A hidden entry whose value can be worked out from what is published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leak {
    pub table: String,
    pub position: Position,
    /// The value it can be worked out to be.
    pub value: f64,
}

impl std::fmt::Display for Leak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "table {}: the hidden {:?} can be worked out as {}",
            self.table, self.position, self.value
        )
    }
}

/// Every hidden entry, over all the tables, that the published values and totals determine.
/// Tables with the same `total_key` share their grand total.
pub fn check(tables: &[(&Table, &Protected)]) -> Vec<Leak> {
    let hidden: Vec<std::collections::BTreeSet<Position>> = tables
        .iter()
        .map(|(_, protected)| {
            let mut set = std::collections::BTreeSet::new();
            for (r, row) in protected.cells.iter().enumerate() {
                for (c, s) in row.iter().enumerate() {
                    if s.is_hidden() {
                        set.insert(Position::Cell(r, c));
                    }
                }
            }
            for (r, s) in protected.row_totals.iter().enumerate() {
                if s.is_hidden() {
                    set.insert(Position::RowTotal(r));
                }
            }
            for (c, s) in protected.column_totals.iter().enumerate() {
                if s.is_hidden() {
                    set.insert(Position::ColumnTotal(c));
                }
            }
            if protected.grand_total == Some(Shown::Hidden) {
                set.insert(Position::Grand);
            }
            set
        })
        .collect();
    let pairs: Vec<(&Table, &std::collections::BTreeSet<Position>)> = tables
        .iter()
        .zip(&hidden)
        .map(|((table, _), set)| (*table, set))
        .collect();
    solve(&pairs)
}

/// Gaussian elimination over the lines of all tables; the unknowns are the hidden entries
/// (a shared grand total is one unknown). Returns the determined ones.
fn solve(tables: &[(&Table, &std::collections::BTreeSet<Position>)]) -> Vec<Leak> {
    // Unknown ids: (table index, position), with shared totals mapped to one id.
    let mut ids: BTreeMap<(usize, Position), usize> = BTreeMap::new();
    let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
    let mut names: Vec<(usize, Position)> = Vec::new();
    for (t, (table, hidden)) in tables.iter().enumerate() {
        for &p in hidden.iter() {
            let id = match (&table.total_key, p) {
                (Some(key), Position::Grand) => *shared.entry(key.as_str()).or_insert_with(|| {
                    names.push((t, p));
                    names.len() - 1
                }),
                _ => {
                    names.push((t, p));
                    names.len() - 1
                }
            };
            ids.insert((t, p), id);
        }
    }
    if names.is_empty() {
        return Vec::new();
    }
    // A grand total published in one table and hidden in another is simply known.
    let mut known_grand: BTreeMap<&str, u64> = BTreeMap::new();
    for (table, hidden) in tables {
        if let Some(key) = &table.total_key
            && table.column_totals
            && !hidden.contains(&Position::Grand)
        {
            known_grand.insert(key.as_str(), table.grand_total());
        }
    }
    let width = names.len();
    let mut rows: Vec<Vec<f64>> = Vec::new(); // coefficients then the constant
    for (t, (table, hidden)) in tables.iter().enumerate() {
        let values: BTreeMap<Position, u64> = positions(table).into_iter().collect();
        for line in lines(table) {
            let mut row = vec![0.0; width + 1];
            let mut any = false;
            for (p, sign) in line {
                match ids.get(&(t, p)) {
                    Some(&id) if hidden.contains(&p) => {
                        let grand_known = matches!(p, Position::Grand)
                            && table
                                .total_key
                                .as_deref()
                                .is_some_and(|k| known_grand.contains_key(k));
                        if grand_known {
                            row[width] -= sign * values[&p] as f64;
                        } else {
                            row[id] += sign;
                            any = true;
                        }
                    }
                    _ => row[width] -= sign * values.get(&p).copied().unwrap_or(0) as f64,
                }
            }
            if any {
                rows.push(row);
            }
        }
    }
    // Reduced row echelon form.
    let mut pivot_row = 0;
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    for column in 0..width {
        let Some(best) = (pivot_row..rows.len())
            .filter(|&r| rows[r][column].abs() > 1e-9)
            .max_by(|&a, &b| rows[a][column].abs().total_cmp(&rows[b][column].abs()))
        else {
            continue;
        };
        rows.swap(pivot_row, best);
        let scale = rows[pivot_row][column];
        for value in rows[pivot_row].iter_mut() {
            *value /= scale;
        }
        for r in 0..rows.len() {
            if r != pivot_row && rows[r][column].abs() > 1e-9 {
                let factor = rows[r][column];
                let pivot = rows[pivot_row].clone();
                for (value, p) in rows[r].iter_mut().zip(pivot) {
                    *value -= factor * p;
                }
            }
        }
        pivots.push((pivot_row, column));
        pivot_row += 1;
        if pivot_row == rows.len() {
            break;
        }
    }
    let mut leaks = Vec::new();
    for (row, column) in pivots {
        let alone = (0..width).all(|c| c == column || rows[row][c].abs() < 1e-9);
        if alone {
            let (t, position) = names[column];
            leaks.push(Leak {
                table: tables[t].0.id.clone(),
                position,
                value: rows[row][width],
            });
        }
    }
    // A shared grand total that another table publishes is a leak in the table hiding it.
    for (table, hidden) in tables {
        if let Some(key) = &table.total_key
            && hidden.contains(&Position::Grand)
            && let Some(&value) = known_grand.get(key.as_str())
        {
            leaks.push(Leak {
                table: table.id.clone(),
                position: Position::Grand,
                value: value as f64,
            });
        }
    }
    leaks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: Vec<Vec<u64>>, row_totals: bool, column_totals: bool) -> Table {
        Table {
            id: "t".to_string(),
            title: "t".to_string(),
            rows: (0..cells.len()).map(|r| format!("r{r}")).collect(),
            columns: (0..cells[0].len()).map(|c| format!("c{c}")).collect(),
            cells,
            row_totals,
            column_totals,
            total_key: None,
            subtotals: Vec::new(),
        }
    }

    fn hide(protected: &mut Protected, cells: &[(usize, usize)]) {
        for &(r, c) in cells {
            protected.cells[r][c] = Shown::Hidden;
        }
    }

    fn shown(table: &Table) -> Protected {
        protect(
            table,
            &Rules {
                threshold: 0,
                round: None,
            },
        )
    }

    #[test]
    fn small_counts_are_hidden_zero_is_shown_and_a_lone_hidden_cell_gets_a_partner() {
        let t = Table::column(
            "victims.sex",
            "Victims by sex",
            "victims",
            vec![
                ("female".into(), 120),
                ("male".into(), 3),
                ("not recorded".into(), 40),
                ("refused".into(), 0),
            ],
            Some("victims".into()),
        );
        let p = protect(&t, &Rules::default());
        assert_eq!(p.cells[1][0], Shown::Hidden);
        assert_eq!(p.cells[3][0], Shown::Count(0));
        // 163 − 120 − 40 would give the 3 away: the smallest other non-zero cell goes too.
        assert_eq!(p.cells[2][0], Shown::Hidden);
        assert_eq!(p.cells[0][0], Shown::Count(120));
        assert_eq!(p.grand_total, Some(Shown::Count(163)));
        assert_eq!((p.primary, p.secondary), (1, 1));
        assert!(check(&[(&t, &p)]).is_empty());
    }

    #[test]
    fn naive_suppression_leaks_by_subtraction_and_the_checker_says_which_cell() {
        let t = table(vec![vec![20, 3, 30], vec![25, 40, 10]], true, true);
        let mut naive = shown(&t);
        hide(&mut naive, &[(0, 1)]);
        let leaks = check(&[(&t, &naive)]);
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].position, Position::Cell(0, 1));
        assert!((leaks[0].value - 3.0).abs() < 1e-9);
        let p = protect(&t, &Rules::default());
        assert!(check(&[(&t, &p)]).is_empty(), "{:?}", p.cells);
    }

    #[test]
    fn hiding_two_cells_in_a_row_still_leaks_through_their_columns() {
        // Naive secondary suppression: the 2 and its row partner 6 are hidden, but each is
        // alone in its column, so both come back from the column totals.
        let t = table(vec![vec![2, 6, 50], vec![30, 40, 20]], true, true);
        let mut naive = shown(&t);
        hide(&mut naive, &[(0, 0), (0, 1)]);
        let leaks = check(&[(&t, &naive)]);
        assert_eq!(leaks.len(), 2, "{leaks:?}");
        let p = protect(&t, &Rules::default());
        assert!(check(&[(&t, &p)]).is_empty(), "{:?}", p.cells);
        // A rectangle of four hidden cells cannot be solved: any +d/−d around it fits.
        let mut rectangle = shown(&t);
        hide(&mut rectangle, &[(0, 0), (0, 1), (1, 0), (1, 1)]);
        assert!(check(&[(&t, &rectangle)]).is_empty());
    }

    #[test]
    fn a_cell_between_two_protected_rectangles_is_a_bridge_that_line_checks_miss() {
        // Every line holds two or more hidden cells, yet (1,2) is fixed: rows 0–1 × columns
        // 0–1 and rows 2–3 × columns 2–3 are rectangles; (1,2) joins them without a cycle.
        let t = table(
            vec![
                vec![2, 3, 10, 10],
                vec![3, 2, 4, 10],
                vec![10, 10, 2, 3],
                vec![10, 10, 3, 2],
            ],
            true,
            true,
        );
        let mut naive = shown(&t);
        hide(
            &mut naive,
            &[
                (0, 0),
                (0, 1),
                (1, 0),
                (1, 1),
                (1, 2),
                (2, 2),
                (2, 3),
                (3, 2),
                (3, 3),
            ],
        );
        for r in 0..4 {
            let count = naive.cells[r].iter().filter(|s| s.is_hidden()).count();
            assert!(count == 0 || count >= 2, "row {r}");
        }
        let leaks = check(&[(&t, &naive)]);
        assert!(
            leaks.iter().any(|l| l.position == Position::Cell(1, 2)),
            "{leaks:?}"
        );
        let p = protect(&t, &Rules::default());
        assert!(check(&[(&t, &p)]).is_empty(), "{:?}", p.cells);
    }

    #[test]
    fn a_total_hidden_in_one_table_and_shown_in_another_is_recovered_across_tables() {
        // Victims by sex hides its total (and a cell); victims by age publishes the same total.
        let by_sex = Table::column(
            "by_sex",
            "by sex",
            "victims",
            vec![("female".into(), 2), ("male".into(), 2)],
            Some("victims".into()),
        );
        let by_age = Table::column(
            "by_age",
            "by age",
            "victims",
            vec![("13-15".into(), 2), ("16-17".into(), 2)],
            Some("victims".into()),
        );
        let sex = protect(&by_sex, &Rules::default());
        let mut age = shown(&by_age);
        hide(&mut age, &[(0, 0), (1, 0)]);
        assert_eq!(sex.grand_total, Some(Shown::Hidden));
        let leaks = check(&[(&by_sex, &sex), (&by_age, &age)]);
        assert!(!leaks.is_empty(), "the total 4 is published by one table");
        let age = protect(&by_age, &Rules::default());
        assert!(check(&[(&by_sex, &sex), (&by_age, &age)]).is_empty());
    }

    #[test]
    fn a_subtotal_of_the_known_is_protected_like_any_line() {
        // female 120, male 30, known 150, not recorded 3, total 153: the 3 would come back as
        // 153 − 150, so the known subtotal (or the total) must be hidden as well.
        let t = Table::column(
            "victims.sex",
            "Victims by sex",
            "victims",
            vec![
                ("female".into(), 120),
                ("male".into(), 30),
                ("not recorded".into(), 3),
            ],
            None,
        )
        .with_subtotal(2, "known", &[0, 1]);
        assert_eq!(t.rows, ["female", "male", "known", "not recorded"]);
        assert_eq!(t.cells[2][0], 150);
        assert_eq!(t.grand_total(), 153);
        let mut naive = shown(&t);
        hide(&mut naive, &[(3, 0)]);
        assert_eq!(check(&[(&t, &naive)]).len(), 1);
        let p = protect(&t, &Rules::default());
        assert!(p.cells[3][0].is_hidden());
        assert!(check(&[(&t, &p)]).is_empty(), "{:?}", p.cells);
    }

    #[test]
    fn a_small_unknown_is_protected_by_another_unknown_not_by_hiding_the_categories() {
        let t = Table::column(
            "victims.nationality",
            "Victims by nationality",
            "victims",
            vec![
                ("GBR".into(), 1511),
                ("ROU".into(), 63),
                ("IRL".into(), 11),
                ("Not recorded".into(), 417),
                ("Not known".into(), 3),
            ],
            None,
        )
        .with_subtotal(3, "known", &[0, 1, 2]);
        let p = protect(&t, &Rules::default());
        let hidden: Vec<&str> = t
            .rows
            .iter()
            .zip(&p.cells)
            .filter(|(_, c)| c[0].is_hidden())
            .map(|(r, _)| r.as_str())
            .collect();
        assert_eq!(hidden, ["Not recorded", "Not known"]);
        assert!(check(&[(&t, &p)]).is_empty());
    }

    #[test]
    fn rounding_goes_to_the_nearest_five_and_totals_come_from_unrounded_values() {
        let t = Table::column(
            "t",
            "t",
            "n",
            vec![("a".into(), 12), ("b".into(), 13), ("c".into(), 0)],
            None,
        );
        let p = protect(
            &t,
            &Rules {
                threshold: 4,
                round: Some(5),
            },
        );
        assert_eq!(p.cells[0][0], Shown::Count(10));
        assert_eq!(p.cells[1][0], Shown::Count(15));
        assert_eq!(p.cells[2][0], Shown::Count(0));
        // 25, not 10 + 15 rounded again.
        assert_eq!(p.grand_total, Some(Shown::Count(25)));
    }
}
