//! The embedded default data, src/state/fixtures/default.yaml, read from the file the server embeds: tests
//! take its identifiers from here, so that the file is their one source.

use std::sync::OnceLock;

use serde_json::Value;

const FILE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/state/fixtures/default.yaml"));

fn data() -> &'static Value {
    static DATA: OnceLock<Value> = OnceLock::new();
    DATA.get_or_init(|| serde_yaml::from_str(FILE).expect("the default data parses"))
}

fn text(value: &'static Value, what: &str) -> &'static str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("the default data has no {what}"))
}

/// A vendor's default sessions.
pub fn sessions(vendor: &str) -> &'static [Value] {
    data()[vendor]["sessions"].as_array().map_or(&[], Vec::as_slice)
}

/// The MoonKey session of the spec's request example.
pub fn moonkey_session_id() -> &'static str {
    text(&sessions("moonkey")[0]["session_id"], "MoonKey session_id")
}

pub fn moonkey_session_token() -> &'static str {
    text(&sessions("moonkey")[0]["session_token"], "MoonKey session_token")
}

pub fn moonkey_user_id() -> &'static str {
    text(&sessions("moonkey")[0]["user_id"], "MoonKey user_id")
}

/// The Dynamic session of the spec's `uuid` example, with a known IP address and user agent.
pub fn dynamic_session_id() -> &'static str {
    let known = sessions("dynamic").iter().find(|s| !s["ip_address"].is_null());
    text(
        &known.expect("a Dynamic session with an IP address")["id"],
        "Dynamic id",
    )
}

/// A Dynamic session whose IP address and user agent are unknown (`null` in responses).
pub fn dynamic_anonymous_session_id() -> &'static str {
    let anonymous = sessions("dynamic").iter().find(|s| s["ip_address"].is_null());
    text(
        &anonymous.expect("a Dynamic session without an IP address")["id"],
        "Dynamic id",
    )
}

/// A well-formed Dynamic token without the `users.write` scope.
pub fn dynamic_restricted_token() -> &'static str {
    text(&data()["dynamic"]["restricted_tokens"][0], "Dynamic restricted token")
}

/// The Paragraph auth session with this status (`pending`, `completed`, `expired`).
pub fn paragraph_session_id(status: &str) -> &'static str {
    let session = sessions("paragraph").iter().find(|s| s["status"] == status);
    text(
        &session.unwrap_or_else(|| panic!("a {status} Paragraph session"))["id"],
        "Paragraph id",
    )
}

/// The Nango connect session token.
pub fn nango_token() -> &'static str {
    text(&sessions("nango")[0]["token"], "Nango token")
}
