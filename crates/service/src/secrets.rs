//! How are secrets made and checked: random tokens and their digests, Argon2id password hashes,
//! TOTP codes (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits) and recovery codes.
//!
//! A token (session, invitation, CSRF) is 32 random bytes shown as hex; the store keeps only its
//! SHA-256 digest, so a copy of the database lets nobody sign in.

use anyhow::Context as _;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, phc::PasswordHash};
use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha256};

/// A new random token, hex.
pub fn token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).context("the system's random source failed")?;
    Ok(hex::encode(bytes))
}

/// What the store keeps of a token.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The shortest password accepted (ASVS 6.2.1 asks for at least 8; 12 is asked here).
pub const MIN_PASSWORD: usize = 12;
/// The longest (ASVS 6.2.9 asks that at least 64 be allowed).
pub const MAX_PASSWORD: usize = 128;

/// Why a new password is refused, if it is.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Some(format!(
            "Password must be at least {MIN_PASSWORD} characters long"
        ));
    }
    if length > MAX_PASSWORD {
        return Some(format!(
            "Password must be {MAX_PASSWORD} characters or fewer"
        ));
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if (local.chars().count() >= 3 && lower.contains(&local))
        || COMMON.iter().any(|c| lower.contains(c))
    {
        return Some(
            "Password must not contain your email address or a commonly used password".to_string(),
        );
    }
    // zxcvbn estimates the guesses an attacker needs, from the 30,000 commonest breached
    // passwords, common words and names, keyboard patterns, dates and repeats, and the
    // user's own email: fewer than 10^10 (its score below 3) is too few for this data.
    let estimate = zxcvbn::zxcvbn(password, &[email, &local, "sightline"]);
    if estimate.score() < zxcvbn::Score::Three {
        let mut why = vec!["Password is too easy to guess".to_string()];
        if let Some(feedback) = estimate.feedback() {
            why.extend(feedback.warning().map(|w| w.to_string()));
            why.extend(feedback.suggestions().iter().map(|s| s.to_string()));
        }
        why.push("A few unrelated words make a strong password".to_string());
        return Some(
            why.iter()
                .map(|s| s.trim_end_matches('.'))
                .collect::<Vec<_>>()
                .join(". ")
                + ".",
        );
    }
    None
}

/// Passwords (and their stems) that appear at the top of every breached-password list.
const COMMON: &[&str] = &[
    "password",
    "123456789",
    "qwertyuiop",
    "iloveyou",
    "letmein",
    "sightline",
    "welcome1",
    "abc123456",
    "111111111",
    "passw0rd",
];

/// An Argon2id hash (PHC string) of a password. Slow on purpose: call it off the async threads.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("cannot hash the password: {error}"))
}

/// Whether `password` matches a stored hash. An empty or damaged hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash no password matches, verified when the email is unknown so that an unknown email
/// takes as long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that is never used").unwrap_or_default())
}

/// The seconds of a TOTP time step.
pub const STEP_SECONDS: i64 = 30;

/// A new TOTP secret: 20 random bytes, base32 (RFC 4648, no padding) as authenticator apps
/// take it.
pub fn totp_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).context("the system's random source failed")?;
    Ok(base32(&bytes))
}

/// The `otpauth://` address an authenticator app reads (typed in, or from a QR code).
pub fn otpauth_uri(secret: &str, email: &str) -> String {
    let label: String = email
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"@.-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("otpauth://totp/Sightline:{label}?secret={secret}&issuer=Sightline")
}

/// The code of a time step for a base32 secret.
pub fn totp_code(secret: &str, step: i64) -> Option<String> {
    let key = unbase32(secret)?;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    Some(format!("{:06}", binary % 1_000_000))
}

/// The time step a code given at `now` (Unix seconds) belongs to, allowing one step of clock
/// drift either way; none if it matches no step.
pub fn totp_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now.div_euclid(STEP_SECONDS);
    [current - 1, current, current + 1]
        .into_iter()
        .find(|&step| totp_code(secret, step).is_some_and(|expected| same(&expected, &code)))
}

/// Ten recovery codes, each 10 characters of a 32-letter alphabet (50 bits), shown as
/// `xxxxx-xxxxx`.
pub fn recovery_codes() -> anyhow::Result<Vec<String>> {
    (0..10)
        .map(|_| {
            let mut bytes = [0u8; 10];
            getrandom::fill(&mut bytes).context("the system's random source failed")?;
            let text = base32(&bytes[..]).to_lowercase();
            Ok(format!("{}-{}", &text[..5], &text[5..10]))
        })
        .collect()
}

/// A recovery code as the store keeps it: its digest after removing spaces, dashes and case.
pub fn recovery_digest(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    digest(&plain)
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn unbase32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=' && c != b' ') {
        let value = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", 8-digit codes; the last
    /// six digits are the 6-digit code.
    #[test]
    fn totp_matches_the_rfc_6238_vectors() {
        let secret = base32(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (time, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            let step = time / STEP_SECONDS;
            assert_eq!(totp_code(&secret, step).as_deref(), Some(&code[2..]));
            assert_eq!(totp_step(&secret, &code[2..], time), Some(step));
        }
    }

    #[test]
    fn a_code_is_taken_one_step_either_side_and_no_further() {
        let secret = totp_secret().expect("random");
        let now = 1_700_000_000;
        let step = now / STEP_SECONDS;
        for drift in [-1, 0, 1] {
            let code = totp_code(&secret, step + drift).expect("code");
            assert_eq!(totp_step(&secret, &code, now), Some(step + drift));
        }
        let far = totp_code(&secret, step + 3).expect("code");
        assert_eq!(totp_step(&secret, &far, now), None);
        assert_eq!(totp_step(&secret, "12a456", now), None);
    }

    #[test]
    fn base32_round_trips() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            assert_eq!(unbase32(&base32(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_and_checked() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("anything", ""));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(password_problem("short", "a@b.org").is_some());
        assert!(password_problem("MyPassword2024!", "a@b.org").is_some());
        assert!(password_problem("jane.smith-winter-9", "jane.smith@x.org").is_some());
        assert!(password_problem(&"x".repeat(129), "a@b.org").is_some());
        assert_eq!(password_problem("tidy orange kettle 47", "a@b.org"), None);
        // Long enough, but among the commonest breached passwords or made of them.
        for weak in [
            "qwerty123456",
            "1q2w3e4r5t6y",
            "dragonmonkey12",
            "baseball1234",
            "abcdefghijkl",
        ] {
            let problem = password_problem(weak, "a@b.org");
            assert!(
                problem
                    .as_deref()
                    .is_some_and(|p| p.starts_with("Password is too easy to guess")),
                "{weak}: {problem:?}"
            );
        }
        assert_eq!(password_problem("quiet harbour lamp 9", "a@b.org"), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_forgive_case_and_dashes() {
        let codes = recovery_codes().expect("codes");
        assert_eq!(codes.len(), 10);
        assert_eq!(
            codes
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            10
        );
        let code = &codes[0];
        assert_eq!(
            recovery_digest(code),
            recovery_digest(&code.to_uppercase().replace('-', " "))
        );
    }
}
