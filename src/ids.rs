//! Random identifiers in the formats the vendors use (base62 bodies, lowercase hex, UUID v4).

use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;

/// `len` random characters from `[A-Za-z0-9]`.
pub fn base62(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

/// `len` random lowercase hexadecimal digits.
pub fn lower_hex(len: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut rng = rand::rng();
    (0..len).map(|_| HEX[rng.random_range(0..16)] as char).collect()
}

/// A random UUID v4 in lowercase hyphenated form.
pub fn uuid_v4() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// True when `text` is non-empty and every character is in `[A-Za-z0-9]`.
pub fn is_base62(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// True when `text` is a lowercase hyphenated UUID (the form the vendors' patterns require).
pub fn is_lowercase_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_have_the_requested_shape() {
        assert!(is_base62(&base62(27)) && base62(27).len() == 27);
        let hex = lower_hex(64);
        assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert!(is_lowercase_uuid(&uuid_v4()));
    }

    #[test]
    fn uuid_check_rejects_uppercase_and_misplaced_hyphens() {
        assert!(is_lowercase_uuid("95b11417-f18f-457f-8804-68e361f9164f"));
        assert!(!is_lowercase_uuid("95B11417-F18F-457F-8804-68E361F9164F"));
        assert!(!is_lowercase_uuid("95b11417f-18f-457f-8804-68e361f9164f"));
        assert!(!is_lowercase_uuid("not-a-uuid"));
    }
}
