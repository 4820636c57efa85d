//! Every sealed value of the vault, opened with the old key and sealed again with the new one,
//! in the caller's transaction. Each value keeps its place (the associated data that binds it
//! to its record and column), so a value re-sealed into the wrong row still cannot be opened.

use crate::Result;
use crate::db::{Db, Value};
use crate::keys::Keys;
use crate::sql_store::IDENTITY_COLUMNS;

/// People's identifiers are read this many records at a time.
const CHUNK: i64 = 5_000;

/// What a rotation re-sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Returns' data keys re-wrapped (the values sealed with them need not change).
    pub return_keys: u64,
    /// Values sealed with the workspace's key itself (returns stored before schema 4).
    pub values: u64,
}

/// Re-wraps every return's data key and re-seals every value sealed with the workspace's key.
pub(crate) fn reseal_all(db: &mut dyn Db, old: &Keys, new: &mut Keys) -> Result<Resealed> {
    let wrapped = db.rows(
        "SELECT return_id, wrapped FROM return_keys ORDER BY return_id",
        &[],
        |row| {
            let return_id = row.i64(0)?;
            Ok((
                return_id,
                row.blob(1)?.unwrap_or_default().to_vec(),
                format!("return-key/{return_id}"),
            ))
        },
    )?;
    let return_keys = reseal_each(
        db,
        old,
        new,
        wrapped,
        "UPDATE return_keys SET wrapped = ?2 WHERE return_id = ?1",
    )?;
    let mut values = people(db, old, new)?;
    // Rejected rows' cells, bound to their return, table, file and row.
    let cells = db.rows(
        "SELECT c.reject_id, c.sealed, r.return_id, r.table_name, r.file, r.source_row
         FROM rejected_cells c JOIN rejects r ON r.reject_id = c.reject_id
         WHERE r.return_id NOT IN (SELECT return_id FROM return_keys) ORDER BY c.reject_id",
        &[],
        |row| {
            let place = format!(
                "rejects/{}/{}/{}/{}",
                row.i64(2)?,
                row.string(3)?,
                row.string(4)?,
                row.i64(5)?
            );
            Ok((
                row.i64(0)?,
                row.blob(1)?.unwrap_or_default().to_vec(),
                place,
            ))
        },
    )?;
    values += reseal_each(
        db,
        old,
        new,
        cells,
        "UPDATE rejected_cells SET sealed = ?2 WHERE reject_id = ?1",
    )?;
    // File-level notes: the index is the note's place among its return's notes.
    let mut index = 0;
    let mut last_return = None;
    let notes = db.rows(
        "SELECT c.note_id, c.sealed, n.return_id
         FROM note_cells c JOIN return_notes n ON n.note_id = c.note_id
         WHERE n.return_id NOT IN (SELECT return_id FROM return_keys) ORDER BY n.return_id, n.note_id",
        &[],
        |row| {
            let return_id = row.i64(2)?;
            if last_return != Some(return_id) {
                (last_return, index) = (Some(return_id), 0);
            }
            let place = format!("notes/{return_id}/{index}");
            index += 1;
            Ok((row.i64(0)?, row.blob(1)?.unwrap_or_default().to_vec(), place))
        },
    )?;
    values += reseal_each(
        db,
        old,
        new,
        notes,
        "UPDATE note_cells SET sealed = ?2 WHERE note_id = ?1",
    )?;
    let labels = db.rows(
        "SELECT l.record_id, l.label, m.return_id, m.source_row
         FROM group_labels l JOIN group_members m ON m.record_id = l.record_id
         WHERE m.return_id NOT IN (SELECT return_id FROM return_keys) ORDER BY l.record_id",
        &[],
        |row| {
            let place = format!("groups/{}/{}/label", row.i64(2)?, row.i64(3)?);
            Ok((
                row.i64(0)?,
                row.blob(1)?.unwrap_or_default().to_vec(),
                place,
            ))
        },
    )?;
    values += reseal_each(
        db,
        old,
        new,
        labels,
        "UPDATE group_labels SET label = ?2 WHERE record_id = ?1",
    )?;
    Ok(Resealed {
        return_keys,
        values,
    })
}

fn reseal_each(
    db: &mut dyn Db,
    old: &Keys,
    new: &mut Keys,
    rows: Vec<(i64, Vec<u8>, String)>,
    update: &str,
) -> Result<u64> {
    for (id, blob, place) in &rows {
        let sealed = new.seal(&old.open(blob, place)?, place)?;
        db.execute(update, &[(*id).into(), sealed.as_slice().into()])?;
    }
    Ok(rows.len() as u64)
}

/// People's identifiers, a chunk of records at a time.
fn people(db: &mut dyn Db, old: &Keys, new: &mut Keys) -> Result<u64> {
    let select = format!(
        "SELECT i.record_id, {} FROM people_identity i JOIN people p ON p.record_id = i.record_id
         WHERE i.record_id > ?1 AND p.return_id NOT IN (SELECT return_id FROM return_keys)
         ORDER BY i.record_id LIMIT {CHUNK}",
        IDENTITY_COLUMNS.map(|c| format!("i.{c}")).join(", ")
    );
    let assignments: Vec<String> = IDENTITY_COLUMNS
        .iter()
        .enumerate()
        .map(|(index, column)| format!("{column} = ?{}", index + 2))
        .collect();
    let update = format!(
        "UPDATE people_identity SET {} WHERE record_id = ?1",
        assignments.join(", ")
    );
    let mut after = 0i64;
    let mut values = 0u64;
    loop {
        let chunk = db.rows(&select, &[after.into()], |row| {
            let mut blobs = Vec::with_capacity(IDENTITY_COLUMNS.len());
            for index in 1..=IDENTITY_COLUMNS.len() {
                blobs.push(row.blob(index)?.map(<[u8]>::to_vec));
            }
            Ok((row.i64(0)?, blobs))
        })?;
        let Some((last, _)) = chunk.last() else {
            return Ok(values);
        };
        after = *last;
        for (record_id, blobs) in chunk {
            let mut sealed: Vec<Option<Vec<u8>>> = Vec::with_capacity(blobs.len());
            for (column, blob) in IDENTITY_COLUMNS.iter().zip(blobs) {
                sealed.push(match blob {
                    Some(blob) => {
                        let place = format!("people/{record_id}/{column}");
                        values += 1;
                        Some(new.seal(&old.open(&blob, &place)?, &place)?)
                    }
                    None => None,
                });
            }
            let mut params: Vec<Value<'_>> = vec![record_id.into()];
            params.extend(
                sealed
                    .iter()
                    .map(|value| value.as_deref().map_or(Value::Null, Value::Blob)),
            );
            db.execute(&update, &params)?;
        }
    }
}
