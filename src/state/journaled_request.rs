//! A journaled request: its path, and how it stands to the document's request side. Either that
//! was judged when the request arrived (the generic engine and the proxy judge every request), or
//! what the document's request rules read of it (the query, the headers they name, a small body)
//! is kept so that it is judged when the journal is read: a compiled vendor's own operation answers
//! without the verdict, and the request path does not pay for it. Everything is in one allocation,
//! since a journal holds many thousands of these and frees the oldest as it records the newest.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::operation::Operation;
use crate::spec::{Document, RequestParts};

/// The largest body kept to be judged later; a larger one is judged when it arrives, so that a
/// journal of small entries stays small.
pub const KEPT_BODY_LIMIT: usize = 4096;

/// The path, then a tag and what it says (see [`Tag`]), end to end in one boxed slice.
#[derive(Debug, Clone)]
pub struct JournaledRequest(Box<[u8]>);

/// What follows the path.
#[repr(u8)]
enum Tag {
    /// Judged: it keeps to the document.
    Conforms = 0,
    /// Judged: it leaves the document as the text that follows says.
    Breaks = 1,
    /// Not judged yet: the query, the headers read and the body follow.
    Kept = 2,
}

/// What of a request is kept to judge it later.
pub struct Kept<'a> {
    pub query: Option<&'a str>,
    /// The request's values of the headers the operation's rules read, by name (as the rules read
    /// them: see [`crate::spec::authorization_as_judged`]).
    pub headers: Vec<(&'a HeaderName, Cow<'a, [u8]>)>,
    pub body: &'a [u8],
}

impl JournaledRequest {
    /// A request judged when it arrived; `nonconformance` says how it leaves the document, if it does.
    pub fn judged(path: &str, nonconformance: Option<&str>) -> Self {
        let mut bytes = with_path(path, 1 + nonconformance.map_or(0, str::len));
        match nonconformance {
            None => bytes.push(Tag::Conforms as u8),
            Some(text) => {
                bytes.push(Tag::Breaks as u8);
                bytes.extend_from_slice(text.as_bytes());
            }
        }
        Self(bytes.into_boxed_slice())
    }

    /// A request kept to be judged when the journal is read.
    pub fn kept(path: &str, kept: &Kept<'_>) -> Self {
        let query = kept.query.map_or(0, str::len);
        let headers: usize = kept
            .headers
            .iter()
            .map(|(name, value)| 2 + name.as_str().len() + 4 + value.len())
            .sum();
        let mut bytes = with_path(path, 1 + 4 + query + 2 + headers + kept.body.len());
        bytes.push(Tag::Kept as u8);
        match kept.query {
            Some(query) => push_text(&mut bytes, query.as_bytes()),
            None => bytes.extend_from_slice(&u32::MAX.to_le_bytes()),
        }
        let count = u16::try_from(kept.headers.len()).unwrap_or(u16::MAX);
        bytes.extend_from_slice(&count.to_le_bytes());
        for (name, value) in kept.headers.iter().take(usize::from(count)) {
            // Header names are short (hyper refuses long ones); a name is at most 64 KiB here.
            let name = name.as_str().as_bytes();
            let name = &name[..name.len().min(usize::from(u16::MAX))];
            bytes.extend_from_slice(&(name.len() as u16).to_le_bytes());
            bytes.extend_from_slice(name);
            push_text(&mut bytes, value);
        }
        bytes.extend_from_slice(kept.body);
        Self(bytes.into_boxed_slice())
    }

    /// The request's path as sent.
    pub fn path(&self) -> &str {
        let (path, _) = self.split();
        // Written from a `&str` by the constructors.
        std::str::from_utf8(path).unwrap_or_default()
    }

    /// How the request leaves the request side of `document` (the document of the API it was sent
    /// to, `None` when no API of that name is served any more), or `None` when it keeps to it.
    /// A kept request is judged now.
    pub fn nonconformance(&self, operation: &Operation, document: Option<&Document>) -> Option<Cow<'_, str>> {
        let (_, rest) = self.split();
        match rest.split_first() {
            Some((&tag, _)) if tag == Tag::Conforms as u8 => None,
            Some((&tag, text)) if tag == Tag::Breaks as u8 => Some(String::from_utf8_lossy(text)),
            Some((&tag, kept)) if tag == Tag::Kept as u8 => match document {
                Some(document) => judge(document, operation, self.path(), kept).map(Cow::Owned),
                None => Some(Cow::Borrowed(
                    "not judged: the API it was sent to is not served any more",
                )),
            },
            _ => Some(Cow::Borrowed("not judged: the journal entry is damaged")),
        }
    }

    /// The path, and what follows it.
    fn split(&self) -> (&[u8], &[u8]) {
        let length = read_u32(&self.0, 0).unwrap_or(0) as usize;
        let path = self.0.get(4..4 + length).unwrap_or_default();
        (path, self.0.get(4 + length..).unwrap_or_default())
    }
}

/// A buffer of the right capacity with the path written in it.
fn with_path(path: &str, more: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(4 + path.len() + more);
    push_text(&mut bytes, path.as_bytes());
    bytes
}

/// A length (four bytes, little-endian) and the bytes.
fn push_text(bytes: &mut Vec<u8>, text: &[u8]) {
    let text = &text[..text.len().min(u32::MAX as usize - 1)];
    bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
    bytes.extend_from_slice(text);
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Judges a kept request against the document's rules for its operation: the first violation's text.
fn judge(document: &Document, operation: &Operation, path: &str, kept: &[u8]) -> Option<String> {
    let Some((query, headers, body)) = read_kept(kept) else {
        return Some("not judged: the journal entry is damaged".into());
    };
    let path = path.strip_prefix(document.base_path.as_str()).unwrap_or(path);
    let violations = document.requests().judge(&RequestParts {
        method: operation.method,
        template: operation.template,
        path,
        query,
        headers: &headers,
        body,
        json: None,
    });
    violations.into_iter().next().map(|v| v.message)
}

/// The query, the headers and the body of a kept request.
fn read_kept(kept: &[u8]) -> Option<(Option<&str>, HeaderMap, &[u8])> {
    let mut at = 0;
    let query_length = read_u32(kept, at)?;
    at += 4;
    let query = if query_length == u32::MAX {
        None
    } else {
        let text = kept.get(at..at + query_length as usize)?;
        at += text.len();
        Some(std::str::from_utf8(text).ok()?)
    };
    let count = u16::from_le_bytes(kept.get(at..at + 2)?.try_into().ok()?);
    at += 2;
    let mut headers = HeaderMap::with_capacity(usize::from(count));
    for _ in 0..count {
        let name_length = usize::from(u16::from_le_bytes(kept.get(at..at + 2)?.try_into().ok()?));
        at += 2;
        let name = HeaderName::from_bytes(kept.get(at..at + name_length)?).ok()?;
        at += name_length;
        let value_length = read_u32(kept, at)? as usize;
        at += 4;
        let value = HeaderValue::from_bytes(kept.get(at..at + value_length)?).ok()?;
        at += value_length;
        headers.append(name, value);
    }
    Some((query, headers, kept.get(at..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    static REVOKE: Operation = Operation {
        vendor: "dynamic",
        id: "revokeSessionById",
        method: "PUT",
        template: "/sessions/{sessionId}/revoke",
    };
    const SESSION: &str = "/api/v0/sessions/95b11417-f18f-457f-8804-68e361f9164f/revoke";

    fn kept(path: &str, authorization: Option<&str>, body: &[u8]) -> JournaledRequest {
        let name = http::header::AUTHORIZATION;
        let value = authorization.map(|a| HeaderValue::from_str(a).unwrap());
        JournaledRequest::kept(
            path,
            &Kept {
                query: Some("a=1"),
                headers: value.iter().map(|v| (&name, Cow::Borrowed(v.as_bytes()))).collect(),
                body,
            },
        )
    }

    #[test]
    fn a_judged_request_says_what_it_was_told() {
        let conforms = JournaledRequest::judged("/x", None);
        assert_eq!(conforms.path(), "/x");
        assert_eq!(conforms.nonconformance(&REVOKE, None), None);
        let breaks = JournaledRequest::judged("/y/%2F", Some("body: the spec requires one"));
        assert_eq!(breaks.path(), "/y/%2F");
        assert_eq!(
            breaks.nonconformance(&REVOKE, None).as_deref(),
            Some("body: the spec requires one")
        );
    }

    #[test]
    fn a_kept_request_is_judged_against_the_document_when_read() {
        let dynamic = Some(crate::spec::of("dynamic"));
        let good = kept(SESSION, Some("Bearer dyn_token"), b"");
        assert_eq!(good.path(), SESSION);
        assert_eq!(good.nonconformance(&REVOKE, dynamic), None);
        // Dynamic's document asks for a bearer token: without one, the verdict says so.
        let anonymous = kept(SESSION, None, b"");
        let verdict = anonymous.nonconformance(&REVOKE, dynamic).expect("a violation");
        assert!(verdict.contains("security"), "{verdict}");
        // The body is kept too: the revoke documents none.
        let with_body = kept(SESSION, Some("Bearer dyn_token"), b"{\"a\":1}");
        let verdict = with_body.nonconformance(&REVOKE, dynamic).expect("a violation");
        assert!(verdict.contains("no request body"), "{verdict}");
        // Without the document, a kept request is not called conforming.
        assert!(good.nonconformance(&REVOKE, None).unwrap().contains("not judged"));
    }
}
