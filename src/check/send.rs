//! Sending probe requests: one HTTP client with a timeout, paced to `--rate`, that never lets a
//! credential out of the process except in the request it belongs to.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{CheckError, CheckOptions};
use crate::probe::ProbeRequest;

/// The answer to one request.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    /// The headers a report shows ([`SHOWN_HEADERS`]), as they came.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The headers of an answer that a report shows beside its status and body: what a reader needs
/// to see why a probe failed, and nothing that varies from one request to the next.
pub(super) const SHOWN_HEADERS: &[&str] = &[
    "content-type",
    "www-authenticate",
    "retry-after",
    "location",
    crate::exchange::DEPARTURE_HEADER,
];

impl Answer {
    /// The answer as a report shows it: the status, the shown headers and the body, with every
    /// credential redacted.
    pub(super) fn redacted(&self) -> String {
        let mut shown = format!("HTTP {}\n", self.status);
        for (name, value) in &self.headers {
            shown.push_str(&format!("{name}: {}\n", crate::redact::header(name, value)));
        }
        if !self.body.is_empty() {
            shown.push('\n');
            shown.push_str(&crate::redact::body(&self.body));
        }
        shown
    }
}

/// A target that did not answer at all.
#[derive(Debug)]
pub struct Unreachable(pub String);

pub(super) struct Sender {
    http: reqwest::Client,
    base: String,
    /// The least time between two requests, and when the last one left.
    pace: Option<(Duration, Mutex<Option<Instant>>)>,
}

impl Sender {
    pub(super) fn new(options: &CheckOptions, base: &str) -> Result<Self, CheckError> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .build()
            .map_err(|e| CheckError::Usage(format!("cannot build an HTTP client: {e}")))?;
        let rate = options.rate.or_else(|| (!is_loopback(base)).then_some(10.0));
        let pace = rate
            .filter(|r| *r > 0.0)
            .map(|r| (Duration::from_secs_f64(1.0 / r), Mutex::new(None)));
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            pace,
        })
    }

    /// Sends a request to the target (under its base path), in a namespace when one is given.
    pub(super) async fn send(&self, request: &ProbeRequest, namespace: Option<&str>) -> Result<Answer, CheckError> {
        let url = format!("{}{}", self.base, request.path);
        self.send_to(&url, request, namespace).await
    }

    /// Sends a request to any URL (the control API's, say), paced like the others.
    pub(super) async fn send_to(
        &self,
        url: &str,
        request: &ProbeRequest,
        namespace: Option<&str>,
    ) -> Result<Answer, CheckError> {
        self.wait_turn().await;
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| CheckError::Usage(format!("{}: {e}", request.method)))?;
        let mut builder = self.http.request(method, url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some(namespace) = namespace {
            builder = builder.header(crate::exchange::NAMESPACE_HEADER, namespace);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = builder.send().await.map_err(|e| unreachable(url, &e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let headers = SHOWN_HEADERS
            .iter()
            .flat_map(|name| {
                response
                    .headers()
                    .get_all(*name)
                    .iter()
                    .map(|value| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            })
            .collect();
        let body = response.bytes().await.map_err(|e| unreachable(url, &e))?.to_vec();
        Ok(Answer {
            status,
            content_type,
            headers,
            body,
        })
    }

    async fn wait_turn(&self) {
        let Some((gap, last)) = &self.pace else { return };
        let mut last = last.lock().await;
        if let Some(at) = *last {
            let next = at + *gap;
            let now = Instant::now();
            if next > now {
                tokio::time::sleep(next - now).await;
            }
        }
        *last = Some(Instant::now());
    }
}

/// The URL without its path: where the request went, never what it carried.
fn unreachable(url: &str, error: &reqwest::Error) -> CheckError {
    let host = url.split('/').take(3).collect::<Vec<_>>().join("/");
    let why = if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_connect() {
        "cannot connect".to_string()
    } else {
        "the exchange failed".to_string()
    };
    CheckError::Unreachable(format!("{host}: {why}"))
}

/// A loopback target (`localhost`, 127.0.0.0/8, `[::1]`): nothing real behind it to spare.
fn is_loopback(url: &str) -> bool {
    let Some(parsed) = reqwest::Url::parse(url).ok() else {
        return false;
    };
    let host = parsed
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_shown_with_its_credentials_redacted() {
        let answer = Answer {
            status: 201,
            content_type: Some("application/json".into()),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("www-authenticate".into(), "Bearer realm=\"api\"".into()),
            ],
            body: br#"{"data":{"token":"nango_connect_session_abc","expires_at":"soon"}}"#.to_vec(),
        };
        assert_eq!(
            answer.redacted(),
            "HTTP 201\ncontent-type: application/json\nwww-authenticate: Bearer realm=\"api\"\n\n\
             {\"data\":{\"expires_at\":\"soon\",\"token\":\"<redacted>\"}}"
        );
    }

    #[test]
    fn loopback_targets_are_told_from_real_ones() {
        for url in [
            "http://127.0.0.1:4011/api/v0",
            "http://localhost:4000",
            "http://[::1]:4013",
            "http://127.9.9.9",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://api.nango.dev",
            "http://10.0.0.1:80",
            "http://[::2]:1",
            "not a url",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}
