//! The name of an operation the spec gives no operationId: the method and the path's segments,
//! lowercased, joined by `_` (`DELETE /connect/session` is `delete_connect_session`). build.rs names
//! the generated client's method with it and the server routes and journals by it; build.rs includes
//! this very file (`#[path]`), so the two cannot drift.

/// `method` and `path` as one identifier; characters other than letters and digits become `_`.
pub fn derived(method: &str, path: &str) -> String {
    let mut id = method.to_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.extend(segment.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        }));
    }
    id
}
