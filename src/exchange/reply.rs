//! A vendor handler's answer: a status, an optional JSON body, and — when the answer is not what the
//! spec documents — the id of the departure in the register that explains it.

use bytes::Bytes;
use dropshot::Body;
use http::{HeaderName, HeaderValue, Response, StatusCode};
use serde::Serialize;

use crate::departures::Departure;

/// Marks a response that departs from the vendor's spec; its value is an id in the register of
/// departures (`understudy departures`, specs/DEPARTURES.md).
pub const DEPARTURE_HEADER: &str = "x-understudy-departure";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: StatusCode,
    /// Serialised JSON, or `None` for an empty body (Nango's 204). `Bytes`, so that constant bodies
    /// are serialised once and shared by every response.
    pub body: Option<Bytes>,
    pub departure: Option<&'static Departure>,
    /// Headers beyond content type and departure (Nango's `Retry-After`); empty for most answers.
    pub extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// The situation of the vendor's probe catalogue this answer is, when the handler can tell: what
    /// coverage counts.
    pub situation: Option<&'static str>,
    /// The media type of the body when it is not JSON (`None`: `application/json; charset=utf-8`).
    pub content_type: Option<HeaderValue>,
    /// What made the answer, for the journal.
    pub answered_by: AnsweredBy,
    /// Set when a body could not be made to validate against the document: why (sent as
    /// `x-understudy-warning` and kept in the journal).
    pub warning: Option<Box<str>>,
    /// For an answer of inferred state: the operation's role and what it did (`create`,
    /// `created`), for the journal.
    pub state: Option<StateStep>,
}

/// What an operation of inferred state did: its role (`read`) and the outcome (`missing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateStep {
    pub role: &'static str,
    pub outcome: &'static str,
}

/// What made an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    /// A compiled vendor's own implementation.
    #[default]
    Override,
    /// An example of the document.
    Example,
    /// A body generated from the document's schema (or none, where the document documents none).
    Generated,
    /// The real service, under `understudy proxy`.
    Upstream,
    /// The state inferred from the document: its records laid over the documented answer.
    State,
}

/// Tells a response that the body Understudy sent could not be made to validate against the
/// document; its value says why.
pub const WARNING_HEADER: &str = "x-understudy-warning";

impl Reply {
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Self {
        // Serialising plain data structures (no maps with non-string keys) cannot fail.
        let mut body = serde_json::to_vec(body).expect("a response body serialises to JSON");
        // The journal keeps the body: give back what the serialiser's doubling left unused.
        body.shrink_to_fit();
        Self {
            status,
            body: Some(body.into()),
            departure: None,
            extra_headers: Vec::new(),
            situation: None,
            state: None,
            content_type: None,
            answered_by: AnsweredBy::Override,
            warning: None,
        }
    }

    /// A JSON body serialised earlier (see [`serialised_once`]).
    pub fn json_bytes(status: StatusCode, body: &Bytes) -> Self {
        Self {
            status,
            body: Some(body.clone()),
            departure: None,
            extra_headers: Vec::new(),
            situation: None,
            state: None,
            content_type: None,
            answered_by: AnsweredBy::Override,
            warning: None,
        }
    }

    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: None,
            departure: None,
            extra_headers: Vec::new(),
            situation: None,
            state: None,
            content_type: None,
            answered_by: AnsweredBy::Override,
            warning: None,
        }
    }

    /// Marks this answer as departing from the spec, as the register entry describes.
    pub fn departing(mut self, departure: &'static Departure) -> Self {
        self.departure = Some(departure);
        self
    }

    /// Says what the inferred state did.
    pub fn in_state(mut self, role: &'static str, outcome: &'static str) -> Self {
        self.state = Some(StateStep { role, outcome });
        self
    }

    /// Names the catalogue situation this answer is (a probe's name).
    pub fn in_situation(mut self, situation: Option<&'static str>) -> Self {
        self.situation = situation;
        self
    }

    /// Marks what made the answer.
    pub fn answered_by(mut self, by: AnsweredBy) -> Self {
        self.answered_by = by;
        self
    }

    /// A body of another media type than JSON.
    pub fn with_content_type(mut self, media: HeaderValue) -> Self {
        self.content_type = Some(media);
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.extra_headers.push((name, value));
        self
    }

    pub fn into_response(self) -> Response<Body> {
        let mut builder = Response::builder().status(self.status);
        for (name, value) in self.extra_headers {
            builder = builder.header(name, value);
        }
        if let Some(departure) = self.departure {
            builder = builder.header(DEPARTURE_HEADER, HeaderValue::from_static(departure.id));
        }
        if let Some(warning) = self
            .warning
            .as_deref()
            .and_then(|w| HeaderValue::from_str(&ascii(w)).ok())
        {
            builder = builder.header(WARNING_HEADER, warning);
        }
        let response = match self.body {
            Some(json) => builder
                .header(
                    http::header::CONTENT_TYPE,
                    self.content_type
                        .unwrap_or(HeaderValue::from_static("application/json; charset=utf-8")),
                )
                .body(Body::from(json)),
            None => builder.body(Body::empty()),
        };
        // Status, static header values and a byte body: the builder has nothing left to reject.
        response.expect("a well-formed response")
    }
}

/// A header value's text: visible ASCII, other characters as `?`, at most 400 of them.
fn ascii(text: &str) -> String {
    text.chars()
        .take(400)
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' })
        .collect()
}

/// Serialises a constant response body the first time it is needed and keeps it for every later
/// response: `static BODY: OnceLock<Bytes>` beside the handler, `serialised_once(&BODY, || value)`.
pub fn serialised_once<T: Serialize>(
    cell: &'static std::sync::OnceLock<Bytes>,
    make: impl FnOnce() -> T,
) -> &'static Bytes {
    cell.get_or_init(|| {
        serde_json::to_vec(&make())
            .expect("a response body serialises to JSON")
            .into()
    })
}

/// A status's reason phrase (`Service Unavailable`) and its snake-case code
/// (`service_unavailable`): the words of a forced status for which the vendor's own code has none.
pub fn reason(status: StatusCode) -> (&'static str, String) {
    let phrase = status.canonical_reason().unwrap_or("Error");
    (phrase, phrase.to_ascii_lowercase().replace([' ', '-'], "_"))
}
