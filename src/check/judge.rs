//! Judging one answer twice: against the spec (a documented status, a documented Content-Type, a
//! body that validates) and against the model (the answer the live service gives, or with
//! `--expect spec` the one the spec documents). The outcome follows `--expect`.
//!
//! Leaving the spec fails a probe unless a registered departure *of that probe* covers the way the
//! answer leaves it. A departure covers what the probe's catalogue entry says the live service
//! answers (its status, and the body fields its live answer names where the spec's answer differs),
//! never the rest of the answer: a `createdAt: null` beside a registered status still fails.

use serde_json::Value;

use super::send::Answer;
use crate::departures::Departure;
use crate::exchange::Fidelity;
use crate::probe::Probe;
use crate::report::Outcome;
use crate::serve::vendor::Operation;
use crate::spec::Nonconformance;

pub(super) struct Verdict {
    /// `None` when the answer keeps to the spec; otherwise why not.
    pub spec: Option<String>,
    /// `None` when the answer is the expected one; otherwise why not.
    pub model: Option<String>,
    pub outcome: Outcome,
    pub reason: String,
}

/// How an answer leaves the spec.
enum Leaves {
    /// Its status or body, as the spec's response validators say.
    Response(Nonconformance),
    /// A body that is not the JSON the spec documents.
    ContentType(String),
}

impl std::fmt::Display for Leaves {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Response(why) => why.fmt(f),
            Self::ContentType(why) => f.write_str(why),
        }
    }
}

pub(super) fn judge(operation: &Operation, probe: &Probe, answer: &Answer, expect: Fidelity) -> Verdict {
    let leaves = spec_verdict(operation, answer);
    let expected = match expect {
        Fidelity::Live => probe.live,
        Fidelity::Spec => probe.spec.unwrap_or(probe.live),
    };
    let model = expected.mismatch(answer.status, &answer.body);
    // Where the spec documents the situation, `--expect spec` holds the answer to it whatever the
    // register says; otherwise only a departure of this probe that covers the answer excuses it.
    let excuse = leaves.as_ref().map(|leaves| match expect {
        Fidelity::Spec if probe.spec.is_some() => Err(None),
        _ => covered(operation, probe, answer, leaves).map_err(Some),
    });
    let spec_failure = match (&leaves, &excuse) {
        (Some(leaves), Some(Err(None))) => Some(format!("spec: {leaves}")),
        (Some(leaves), Some(Err(Some(why)))) => Some(format!("spec: {leaves}; {why}")),
        _ => None,
    };
    // A model failure is reason enough; the spec verdict stays in its own column.
    let reason = match (&model, &spec_failure, &excuse) {
        (Some(why), _, _) => format!("model: {why}"),
        (None, Some(spec), _) => spec.clone(),
        (None, None, Some(Ok(departure))) => format!("leaves the spec as registered: {}", departure.id),
        (None, None, _) => String::new(),
    };
    Verdict {
        spec: leaves.map(|l| l.to_string()),
        outcome: if model.is_some() || spec_failure.is_some() {
            Outcome::Fail
        } else {
            Outcome::Pass
        },
        model,
        reason,
    }
}

fn spec_verdict(operation: &Operation, answer: &Answer) -> Option<Leaves> {
    if let Err(why) = crate::spec::of(operation.vendor).responses().check(
        operation.method,
        operation.template,
        answer.status,
        &answer.body,
    ) {
        return Some(Leaves::Response(why));
    }
    let has_body = !answer.body.iter().all(u8::is_ascii_whitespace);
    let json = answer.content_type.as_deref().is_some_and(|t| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .eq_ignore_ascii_case("application/json")
    });
    (has_body && !json).then(|| {
        Leaves::ContentType(format!(
            "Content-Type {:?} where the spec documents application/json",
            answer.content_type.as_deref().unwrap_or("(none)")
        ))
    })
}

/// The probe's departure, when it covers every way the answer leaves the spec; otherwise why not.
fn covered(
    operation: &Operation,
    probe: &Probe,
    answer: &Answer,
    leaves: &Leaves,
) -> Result<&'static Departure, String> {
    let Some(departure) = probe.departure else {
        return Err(format!("no departure of {} is registered", probe.name));
    };
    if let Some(why) = probe.live.mismatch(answer.status, &answer.body) {
        return Err(format!("{} describes another answer ({why})", departure.id));
    }
    match leaves {
        // The status is the one the departure describes (the answer is its live answer), and the
        // spec has no schema for it to hold the rest of the body to.
        Leaves::Response(Nonconformance::UndocumentedStatus(_) | Nonconformance::BodyWhereNoneDocumented) => {
            Ok(departure)
        }
        Leaves::Response(Nonconformance::SchemaViolation(_)) => {
            let Ok(mut body) = serde_json::from_slice::<Value>(&answer.body) else {
                return Err(format!("{} describes a JSON body", departure.id));
            };
            let described = probe.set_aside_departure(&mut body);
            match crate::spec::of(operation.vendor).responses().check_value(
                operation.method,
                operation.template,
                answer.status,
                &body,
            ) {
                Ok(()) => Ok(departure),
                Err(rest) if described.is_empty() => {
                    Err(format!("{} describes its status, not this ({rest})", departure.id))
                }
                Err(rest) => Err(format!(
                    "{} describes {}, not the rest ({rest})",
                    departure.id,
                    described.join(", ")
                )),
            }
        }
        Leaves::Response(other) => Err(format!("{} does not describe this ({other})", departure.id)),
        Leaves::ContentType(_) => Err(format!("{} describes no Content-Type", departure.id)),
    }
}
