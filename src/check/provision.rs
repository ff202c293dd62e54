//! Getting what a probe needs. A session comes first from `--session`, the one resource the user
//! names; then from Understudy's control API (in a namespace of the probe's own, so that moving its
//! clock touches nothing else); then from the vendor's own public create call. A probe that cannot
//! be provisioned is skipped with the reason, never passed. Destructive probes only ever touch these
//! sessions.
//!
//! Probes are chained the way a session lives. Every probe sends the catalogue's one operation,
//! which uses a session up when it succeeds: so the session a happy path has just deleted (revoked,
//! denied) *is* the "session deleted first" of the probes that need one, and they get it, in the
//! namespace it lived in. A probe that expects a refusal leaves its session live, so it borrows the
//! user's session without using it up, and the happy path after it still gets it.

use serde_json::Value;

use super::send::Sender;
use super::{CheckError, CheckOptions};
use crate::probe::{Catalogue, Needs, Probe, ProbeRequest, Resources, SessionIds};
use crate::vendors;

pub(super) struct Provisioner<'a> {
    options: &'a CheckOptions,
    vendor: &'a str,
    catalogue: &'a Catalogue,
    sender: &'a Sender,
    run: &'a str,
    credential: Option<String>,
    /// The user's `--session`, until a probe uses it up.
    named_session: Option<String>,
    /// The probe that used the user's session up, once one has.
    named_used_by: Option<&'static str>,
    /// The session the last successful happy path used up, for the probes of a deleted session.
    used_up: Option<Provision>,
    /// Why no session is known to be used up, when a happy path did not succeed.
    not_used_up: Option<String>,
}

/// What a probe is given: its resources, and the namespace its request is sent in (the one its
/// session lives in).
#[derive(Debug, Clone)]
pub(super) struct Provision {
    pub resources: Resources,
    pub namespace: Option<String>,
}

/// What provisioning gives: the resources, or why the probe is skipped.
type Provided = Result<Provision, String>;

impl<'a> Provisioner<'a> {
    pub(super) fn new(
        options: &'a CheckOptions,
        vendor: &'a str,
        catalogue: &'a Catalogue,
        sender: &'a Sender,
        run: &'a str,
    ) -> Self {
        let given = |list: &[(String, String)]| list.iter().find(|(v, _)| v == vendor).map(|(_, c)| c.clone());
        // Against an Understudy, the example credential the startup output prints works.
        let credential = given(&options.credentials).or_else(|| {
            options
                .control
                .as_ref()
                .and_then(|_| vendors::default_credential(vendor))
                .filter(|c| !c.is_empty())
                .map(str::to_string)
        });
        Self {
            options,
            vendor,
            catalogue,
            sender,
            run,
            credential,
            named_session: given(&options.sessions),
            named_used_by: None,
            used_up: None,
            not_used_up: None,
        }
    }

    /// The namespace of a probe's own, when an Understudy control API is in use.
    fn namespace(&self, probe: &Probe) -> Option<String> {
        self.options
            .control
            .as_ref()
            .map(|_| format!("understudy-check-{}-{}-{}", self.run, self.vendor, probe.name))
    }

    pub(super) async fn provide(&mut self, probe: &Probe) -> Result<Provided, CheckError> {
        let needs_credential = vendors::default_credential(self.vendor).is_some_and(|c| !c.is_empty());
        let resources = Resources {
            credential: self.credential.clone(),
            session: None,
        };
        let own = Provision {
            resources,
            namespace: self.namespace(probe),
        };
        if probe.needs == Needs::Nothing {
            return Ok(Ok(own));
        }
        if needs_credential && own.resources.credential.is_none() {
            return Ok(Err(format!(
                "needs a {} credential: give --credential (or --control for an Understudy)",
                self.vendor
            )));
        }
        if probe.needs == Needs::Credential {
            return Ok(Ok(own));
        }
        if probe.needs == Needs::DeletedSession {
            if let Some(used_up) = &self.used_up {
                return Ok(Ok(Provision {
                    resources: Resources {
                        credential: own.resources.credential,
                        ..used_up.resources.clone()
                    },
                    namespace: used_up.namespace.clone(),
                }));
            }
        }
        let provision = match self.session(probe, own).await? {
            Ok(provision) => provision,
            Err(reason) if probe.needs == Needs::DeletedSession => {
                return Ok(Err(match &self.not_used_up {
                    Some(why) => format!("needs the session a happy path deleted, but {why}; and {reason}"),
                    None => format!("needs a session deleted first: {reason}"),
                }));
            }
            Err(reason) => return Ok(Err(reason)),
        };
        match probe.needs {
            Needs::DeletedSession => {
                if self.options.dry_run {
                    return Ok(Ok(provision));
                }
                let consume = (self.catalogue.consume)(&provision.resources);
                let answer = self.sender.send(&consume, provision.namespace.as_deref()).await?;
                if !(200..300).contains(&answer.status) {
                    return Ok(Err(format!(
                        "could not delete the session first: {} {} answered {}",
                        consume.method, consume.path, answer.status
                    )));
                }
            }
            Needs::SessionAfter(seconds) => {
                if let Err(reason) = self.advance_clock(seconds, provision.namespace.as_deref()).await? {
                    return Ok(Err(reason));
                }
            }
            _ => {}
        }
        Ok(Ok(provision))
    }

    /// Learns from a probe's answer (`None` under `--dry-run`, where the plan is to succeed) whether
    /// it used its live session up: a success of the operation does.
    pub(super) fn answered(&mut self, probe: &Probe, provision: &Provision, status: Option<u16>) {
        let Some(session) = &provision.resources.session else {
            return;
        };
        if probe.needs != Needs::Session {
            return;
        }
        let success = |status: u16| (200..300).contains(&status);
        let used_up = status.map_or(success(probe.live.status), success);
        if used_up {
            // A borrowed session that a refusal used up after all (a drifted service) is gone too.
            if self.named_session.as_deref() == Some(session.id.as_str()) {
                self.named_session = None;
                self.named_used_by = Some(probe.name);
            }
            self.used_up = Some(provision.clone());
            self.not_used_up = None;
        } else if success(probe.live.status) && self.used_up.is_none() {
            self.not_used_up = Some(format!(
                "{} answered {}, so its session may still be live",
                probe.name,
                status.unwrap_or_default()
            ));
        }
    }

    /// A session for the probe: the user's, the control API's, or the vendor's create call's.
    async fn session(&mut self, probe: &Probe, own: Provision) -> Result<Provided, CheckError> {
        let mut provision = own;
        if matches!(probe.needs, Needs::Session | Needs::DeletedSession) {
            if let Some(id) = &self.named_session {
                // Where the user named it: no namespace of the check's.
                provision.namespace = None;
                provision.resources.session = Some(SessionIds {
                    id: id.clone(),
                    ..SessionIds::default()
                });
                // A probe that expects a refusal borrows it; any other uses it up.
                let borrows = probe.needs == Needs::Session && !(200..300).contains(&probe.live.status);
                if !borrows {
                    self.named_session = None;
                    self.named_used_by = Some(probe.name);
                }
                return Ok(Ok(provision));
            }
        }
        if let Some(control) = self.options.control.clone() {
            let spec = match probe.needs {
                Needs::ControlSession(spec) => spec,
                _ => "{}",
            };
            let created = self
                .created_through_control(&control, spec, provision.namespace.as_deref())
                .await?;
            return Ok(created.map(|ids| {
                provision.resources.session = Some(ids);
                provision
            }));
        }
        match probe.needs {
            Needs::ControlSession(_) => {
                return Ok(Err(
                    "needs a session only an Understudy control API can create (--control)".into(),
                ))
            }
            Needs::SessionAfter(_) => {
                return Ok(Err(
                    "needs to move the service's clock: only an Understudy control API can (--control)".into(),
                ))
            }
            _ => {}
        }
        let hint = match self.named_used_by {
            Some(by) => format!("the session named by --session was used up by {by}; give --control for an Understudy"),
            None => "give --session, or --control for an Understudy".to_string(),
        };
        let Some(create) = &self.catalogue.public_create else {
            return Ok(Err(match self.named_used_by {
                Some(by) => format!(
                    "needs another live {} session: the one named by --session was used up by {by} \
                     (give --control for an Understudy)",
                    self.vendor
                ),
                None => format!(
                    "needs a live {} session: give --session, or --control (an Understudy)",
                    self.vendor
                ),
            }));
        };
        if self.options.dry_run {
            provision.resources.session = Some(SessionIds {
                id: "<created by the vendor's create call>".into(),
                ..SessionIds::default()
            });
            return Ok(Ok(provision));
        }
        let request = (create.request)(&provision.resources);
        let answer = self.sender.send(&request, None).await?;
        let id = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.pointer(create.id_pointer).and_then(Value::as_str).map(str::to_string));
        Ok(match (answer.status == create.expected_status, id) {
            (true, Some(id)) => {
                provision.resources.session = Some(SessionIds {
                    id,
                    ..SessionIds::default()
                });
                Ok(provision)
            }
            _ => Err(format!(
                "the vendor's create call {} {} answered {}, not {} with {} ({hint})",
                request.method, request.path, answer.status, create.expected_status, create.id_pointer
            )),
        })
    }

    async fn created_through_control(
        &self,
        control: &str,
        spec: &str,
        namespace: Option<&str>,
    ) -> Result<Result<SessionIds, String>, CheckError> {
        let credential = self
            .credential
            .as_ref()
            .map(|c| format!("?credential={}", percent_encode(c)))
            .unwrap_or_default();
        let url = format!("{}/{}/sessions{credential}", control.trim_end_matches('/'), self.vendor);
        let request = ProbeRequest {
            method: "POST",
            path: String::new(),
            headers: Vec::new(),
            body: None,
        }
        .raw_json(spec);
        if self.options.dry_run {
            return Ok(Ok(SessionIds {
                id: "<created through the control API>".into(),
                ..SessionIds::default()
            }));
        }
        let answer = self.sender.send_to(&url, &request, namespace).await?;
        let view = serde_json::from_slice::<Value>(&answer.body).unwrap_or(Value::Null);
        Ok(match (answer.status, (self.catalogue.from_control_view)(&view)) {
            (201, Some(ids)) => Ok(ids),
            (status, _) => Err(format!("the control API refused to create a session: {status} {view}")),
        })
    }

    async fn advance_clock(&self, seconds: i64, namespace: Option<&str>) -> Result<Result<(), String>, CheckError> {
        let Some(control) = &self.options.control else {
            return Ok(Err(
                "needs to move the service's clock: only an Understudy control API can (--control)".into(),
            ));
        };
        if self.options.dry_run {
            return Ok(Ok(()));
        }
        let url = format!("{}/clock/advance", control.trim_end_matches('/'));
        let request = ProbeRequest {
            method: "POST",
            path: String::new(),
            headers: Vec::new(),
            body: None,
        }
        .json(serde_json::json!({ "seconds": seconds }));
        let answer = self.sender.send_to(&url, &request, namespace).await?;
        Ok(if answer.status == 200 {
            Ok(())
        } else {
            Err(format!("the control API refused to move the clock: {}", answer.status))
        })
    }
}

/// Percent-encodes a query value (credentials are letters, digits, `_` and `-`, but be safe).
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
