//! How alike are two names, as Jaro-Winkler measures it?
//!
//! The same value as `strsim::jaro_winkler`, bit for bit, computed on bytes with the matched
//! positions kept in two machine words: linkage compares names millions of times (u alone draws
//! 50 random pairs a record), and strsim decodes characters and allocates on every call. Names
//! reach here folded to ASCII letters; anything else, or longer than 64 bytes, goes to strsim.

/// Jaro-Winkler similarity of `a` and `b`, from 0 (nothing alike) to 1 (the same).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !x.is_ascii() || !y.is_ascii() || x.len() > 64 || y.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    let similarity = jaro(x, y);
    if similarity > 0.7 {
        let prefix = x.iter().take(4).zip(y).take_while(|(p, q)| p == q).count();
        similarity + 0.1 * prefix as f64 * (1.0 - similarity)
    } else {
        similarity
    }
}

/// Jaro-Winkler similarity of `a` and `b` when it reaches `floor`, else `None`.
///
/// Most pairs linkage compares are far apart, so the similarity is first bounded from the
/// letters one name has and the other lacks (none of those can match): when even the bound is
/// below `floor`, the comparison is not made. The answer is the same as comparing
/// `jaro_winkler(a, b) >= floor`.
pub fn jaro_winkler_from(a: &str, b: &str, floor: f64) -> Option<f64> {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.is_ascii() && y.is_ascii() && !x.is_empty() && !y.is_empty() {
        // Letters by their last five bits (a and A, and some punctuation, share a class): a
        // class one name lacks holds no letter of it, so the bound stays a bound.
        let letters = |text: &[u8]| text.iter().fold(0u32, |set, &c| set | 1 << (c & 31));
        let (in_x, in_y) = (letters(x), letters(y));
        // Each letter class missing from the other name occurs at least once and matches
        // nothing.
        let most_matches = (x.len() - (in_x & !in_y).count_ones() as usize)
            .min(y.len() - (in_y & !in_x).count_ones() as usize);
        let m = most_matches as f64;
        let most_jaro = (m / x.len() as f64 + m / y.len() as f64 + 1.0) / 3.0;
        // Winkler's boost is at most 0.1 for each of four shared first letters.
        if 0.4 + 0.6 * most_jaro < floor - 1e-9 {
            return None;
        }
    }
    let similarity = jaro_winkler(a, b);
    (similarity >= floor).then_some(similarity)
}

/// Jaro similarity of two ASCII strings of at most 64 bytes, in strsim's order of operations.
fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    } else if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let search_range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_matched, mut b_matched) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &letter) in a.iter().enumerate() {
        let from = i.saturating_sub(search_range);
        let to = b.len().min(i + search_range + 1);
        for (j, &other) in b.iter().enumerate().take(to).skip(from) {
            if other == letter && b_matched & (1 << j) == 0 {
                a_matched |= 1 << i;
                b_matched |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    // Matched letters in order on both sides; a pair out of place is half a transposition.
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &letter) in a.iter().enumerate() {
        if a_matched & (1 << i) == 0 {
            continue;
        }
        while b_matched & (1 << j) == 0 {
            j += 1;
        }
        if b[j] != letter {
            transpositions += 1;
        }
        j += 1;
    }
    transpositions /= 2;
    ((matches as f64 / a.len() as f64)
        + (matches as f64 / b.len() as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn agrees_with_strsim_bit_for_bit() {
        let names = [
            "",
            "a",
            "ab",
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "katie",
            "kathryn",
            "smith",
            "smyth",
            "o",
            "jon",
            "john",
            "abcdefghij",
            "jihgfedcba",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    jaro_winkler(a, b).to_bits(),
                    strsim::jaro_winkler(a, b).to_bits(),
                    "{a:?} {b:?}"
                );
            }
        }
        // Random strings over a small alphabet, so that letters match and transpose often,
        // up to the 64 bytes the words hold.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let word = |rng: &mut rand_chacha::ChaCha8Rng| -> String {
            let len = rng.random_range(0..=64);
            (0..len)
                .map(|_| char::from(b'a' + rng.random_range(0..5u8)))
                .collect()
        };
        for _ in 0..20_000 {
            let (a, b) = (word(&mut rng), word(&mut rng));
            assert_eq!(
                jaro_winkler(&a, &b).to_bits(),
                strsim::jaro_winkler(&a, &b).to_bits(),
                "{a:?} {b:?}"
            );
        }
    }

    #[test]
    fn the_floor_only_skips_pairs_below_it() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut skipped = 0;
        for _ in 0..50_000 {
            // Letters whose classes collide (a, A and !) as well as distinct ones.
            const ALPHABET: &[u8] = b"abcdefghijklABCDE -'!";
            let mut word = || -> String {
                let len = rng.random_range(0..=12);
                (0..len)
                    .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                    .collect()
            };
            let (a, b) = (word(), word());
            let exact = jaro_winkler(&a, &b);
            for floor in [0.80, 0.88, 0.90, 0.92] {
                let from = jaro_winkler_from(&a, &b, floor);
                assert_eq!(
                    from,
                    (exact >= floor).then_some(exact),
                    "{a:?} {b:?} {floor}"
                );
                skipped += usize::from(from.is_none());
            }
        }
        assert!(skipped > 0);
        assert_eq!(
            jaro_winkler_from("martha", "marhta", 0.92),
            Some(jaro_winkler("martha", "marhta"))
        );
        assert_eq!(jaro_winkler_from("oliver", "jessica", 0.80), None);
    }

    #[test]
    fn other_text_is_measured_by_strsim() {
        let long = "a".repeat(65);
        for (a, b) in [("zoë", "zoe"), ("łukasz", "lukasz"), (long.as_str(), "aaa")] {
            assert_eq!(jaro_winkler(a, b), strsim::jaro_winkler(a, b));
        }
    }
}
