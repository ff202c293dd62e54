//! What a conformance probe is: one situation of a vendor operation (the happy path, a repeat, an
//! unknown id, each kind of bad credential or input, expiry), the request that sets it up, what the
//! live service answers (from the evidence, never from running the mock), what the spec documents,
//! and the registered departure where the two differ. Each vendor writes its catalogue down once
//! (`src/vendors/<v>/probes.rs`); `understudy check` sends it, and the mock's tests hold the mock to it.

use serde_json::Value;

use crate::departures::Departure;
use crate::operation::Operation;

/// One probe of a vendor operation.
pub struct Probe {
    /// Stable, snake_case: the name `--only` takes and the report shows.
    pub name: &'static str,
    /// The situation, in a few words.
    pub situation: &'static str,
    /// What the probe needs before its request can be sent.
    pub needs: Needs,
    /// The request, given what was provisioned.
    pub request: fn(&Resources) -> ProbeRequest,
    /// What the live service answers.
    pub live: Answer,
    /// What the spec documents for the situation, if anything.
    pub spec: Option<Answer>,
    /// The register entry that explains the live answer, where it leaves the spec.
    pub departure: Option<&'static Departure>,
}

impl Probe {
    /// Takes out of `body` what the probe's live answer says the service does where the spec's
    /// answer differs (a field present that the spec forbids, a value the spec does not give): what
    /// its departure describes. What is left can be held to the spec, since a departure covers what
    /// it describes and nothing else. Returns the pointers it took out or set.
    pub fn set_aside_departure(&self, body: &mut Value) -> Vec<&'static str> {
        let Body::Json(live) = self.live.body else {
            return Vec::new();
        };
        let spec_checks: &[(&str, Match)] = match self.spec {
            Some(Answer {
                status,
                body: Body::Json(checks),
            }) if status == self.live.status => checks,
            _ => &[],
        };
        let mut described = Vec::new();
        for (pointer, live_match) in live {
            let spec_match = spec_checks.iter().find(|(p, _)| p == pointer).map(|(_, m)| *m);
            if spec_match == Some(*live_match) {
                continue;
            }
            match (live_match, spec_match) {
                (Match::Present | Match::Equals(_), None | Some(Match::Absent)) => remove(body, pointer),
                (_, Some(Match::Equals(value))) => {
                    if let Some(field) = body.pointer_mut(pointer) {
                        *field = Value::from(value);
                    }
                }
                // TODO-completeness: a field the service leaves out where the spec wants one (live
                // `Absent`) would need a stand-in value; no catalogue describes one yet.
                _ => continue,
            }
            described.push(*pointer);
        }
        described
    }
}

/// Removes the value at a JSON pointer, if there is one.
fn remove(body: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    if let Some(object) = body.pointer_mut(parent).and_then(Value::as_object_mut) {
        object.remove(&key);
    }
}

/// What a probe needs provisioned first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing: the request uses made-up identifiers.
    Nothing,
    /// The vendor's credential, and nothing else.
    Credential,
    /// A live session, which the probe may delete.
    Session,
    /// A session that was deleted (with the catalogue's consuming request) just before.
    DeletedSession,
    /// A session created through Understudy's control API with this JSON spec (only there).
    ControlSession(&'static str),
    /// A live session whose namespace clock was then moved this many seconds (only on Understudy).
    SessionAfter(i64),
}

/// What provisioning gave a probe.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// The vendor credential (MoonKey secret key, Dynamic token; for Nango the secret key that
    /// creates connect sessions).
    pub credential: Option<String>,
    pub session: Option<SessionIds>,
}

/// A session's identifiers, as far as they are known.
#[derive(Debug, Clone, Default)]
pub struct SessionIds {
    /// The id the operation names (MoonKey `session_id`, Dynamic and Paragraph id, Nango token).
    pub id: String,
    pub token: Option<String>,
    pub jwt: Option<String>,
}

impl Resources {
    pub fn credential(&self) -> &str {
        self.credential.as_deref().unwrap_or("")
    }

    /// The session's id; empty when the probe needs none.
    pub fn session_id(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.id.as_str())
    }
}

/// A request relative to the vendor's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRequest {
    pub method: &'static str,
    /// The path under the base path, with its query string if any.
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
}

impl ProbeRequest {
    /// A request to `operation` with its path parameter (if any) filled in.
    pub fn to(operation: &Operation, path_parameter: &str) -> Self {
        let path = match operation.template.find('{') {
            Some(start) => {
                let end = operation.template[start..]
                    .find('}')
                    .map_or(operation.template.len(), |e| start + e + 1);
                format!(
                    "{}{path_parameter}{}",
                    &operation.template[..start],
                    &operation.template[end..]
                )
            }
            None => operation.template.to_string(),
        };
        Self {
            method: operation.method,
            path,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    /// A JSON body with `Content-Type: application/json`.
    pub fn json(self, body: Value) -> Self {
        self.raw_json(body.to_string())
    }

    /// Bytes sent as `application/json`, valid or not.
    pub fn raw_json(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self.header("content-type", "application/json")
    }

    pub fn query(mut self, query: &str) -> Self {
        self.path = format!("{}?{query}", self.path);
        self
    }
}

/// An answer as the evidence or the spec describes it: a status and what the body must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Body,
}

/// What the body of an answer must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// No body at all.
    Empty,
    /// A JSON body in which each JSON pointer matches.
    Json(&'static [(&'static str, Match)]),
}

/// How one value of the body must look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Equals(&'static str),
    /// Present and not null.
    Present,
    Absent,
}

/// `status` with a JSON body in which every pointer matches.
pub const fn json(status: u16, checks: &'static [(&'static str, Match)]) -> Answer {
    Answer {
        status,
        body: Body::Json(checks),
    }
}

/// `status` with no body.
pub const fn empty(status: u16) -> Answer {
    Answer {
        status,
        body: Body::Empty,
    }
}

impl Answer {
    /// Why `status` and `body` are not this answer; `None` when they are.
    pub fn mismatch(&self, status: u16, body: &[u8]) -> Option<String> {
        if status != self.status {
            return Some(format!("status {status}, expected {}", self.status));
        }
        match self.body {
            Body::Empty if body.iter().all(u8::is_ascii_whitespace) => None,
            Body::Empty => Some("a body where the service sends none".into()),
            Body::Json(checks) => {
                let Ok(value) = serde_json::from_slice::<Value>(body) else {
                    return Some("the body is not JSON".into());
                };
                checks.iter().find_map(|(pointer, expected)| {
                    let found = value.pointer(pointer).filter(|v| !v.is_null());
                    match (expected, found) {
                        (Match::Equals(text), Some(Value::String(s))) if s == text => None,
                        (Match::Equals(text), Some(other)) => {
                            Some(format!("{pointer} is {other}, expected \"{text}\""))
                        }
                        (Match::Equals(text), None) => Some(format!("{pointer} is missing, expected \"{text}\"")),
                        (Match::Present, Some(_)) | (Match::Absent, None) => None,
                        (Match::Present, None) => Some(format!("{pointer} is missing")),
                        (Match::Absent, Some(_)) => Some(format!("{pointer} is present, where the answer has none")),
                    }
                })
            }
        }
    }
}

/// A vendor's catalogue: its probes, and how to get and use up a session.
pub struct Catalogue {
    /// The operation every probe sends its request to.
    pub operation: &'static Operation,
    pub probes: Vec<Probe>,
    /// The session identifiers in a control API view of a created session.
    pub from_control_view: fn(&Value) -> Option<SessionIds>,
    /// The vendor's own public call that creates a session, if it has one.
    pub public_create: Option<PublicCreate>,
    /// The request that uses a session up (the happy path), for probes of a deleted session.
    pub consume: fn(&Resources) -> ProbeRequest,
    /// Situations the mock cannot tell from another that answers alike (a repeat delete from an
    /// unknown id), each with the one coverage counts it with.
    pub untagged: &'static [(&'static str, &'static str)],
}

/// A vendor's own create call: the request, and where the new session's id is in the answer.
pub struct PublicCreate {
    pub request: fn(&Resources) -> ProbeRequest,
    pub expected_status: u16,
    /// The JSON pointer of the new session's id in the answer.
    pub id_pointer: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_match_status_and_pointers() {
        const PAYLOAD: Answer = json(
            401,
            &[("/error/code", Match::Equals("x")), ("/error/payload", Match::Present)],
        );
        assert_eq!(PAYLOAD.mismatch(401, br#"{"error":{"code":"x","payload":{}}}"#), None);
        assert_eq!(
            PAYLOAD.mismatch(400, b"{}").as_deref(),
            Some("status 400, expected 401")
        );
        assert_eq!(
            PAYLOAD
                .mismatch(401, br#"{"error":{"code":"y","payload":{}}}"#)
                .as_deref(),
            Some("/error/code is \"y\", expected \"x\"")
        );
        assert_eq!(
            PAYLOAD.mismatch(401, br#"{"error":{"code":"x"}}"#).as_deref(),
            Some("/error/payload is missing")
        );
        assert_eq!(empty(204).mismatch(204, b""), None);
        assert!(empty(204).mismatch(204, b"{}").is_some());
    }

    #[test]
    fn a_departure_is_set_aside_as_far_as_the_catalogue_describes_it() {
        let probe = Probe {
            name: "p",
            situation: "s",
            needs: Needs::Nothing,
            request: |_| ProbeRequest {
                method: "DELETE",
                path: String::new(),
                headers: Vec::new(),
                body: None,
            },
            live: json(
                401,
                &[
                    ("/error/code", Match::Equals("live")),
                    ("/error/payload", Match::Present),
                ],
            ),
            spec: Some(json(
                401,
                &[
                    ("/error/code", Match::Equals("spec")),
                    ("/error/payload", Match::Absent),
                ],
            )),
            departure: None,
        };
        let mut body = serde_json::json!({"error": {"code": "live", "payload": {}, "hint": "x"}});
        assert_eq!(probe.set_aside_departure(&mut body), ["/error/code", "/error/payload"]);
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "spec", "hint": "x"}}),
            "what the catalogue does not describe stays, to be judged"
        );
    }

    #[test]
    fn a_request_fills_its_path_parameter() {
        let operation = Operation {
            vendor: "v",
            id: "x",
            method: "PUT",
            template: "/sessions/{sessionId}/revoke",
        };
        assert_eq!(ProbeRequest::to(&operation, "abc").path, "/sessions/abc/revoke");
    }
}
