//! Who can read an identifier, and what pseudonym stands for it?
//!
//! The key file holds 32 random bytes (hex) on its first line. From it come three keys: one
//! encrypts identifiers (AES-256-GCM, a fresh nonce per value, the record and column bound in as
//! associated data), one makes pseudonyms (HMAC-SHA-256), so that the same agency's person gets
//! the same pseudonymous key in every return without the id itself being stored in the clear,
//! and one keys the audit chain's MAC. A line `audit HEX` gives the audit key itself: `keys
//! rotate` writes it, so that the audit log made under the old key still verifies.
//!
//! Why AES-256-GCM and not XChaCha20-Poly1305: on short values such as names, XChaCha took
//! 1.8 µs a value here against 0.15 µs for AES-GCM with AES-NI, and ingest seals several values
//! per row. Nonces are a random 96-bit starting point per process plus a counter, so they never
//! repeat within a process and two processes' ranges overlap with negligible probability.

use crate::StoreError;
use aes_gcm::aead::{Aead, AeadCore, AeadInPlace, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

const NONCE_LEN: usize = 12;

/// The length of a pseudonymous key: 12 bytes of the HMAC, in hex.
pub const PSEUDONYM_LEN: usize = 24;

/// The workspace's keys, derived from its key file.
pub struct Keys {
    cipher: Aes256Gcm,
    /// HMAC keyed for pseudonyms, cloned for each one (keying costs as much as hashing).
    pseudonym: Hmac<Sha256>,
    /// Nonces are a random 96-bit start for this process plus a counter: never repeated, and
    /// no system call per value.
    nonce_start: u128,
    nonce_counter: u128,
    /// The audit chain's MAC key.
    audit: [u8; 32],
    /// The pseudonym key's bytes, kept through a rotation.
    pseudonym_key: [u8; 32],
    /// See [`Keys::cipher_check`].
    cipher_check: String,
}

fn derive(master: &[u8], purpose: &str) -> Result<Vec<u8>, StoreError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master)
        .map_err(|_| StoreError::Key("the key cannot be used".to_string()))?;
    mac.update(purpose.as_bytes());
    Ok(mac.finalize().into_bytes().to_vec())
}

impl Keys {
    /// Writes a new key file (mode 0600 on Unix). Refuses to overwrite one.
    pub fn create(path: &Path) -> Result<(), StoreError> {
        if path.exists() {
            return Err(StoreError::Key(format!(
                "{} already exists; a workspace's key is never replaced (the data would become unreadable)",
                path.display()
            )));
        }
        let key = Aes256Gcm::generate_key(&mut OsRng);
        let text = format!("{}\n", hex::encode(key));
        write_private(path, text.as_bytes())
            .map_err(|e| StoreError::Key(format!("cannot write {}: {e}", path.display())))
    }

    /// Reads a key file.
    pub fn load(path: &Path) -> Result<Keys, StoreError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            StoreError::Key(format!(
                "cannot read the key file {}: {e}. Set SIGHTLINE_KEY_FILE if it is kept elsewhere",
                path.display()
            ))
        })?;
        Keys::from_text(&text).ok_or_else(|| {
            StoreError::Key(format!(
                "{} does not hold a 32-byte hex key (and at most `audit HEX` and `pseudonym HEX` lines)",
                path.display()
            ))
        })?
    }

    /// Keys from a key file's text; `None` when it is not one. The first line is the vault key;
    /// `audit HEX` and `pseudonym HEX` lines, written by a rotation, give those keys instead of
    /// deriving them from it.
    fn from_text(text: &str) -> Option<Result<Keys, StoreError>> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let hex32 = |text: &str| {
            hex::decode(text.trim())
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        };
        let master = hex32(lines.next()?)?;
        let (mut audit, mut pseudonym) = (None, None);
        for line in lines {
            let (name, value) = line.split_once(' ')?;
            match name {
                "audit" => audit = Some(hex32(value)?),
                "pseudonym" => pseudonym = Some(hex32(value)?),
                _ => return None,
            }
        }
        Some(Keys::from_master(&master, audit, pseudonym))
    }

    fn from_master(
        master: &[u8; 32],
        audit: Option<[u8; 32]>,
        pseudonym: Option<[u8; 32]>,
    ) -> Result<Keys, StoreError> {
        let unusable = || StoreError::Key("the key cannot be used".to_string());
        let derive32 = |purpose: &str| -> Result<[u8; 32], StoreError> {
            <[u8; 32]>::try_from(derive(master, purpose)?.as_slice()).map_err(|_| unusable())
        };
        let audit = match audit {
            Some(audit) => audit,
            None => derive32("sightline audit mac v1")?,
        };
        let pseudonym_key = match pseudonym {
            Some(key) => key,
            None => derive32("sightline pseudonym v1")?,
        };
        let cipher_key = derive32("sightline encrypt v1")?;
        let cipher = Aes256Gcm::new_from_slice(&cipher_key).map_err(|_| unusable())?;
        let cipher_check = hex::encode(&derive(&cipher_key, "sightline cipher check")?[..12]);
        let mut start = [0u8; 16];
        start[..NONCE_LEN].copy_from_slice(&Aes256Gcm::generate_nonce(&mut OsRng));
        Ok(Keys {
            cipher,
            pseudonym: <Hmac<Sha256> as Mac>::new_from_slice(&pseudonym_key)
                .map_err(|_| unusable())?,
            nonce_start: u128::from_le_bytes(start),
            nonce_counter: 0,
            audit,
            pseudonym_key,
            cipher_check,
        })
    }

    /// The audit chain's MAC key.
    pub fn audit_key(&self) -> crate::audit::AuditKey {
        // 32 bytes is always a valid HMAC key.
        crate::audit::AuditKey::new(&self.audit).unwrap_or_else(|| unreachable!())
    }

    /// A check value of the encryption key alone: it changes with every rotation, while the
    /// pseudonym key (and so `key_check`) stays.
    pub fn cipher_check(&self) -> &str {
        &self.cipher_check
    }

    /// A new key file's text for a rotation: a fresh vault key, with this key file's audit and
    /// pseudonym keys kept on their own lines (the audit log is not rewritten by a rotation, and
    /// an agency's person keeps the same pseudonymous key in every return). The keys it holds
    /// are returned with it.
    pub fn rotated(&self) -> Result<(String, Keys), StoreError> {
        let master: [u8; 32] = Aes256Gcm::generate_key(&mut OsRng).into();
        let text = format!(
            "{}\naudit {}\npseudonym {}\n",
            hex::encode(master),
            hex::encode(self.audit),
            hex::encode(self.pseudonym_key)
        );
        Ok((
            text,
            Keys::from_master(&master, Some(self.audit), Some(self.pseudonym_key))?,
        ))
    }

    /// A fresh data key for one return, wrapped (sealed) by this key for its place
    /// `return-key/RETURN`, and the keys that seal with it (the same pseudonym and audit keys).
    pub fn new_return_key(&mut self, return_id: i64) -> Result<(Vec<u8>, Keys), StoreError> {
        let data: [u8; 32] = Aes256Gcm::generate_key(&mut OsRng).into();
        let wrapped = self.seal(&hex::encode(data), &format!("return-key/{return_id}"))?;
        Ok((wrapped, self.with_cipher(&data)?))
    }

    /// The keys of a return from its wrapped data key.
    pub fn open_return_key(&self, wrapped: &[u8], return_id: i64) -> Result<Keys, StoreError> {
        let data = hex::decode(self.open(wrapped, &format!("return-key/{return_id}"))?)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| StoreError::Key(format!("the key of return {return_id} is damaged")))?;
        self.with_cipher(&data)
    }

    /// The same key with `data` as its encryption key.
    fn with_cipher(&self, data: &[u8; 32]) -> Result<Keys, StoreError> {
        let mut start = [0u8; 16];
        start[..NONCE_LEN].copy_from_slice(&Aes256Gcm::generate_nonce(&mut OsRng));
        Ok(Keys {
            cipher: Aes256Gcm::new_from_slice(data)
                .map_err(|_| StoreError::Key("the key cannot be used".to_string()))?,
            pseudonym: self.pseudonym.clone(),
            nonce_start: u128::from_le_bytes(start),
            nonce_counter: 0,
            audit: self.audit,
            pseudonym_key: self.pseudonym_key,
            cipher_check: self.cipher_check.clone(),
        })
    }

    /// Encrypts a value bound to its place (`aad`, e.g. "people/12/family_name").
    pub fn seal(&mut self, value: &str, aad: &str) -> Result<Vec<u8>, StoreError> {
        let counter = self.reserve_nonces(1);
        let mut out = Vec::with_capacity(NONCE_LEN + value.len() + 16);
        self.seal_with(counter, aad.as_bytes(), &mut out, |out| {
            out.extend_from_slice(value.as_bytes())
        })?;
        Ok(out)
    }

    /// Encrypts bytes (an uploaded file) bound to their place, as [`Keys::seal`] does text.
    pub fn seal_bytes(&mut self, value: &[u8], aad: &str) -> Result<Vec<u8>, StoreError> {
        let counter = self.reserve_nonces(1);
        let mut out = Vec::with_capacity(NONCE_LEN + value.len() + 16);
        self.seal_with(counter, aad.as_bytes(), &mut out, |out| {
            out.extend_from_slice(value)
        })?;
        Ok(out)
    }

    /// Reserves `n` nonces for [`Keys::seal_with`]: the first of them is returned, and no
    /// later seal uses any of them. A caller that seals on several threads hands out the
    /// reserved nonces in a fixed order, so that which value gets which never depends on timing.
    pub fn reserve_nonces(&mut self, n: u128) -> u128 {
        let first = self.nonce_counter + 1;
        self.nonce_counter += n;
        first
    }

    /// Seals the value `write` appends to `out`, in place: `out` gains the nonce, the
    /// ciphertext and the tag — the layout of [`Keys::seal`]. `counter` is a nonce reserved by
    /// [`Keys::reserve_nonces`] and used for this value only.
    pub fn seal_with(
        &self,
        counter: u128,
        aad: &[u8],
        out: &mut Vec<u8>,
        write: impl FnOnce(&mut Vec<u8>),
    ) -> Result<(), StoreError> {
        let value_nonce = self.nonce_start.wrapping_add(counter);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&value_nonce.to_le_bytes()[..NONCE_LEN]);
        out.extend_from_slice(&nonce);
        let start = out.len();
        write(out);
        let tag = self
            .cipher
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), aad, &mut out[start..])
            .map_err(|_| StoreError::Key("encryption failed".to_string()))?;
        out.extend_from_slice(&tag);
        Ok(())
    }

    /// Decrypts a value sealed for the same place; fails if the key or the place differ.
    pub fn open(&self, blob: &[u8], aad: &str) -> Result<String, StoreError> {
        if blob.len() < NONCE_LEN {
            return Err(StoreError::Key("a vault value is damaged".to_string()));
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: aad.as_bytes() })
            .map_err(|_| StoreError::Key("a vault value cannot be decrypted with this key (wrong key file, or the value was moved or altered)".to_string()))?;
        String::from_utf8(plain)
            .map_err(|_| StoreError::Key("a vault value is damaged".to_string()))
    }

    /// Decrypts bytes sealed by [`Keys::seal_bytes`] for the same place.
    pub fn open_bytes(&self, blob: &[u8], aad: &str) -> Result<Vec<u8>, StoreError> {
        if blob.len() < NONCE_LEN {
            return Err(StoreError::Key("a vault value is damaged".to_string()));
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: aad.as_bytes() })
            .map_err(|_| StoreError::Key("a vault value cannot be decrypted with this key (wrong key file, or the value was moved or altered)".to_string()))
    }

    /// A pseudonymous key for an identifier: the same input gives the same key, and the key
    /// cannot be turned back into the input without the key file.
    pub fn pseudonym(&self, kind: &str, agency: &str, id: &str) -> String {
        let mut text = [0u8; PSEUDONYM_LEN];
        self.pseudonym_into(kind, agency, id, &mut text);
        text.iter().map(|&b| char::from(b)).collect()
    }

    /// [`Keys::pseudonym`] written into `text` (lower-case hex), with nothing allocated.
    pub fn pseudonym_into(
        &self,
        kind: &str,
        agency: &str,
        id: &str,
        text: &mut [u8; PSEUDONYM_LEN],
    ) {
        let mut mac = self.pseudonym.clone();
        for part in [kind, agency, id] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        let digest = mac.finalize().into_bytes();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for (pair, byte) in text.chunks_exact_mut(2).zip(digest.iter()) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0x0f)];
        }
    }
}

/// Writes a key file (mode 0600 on Unix), replacing any earlier one at that path, and syncs it
/// to disk before returning.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (tempfile::TempDir, Keys) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("k");
        Keys::create(&path).expect("create");
        let keys = Keys::load(&path).expect("load");
        (dir, keys)
    }

    #[test]
    fn values_round_trip_only_in_their_place() {
        let (_dir, mut keys) = keys();
        let sealed = keys
            .seal("Jane Example", "people/1/given_name")
            .expect("seal");
        assert!(!sealed.windows(4).any(|w| w == b"Jane"));
        assert_eq!(
            keys.open(&sealed, "people/1/given_name").expect("open"),
            "Jane Example"
        );
        assert!(
            keys.open(&sealed, "people/2/given_name").is_err(),
            "moved to another row"
        );
        let again = keys
            .seal("Jane Example", "people/1/given_name")
            .expect("seal");
        assert_ne!(sealed, again, "a fresh nonce per value");
    }

    #[test]
    fn values_sealed_in_place_open_like_any_other() {
        let (_dir, mut keys) = keys();
        let first = keys.reserve_nonces(3);
        let mut buffer = b"before".to_vec();
        keys.seal_with(first + 1, b"people/7/postcode", &mut buffer, |out| {
            out.extend_from_slice(b"ZZ1 1AA")
        })
        .expect("seal");
        assert_eq!(&buffer[..6], b"before");
        let sealed = &buffer[6..];
        assert_eq!(
            keys.open(sealed, "people/7/postcode").expect("open"),
            "ZZ1 1AA"
        );
        assert!(keys.open(sealed, "people/8/postcode").is_err());
        // The nonce is the reserved one; the next seal's nonce comes after the reservation.
        let after = keys.seal("x", "people/9/upn").expect("seal");
        let nonce = |blob: &[u8]| {
            let mut bytes = [0u8; 16];
            bytes[..NONCE_LEN].copy_from_slice(&blob[..NONCE_LEN]);
            u128::from_le_bytes(bytes)
        };
        assert_eq!(
            nonce(&after).wrapping_sub(nonce(sealed)) & ((1 << 96) - 1),
            2
        );
    }

    #[test]
    fn pseudonyms_are_the_hmacs_hex() {
        let (_dir, keys) = keys();
        let mut mac = keys.pseudonym.clone();
        for part in ["person", "A1", "P1"] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        let expected = hex::encode(&mac.finalize().into_bytes()[..12]);
        assert_eq!(keys.pseudonym("person", "A1", "P1"), expected);
        let mut text = [0u8; PSEUDONYM_LEN];
        keys.pseudonym_into("person", "A1", "P1", &mut text);
        assert_eq!(text.as_slice(), expected.as_bytes());
    }

    #[test]
    fn pseudonyms_are_stable_and_distinct() {
        let (_dir, keys) = keys();
        assert_eq!(
            keys.pseudonym("person", "A1", "P1"),
            keys.pseudonym("person", "A1", "P1")
        );
        assert_ne!(
            keys.pseudonym("person", "A1", "P1"),
            keys.pseudonym("person", "A2", "P1")
        );
        assert_ne!(
            keys.pseudonym("person", "A1", "P1"),
            keys.pseudonym("incident", "A1", "P1")
        );
    }

    #[test]
    fn a_rotated_key_seals_anew_but_keeps_pseudonyms_and_the_audit_key() {
        let (dir, mut keys) = keys();
        let (text, mut rotated) = keys.rotated().expect("rotate");
        let path = dir.path().join("rotated");
        std::fs::write(&path, &text).expect("write");
        let reloaded = Keys::load(&path).expect("load the rotated file");
        let sealed = keys.seal("Jane", "people/1/given_name").expect("seal");
        assert!(rotated.open(&sealed, "people/1/given_name").is_err());
        let resealed = rotated.seal("Jane", "people/1/given_name").expect("seal");
        assert_eq!(
            reloaded
                .open(&resealed, "people/1/given_name")
                .expect("open"),
            "Jane"
        );
        assert_eq!(
            keys.pseudonym("person", "A1", "P1"),
            reloaded.pseudonym("person", "A1", "P1")
        );
        assert_ne!(keys.cipher_check(), reloaded.cipher_check());
        assert_eq!(reloaded.cipher_check(), rotated.cipher_check());
        let head = |k: &Keys| k.audit_key().event_mac("", 1, "", "", "", "", "");
        assert_eq!(head(&keys), head(&reloaded));
    }

    #[test]
    fn a_key_file_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("k");
        Keys::create(&path).expect("create");
        assert!(Keys::create(&path).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
