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
}

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
        }
    }

    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: None,
            departure: None,
            extra_headers: Vec::new(),
            situation: None,
        }
    }

    /// Marks this answer as departing from the spec, as the register entry describes.
    pub fn departing(mut self, departure: &'static Departure) -> Self {
        self.departure = Some(departure);
        self
    }

    /// Names the catalogue situation this answer is (a probe's name).
    pub fn in_situation(mut self, situation: Option<&'static str>) -> Self {
        self.situation = situation;
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
        let response = match self.body {
            Some(json) => builder
                .header(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                )
                .body(Body::from(json)),
            None => builder.body(Body::empty()),
        };
        // Status, static header values and a byte body: the builder has nothing left to reject.
        response.expect("a well-formed response")
    }
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
