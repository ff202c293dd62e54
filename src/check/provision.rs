//! Getting what a probe needs. A session comes from Understudy's control API (in a namespace of the
//! probe's own, so that moving its clock touches nothing else), from the vendor's own public create
//! call, or from `--session`, the one resource the user names; a probe that cannot be provisioned is
//! skipped with the reason, never passed. Destructive probes only ever touch these sessions.

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
    /// The user's `--session`, until a probe uses it.
    named_session: Option<String>,
}

/// What provisioning gives: the resources, or why the probe is skipped.
type Provided = Result<Resources, String>;

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
        }
    }

    /// The namespace a probe's requests carry: its own, when an Understudy control API is in use.
    pub(super) fn namespace(&self, probe: &Probe) -> Option<String> {
        self.options
            .control
            .as_ref()
            .map(|_| format!("understudy-check-{}-{}-{}", self.run, self.vendor, probe.name))
    }

    pub(super) async fn provide(&mut self, probe: &Probe) -> Result<Provided, CheckError> {
        let needs_credential = vendors::default_credential(self.vendor).is_some_and(|c| !c.is_empty());
        let mut resources = Resources {
            credential: self.credential.clone(),
            session: None,
        };
        if probe.needs == Needs::Nothing {
            return Ok(Ok(resources));
        }
        if needs_credential && resources.credential.is_none() {
            return Ok(Err(format!(
                "needs a {} credential: give --credential (or --control for an Understudy)",
                self.vendor
            )));
        }
        if probe.needs == Needs::Credential {
            return Ok(Ok(resources));
        }
        let session = match self.session(probe, &resources).await? {
            Ok(session) => session,
            Err(reason) => return Ok(Err(reason)),
        };
        resources.session = Some(session);
        let namespace = self.namespace(probe);
        match probe.needs {
            Needs::DeletedSession => {
                if self.options.dry_run {
                    return Ok(Ok(resources));
                }
                let consume = (self.catalogue.consume)(&resources);
                let answer = self.sender.send(&consume, namespace.as_deref()).await?;
                if !(200..300).contains(&answer.status) {
                    return Ok(Err(format!(
                        "could not delete the session first: {} {} answered {}",
                        consume.method, consume.path, answer.status
                    )));
                }
            }
            Needs::SessionAfter(seconds) => {
                if let Err(reason) = self.advance_clock(seconds, namespace.as_deref()).await? {
                    return Ok(Err(reason));
                }
            }
            _ => {}
        }
        Ok(Ok(resources))
    }

    /// A session for the probe, from the control API, the vendor's create call, or `--session`.
    async fn session(
        &mut self,
        probe: &Probe,
        resources: &Resources,
    ) -> Result<Result<SessionIds, String>, CheckError> {
        if let Some(control) = self.options.control.clone() {
            let spec = match probe.needs {
                Needs::ControlSession(spec) => spec,
                _ => "{}",
            };
            return self.created_through_control(&control, spec, probe).await;
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
        if let Some(create) = &self.catalogue.public_create {
            if self.options.dry_run {
                return Ok(Ok(SessionIds {
                    id: "<created by the vendor's create call>".into(),
                    ..SessionIds::default()
                }));
            }
            let request = (create.request)(resources);
            let answer = self.sender.send(&request, None).await?;
            let id = serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|v| v.pointer(create.id_pointer).and_then(Value::as_str).map(str::to_string));
            return Ok(match (answer.status == create.expected_status, id) {
                (true, Some(id)) => Ok(SessionIds {
                    id,
                    ..SessionIds::default()
                }),
                _ => Err(format!(
                    "the vendor's create call {} {} answered {}, not {} with {}",
                    request.method, request.path, answer.status, create.expected_status, create.id_pointer
                )),
            });
        }
        match self.named_session.take() {
            Some(id) => Ok(Ok(SessionIds {
                id,
                ..SessionIds::default()
            })),
            None if self.options.sessions.iter().any(|(v, _)| v == self.vendor) => {
                Ok(Err("the session named by --session was used by an earlier probe".into()))
            }
            None => Ok(Err(format!(
                "needs a live {} session: give --control (an Understudy) or --session",
                self.vendor
            ))),
        }
    }

    async fn created_through_control(
        &self,
        control: &str,
        spec: &str,
        probe: &Probe,
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
        let answer = self
            .sender
            .send_to(&url, &request, self.namespace(probe).as_deref())
            .await?;
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
