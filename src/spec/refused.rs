//! The request bodies an operation refused lately, with what was wrong with them: a client that
//! sends the same broken body again (a test's fixture, a retry, a load test) is refused without
//! the body being judged again. Judging a body that breaks its schema is the costly case (every
//! violation is collected and worded); a body that keeps to it is judged in one quick pass and is
//! not kept here.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::requests::Violation;
use crate::state::locks::lock;

/// How many refused bodies an operation remembers; the oldest makes way for a new one.
const REMEMBERED: usize = 32;
/// The largest body remembered.
const LARGEST: usize = 4096;

/// One operation's refused bodies, newest last.
#[derive(Default)]
pub(super) struct RefusedBodies(Mutex<VecDeque<Refused>>);

struct Refused {
    /// The request's `Content-Type`, as sent (the verdict depends on it too).
    content_type: Option<Box<[u8]>>,
    body: Box<[u8]>,
    violation: Violation,
}

impl RefusedBodies {
    /// The verdict on this body with this `Content-Type`, if it was refused lately.
    pub(super) fn find(&self, content_type: Option<&[u8]>, body: &[u8]) -> Option<Violation> {
        if body.len() > LARGEST {
            return None;
        }
        lock(&self.0)
            .iter()
            .rev()
            .find(|r| *r.body == *body && r.content_type.as_deref() == content_type)
            .map(|r| r.violation.clone())
    }

    /// Remembers a refusal.
    pub(super) fn remember(&self, content_type: Option<&[u8]>, body: &[u8], violation: &Violation) {
        if body.len() > LARGEST {
            return;
        }
        let refused = Refused {
            content_type: content_type.map(Box::from),
            body: Box::from(body),
            violation: violation.clone(),
        };
        let mut remembered = lock(&self.0);
        if remembered.len() >= REMEMBERED {
            remembered.pop_front();
        }
        remembered.push_back(refused);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ViolationKind;

    fn violation(message: &str) -> Violation {
        Violation {
            kind: ViolationKind::Body,
            location: "body".into(),
            message: message.into(),
        }
    }

    #[test]
    fn a_body_refused_before_is_found_with_its_content_type_only() {
        let refused = RefusedBodies::default();
        let json = Some(&b"application/json"[..]);
        refused.remember(json, b"{\"name\":12}", &violation("body: 12 is not of type \"string\""));
        let found = refused.find(json, b"{\"name\":12}").expect("remembered");
        assert_eq!(found.message, "body: 12 is not of type \"string\"");
        assert!(refused.find(json, b"{\"name\":13}").is_none(), "another body");
        assert!(
            refused.find(Some(b"text/plain"), b"{\"name\":12}").is_none(),
            "another type"
        );
        assert!(refused.find(None, b"{\"name\":12}").is_none(), "no type");
    }

    #[test]
    fn it_remembers_the_latest_refusals_and_no_large_body() {
        let refused = RefusedBodies::default();
        for i in 0..REMEMBERED + 1 {
            refused.remember(None, i.to_string().as_bytes(), &violation(&i.to_string()));
        }
        assert!(refused.find(None, b"0").is_none(), "the oldest made way");
        assert!(refused.find(None, b"1").is_some());
        assert!(refused.find(None, REMEMBERED.to_string().as_bytes()).is_some());
        let large = vec![b' '; LARGEST + 1];
        refused.remember(None, &large, &violation("large"));
        assert!(refused.find(None, &large).is_none());
    }
}
