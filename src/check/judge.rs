//! Judging one answer twice: against the spec (a documented status, a documented Content-Type, a
//! body that validates) and against the model (the answer the live service gives, or with
//! `--expect spec` the one the spec documents). The outcome follows `--expect`.

use super::send::Answer;
use crate::exchange::Fidelity;
use crate::probe::Probe;
use crate::report::Outcome;
use crate::serve::vendor::Operation;

pub(super) struct Verdict {
    /// `None` when the answer keeps to the spec; otherwise why not.
    pub spec: Option<String>,
    /// `None` when the answer is the expected one; otherwise why not.
    pub model: Option<String>,
    pub outcome: Outcome,
    pub reason: String,
}

pub(super) fn judge(operation: &Operation, probe: &Probe, answer: &Answer, expect: Fidelity) -> Verdict {
    let spec = spec_verdict(operation, answer);
    let expected = match expect {
        Fidelity::Live => probe.live,
        Fidelity::Spec => probe.spec.unwrap_or(probe.live),
    };
    let model = expected.mismatch(answer.status, &answer.body);
    // Where the spec documents nothing for the situation, leaving it is expected, as the register says.
    let spec_counts = expect == Fidelity::Spec && probe.spec.is_some();
    let failure = match (&model, &spec) {
        (Some(why), _) => Some(format!("model: {why}")),
        (None, Some(why)) if spec_counts => Some(format!("spec: {why}")),
        _ => None,
    };
    let reason = match (&failure, &spec, probe.departure) {
        (Some(why), _, _) => why.clone(),
        (None, Some(_), Some(departure)) => format!("leaves the spec as registered: {}", departure.id),
        (None, Some(why), None) => format!("leaves the spec ({why}); no departure is registered"),
        (None, None, _) => String::new(),
    };
    Verdict {
        spec,
        model,
        outcome: if failure.is_some() {
            Outcome::Fail
        } else {
            Outcome::Pass
        },
        reason,
    }
}

fn spec_verdict(operation: &Operation, answer: &Answer) -> Option<String> {
    if let Err(why) = crate::spec::of(operation.vendor).responses().check(
        operation.method,
        operation.template,
        answer.status,
        &answer.body,
    ) {
        return Some(why.to_string());
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
        format!(
            "Content-Type {:?} where the spec documents application/json",
            answer.content_type.as_deref().unwrap_or("(none)")
        )
    })
}
