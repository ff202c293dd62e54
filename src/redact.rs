//! Keeping credentials out of everything Understudy prints, journals or reports: an `Authorization`
//! value keeps its scheme only, and credential-like JSON fields (a session token or JWT is a bearer
//! credential too) lose their values.

/// `Bearer <redacted>`: the scheme shows, the credential does not.
pub fn authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} <redacted>"),
        None => "<redacted>".into(),
    }
}

/// A header as it may be shown.
pub fn header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("proxy-authorization") {
        authorization(value)
    } else if name.eq_ignore_ascii_case("cookie") || name.to_ascii_lowercase().contains("api-key") {
        "<redacted>".into()
    } else {
        value.to_string()
    }
}

/// A body as it may be shown: credential-like fields of a JSON object redacted, at most 300 characters.
pub fn body(body: &[u8]) -> String {
    const SECRET: [&str; 6] = ["session_token", "session_jwt", "token", "secret", "apiKey", "api_key"];
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact_fields(&mut value, &SECRET);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let mut shown: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        shown.push('…');
    }
    shown
}

fn redact_fields(value: &mut serde_json::Value, secret: &[&str]) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                if secret.contains(&key.as_str()) && field.is_string() {
                    *field = "<redacted>".into();
                } else {
                    redact_fields(field, secret);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| redact_fields(item, secret)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(authorization("Bearer sk_test_abc"), "Bearer <redacted>");
        assert_eq!(header("Authorization", "Basic x"), "Basic <redacted>");
        assert_eq!(header("content-type", "application/json"), "application/json");
        assert_eq!(
            body(br#"{"session_token":"abc","session_id":"sess_1","data":{"token":"t"}}"#),
            r#"{"data":{"token":"<redacted>"},"session_id":"sess_1","session_token":"<redacted>"}"#
        );
    }
}
