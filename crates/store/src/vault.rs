//! Which key opens a return's identifiers, and were they erased?
//!
//! A return stored since schema 4 seals its identifiers with a data key of its own, kept in
//! `return_keys` wrapped by the workspace's key; older returns are sealed with the workspace's
//! key itself. An erased return has neither: its wrapped key (or, for an older return, its
//! sealed values) is gone, and `erasures` says when, by whom and why.

use crate::db::Db;
use crate::keys::Keys;
use crate::{Erasure, Result, StoreError};
use std::collections::HashMap;

/// The keys of the returns read, opened once each.
pub(crate) struct Vault<'k> {
    master: &'k Keys,
    returns: HashMap<i64, Keys>,
    erased: HashMap<i64, Erasure>,
}

impl<'k> Vault<'k> {
    /// Every return's key and every erasure (`only`: one return's).
    pub(crate) fn load(db: &mut dyn Db, master: &'k Keys, only: Option<i64>) -> Result<Vault<'k>> {
        let (filter, params): (&str, Vec<crate::db::Value<'_>>) = match only {
            Some(return_id) => ("WHERE return_id = ?1", vec![return_id.into()]),
            None => ("", Vec::new()),
        };
        let mut returns = HashMap::new();
        let wrapped = db.rows(
            &format!("SELECT return_id, wrapped FROM return_keys {filter}"),
            &params,
            |row| Ok((row.i64(0)?, row.blob(1)?.unwrap_or_default().to_vec())),
        )?;
        for (return_id, wrapped) in wrapped {
            returns.insert(return_id, master.open_return_key(&wrapped, return_id)?);
        }
        let erased = db
            .rows(
                &format!("SELECT return_id, at, \"user\", reason FROM erasures {filter}"),
                &params,
                |row| {
                    Ok((
                        row.i64(0)?,
                        Erasure {
                            at: row.string(1)?,
                            user: row.string(2)?,
                            reason: row.string(3)?,
                        },
                    ))
                },
            )?
            .into_iter()
            .collect();
        Ok(Vault {
            master,
            returns,
            erased,
        })
    }

    pub(crate) fn erased(&self, return_id: i64) -> Option<&Erasure> {
        self.erased.get(&return_id)
    }

    /// The keys that open a return's values; an error that says when and why if it was erased.
    pub(crate) fn keys(&self, return_id: i64) -> Result<&Keys> {
        if let Some(erasure) = self.erased(return_id) {
            return Err(erased(return_id, erasure));
        }
        Ok(self.returns.get(&return_id).unwrap_or(self.master))
    }
}

/// What is said of an erased return's identifiers.
pub(crate) fn erased(return_id: i64, erasure: &Erasure) -> StoreError {
    StoreError::Erased(format!(
        "the identifiers of return {return_id} were erased on {} by {} ({}); its counts and the audit log remain",
        erasure.at, erasure.user, erasure.reason
    ))
}
