//! How is free text turned into a lookup key?
//!
//! Code lists are looked up by a folded key: ASCII (accents removed), lower case, every run of
//! characters that is not a letter or digit turned into one space, trimmed. "Mixed W/B Carib"
//! and "mixed  w-b carib" both fold to "mixed w b carib".

/// Folds free text into a lookup key (see the module doc).
pub fn fold(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    if text.is_ascii() {
        push_folded(&mut key, text);
    } else {
        push_folded(&mut key, &deunicode::deunicode(text));
    }
    if key.ends_with(' ') {
        key.pop();
    }
    key
}

fn push_folded(key: &mut String, ascii: &str) {
    let mut pending_space = false;
    for byte in ascii.bytes() {
        if byte.is_ascii_alphanumeric() {
            if pending_space && !key.is_empty() {
                key.push(' ');
            }
            pending_space = false;
            key.push(byte.to_ascii_lowercase() as char);
        } else if byte == b'\'' {
            // "don't" folds to "dont", not "don t".
        } else {
            pending_space = true;
        }
    }
}

/// Folds a column header: lower case with everything but letters and digits removed, so that
/// "Date of Birth", "date_of_birth" and "D.O.B" compare by their letters only.
pub fn fold_header(header: &str) -> String {
    fold(header).replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_punctuation_and_accents() {
        assert_eq!(fold("  Mixed W/B Carib "), "mixed w b carib");
        assert_eq!(fold("Côte d'Ivoire"), "cote divoire");
        assert_eq!(fold("U.K."), "u k");
        assert_eq!(fold("Zoë"), "zoe");
        assert_eq!(fold(""), "");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn folds_headers_to_letters_only() {
        assert_eq!(fold_header("Date of Birth"), "dateofbirth");
        assert_eq!(fold_header("date_of_birth"), "dateofbirth");
        assert_eq!(fold_header("D.O.B."), "dob");
    }
}
