//! Every request the collector makes: GETs only, paced by one QPS limiter, each bounded by a
//! timeout and retried with exponential backoff when the failure is transient.

use std::error::Error as StdError;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::{Request, StatusCode};
use kube::client::Body;
use kube::Client;
use serde::Deserialize;

/// The longest wait between two tries, whatever the attempt or the server's Retry-After.
const MAX_DELAY: Duration = Duration::from_secs(60);

/// Why a request did not give a 2xx answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with an error status (its Status object's reason and message).
    Status {
        code: u16,
        reason: String,
        message: String,
    },
    /// No complete answer within the timeout.
    Timeout { after: Duration },
    /// No answer at all: the connection could not be made or was lost.
    Connection {
        kind: ConnectionKind,
        message: String,
    },
    /// The credentials could not be obtained (exec plugin, token file).
    Credentials { message: String },
    /// The request itself could not be built (a namespace name that is not a URL segment).
    Invalid { message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectionKind {
    /// The TLS handshake failed: wrong CA, wrong server name, expired certificate.
    Tls,
    /// Lost mid-way (reset, closed early): worth another try.
    Reset,
    /// Refused, unresolvable host, unreachable network.
    Unreachable,
}

impl Failure {
    fn retry(&self) -> bool {
        match self {
            Failure::Status { code, .. } => *code == 429 || *code >= 500,
            Failure::Timeout { .. } => true,
            Failure::Connection { kind, .. } => *kind == ConnectionKind::Reset,
            Failure::Credentials { .. } | Failure::Invalid { .. } => false,
        }
    }

    /// A failure that says the server cannot be used at all (rather than this one request).
    pub(crate) fn is_fatal(&self) -> bool {
        matches!(
            self,
            Failure::Status { code: 401, .. }
                | Failure::Timeout { .. }
                | Failure::Connection { .. }
                | Failure::Credentials { .. }
        )
    }

    /// The HTTP status, or 0 when there was none.
    pub(crate) fn code(&self) -> u16 {
        match self {
            Failure::Status { code, .. } => *code,
            _ => 0,
        }
    }

    pub(crate) fn reason(&self) -> String {
        match self {
            Failure::Status { reason, .. } => reason.clone(),
            Failure::Timeout { .. } => "Timeout".into(),
            Failure::Connection { .. } => "ConnectionError".into(),
            Failure::Credentials { .. } => "CredentialsError".into(),
            Failure::Invalid { .. } => "InvalidRequest".into(),
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            Failure::Status { message, .. }
            | Failure::Connection { message, .. }
            | Failure::Credentials { message }
            | Failure::Invalid { message } => message.clone(),
            Failure::Timeout { after } => format!("no answer within {}s", after.as_secs_f64()),
        }
    }
}

/// Spaces requests evenly at `qps` across all tasks: each request reserves the next free
/// slot, so a burst of tasks is queued rather than sent at once.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Option<Duration>,
    next: Option<Instant>,
}

impl RateLimiter {
    /// No limit when `qps` is not a positive number.
    pub(crate) fn new(qps: f64) -> Self {
        let interval = (qps.is_finite() && qps > 0.0).then(|| Duration::from_secs_f64(1.0 / qps));
        RateLimiter {
            interval,
            next: None,
        }
    }

    /// The moment a request asked for at `now` may be sent.
    pub(crate) fn reserve(&mut self, now: Instant) -> Instant {
        let Some(interval) = self.interval else {
            return now;
        };
        let slot = match self.next {
            Some(next) if next > now => next,
            _ => now,
        };
        self.next = Some(slot + interval);
        slot
    }
}

/// The wait before try `attempt + 1` (attempt 0 is the first retry): `base`, doubled each
/// time, at most a minute; a server's Retry-After replaces it (also at most a minute).
pub(crate) fn retry_delay(base: Duration, attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(after) = retry_after {
        return after.min(MAX_DELAY);
    }
    base.saturating_mul(2u32.saturating_pow(attempt))
        .min(MAX_DELAY)
}

/// The client and the limits every request goes through.
pub(crate) struct Requester {
    client: Client,
    limiter: Mutex<RateLimiter>,
    timeout: Duration,
    retries: u32,
    backoff: Duration,
}

impl Requester {
    pub(crate) fn new(
        client: Client,
        qps: f64,
        timeout: Duration,
        retries: u32,
        backoff: Duration,
    ) -> Self {
        Requester {
            client,
            limiter: Mutex::new(RateLimiter::new(qps)),
            timeout,
            retries,
            backoff,
        }
    }

    /// GETs `path_and_query` (relative to the cluster URL) and returns the 2xx body.
    pub(crate) async fn get(&self, path_and_query: &str) -> Result<Vec<u8>, Failure> {
        let mut attempt = 0;
        loop {
            let (failure, retry_after) = match self.try_once(path_and_query).await {
                Ok(body) => return Ok(body),
                Err(failed) => failed,
            };
            if !failure.retry() || attempt >= self.retries {
                return Err(failure);
            }
            tokio::time::sleep(retry_delay(self.backoff, attempt, retry_after)).await;
            attempt += 1;
        }
    }

    async fn try_once(&self, path_and_query: &str) -> Result<Vec<u8>, (Failure, Option<Duration>)> {
        let request = Request::get(path_and_query)
            .header(http::header::ACCEPT, "application/json")
            .body(Body::empty())
            .map_err(|e| {
                let message = format!("cannot build the request for {path_and_query}: {e}");
                (Failure::Invalid { message }, None)
            })?;
        let slot = self
            .limiter
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .reserve(Instant::now());
        tokio::time::sleep_until(tokio::time::Instant::from_std(slot)).await;

        let exchange = async {
            let response = self.client.send(request).await?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = response.into_body().collect_bytes().await?;
            Ok::<_, kube::Error>((status, retry_after, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => Err((
                Failure::Timeout {
                    after: self.timeout,
                },
                None,
            )),
            Ok(Err(error)) => Err((classify(&error), None)),
            Ok(Ok((status, _, body))) if status.is_success() => Ok(body.to_vec()),
            Ok(Ok((status, retry_after, body))) => {
                Err((status_failure(status, &body), retry_after))
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusObject {
    reason: String,
    message: String,
}

/// The failure for an error status, with the server's Status reason and message when the
/// body is a Status object (and the start of the body otherwise).
pub(crate) fn status_failure(status: StatusCode, body: &[u8]) -> Failure {
    let parsed: Option<StatusObject> = serde_json::from_slice(body).ok();
    let canonical = status
        .canonical_reason()
        .unwrap_or("Error")
        .replace(' ', "");
    let (reason, message) = match parsed {
        Some(s) => (
            if s.reason.is_empty() {
                canonical
            } else {
                s.reason
            },
            s.message,
        ),
        None => {
            let text = String::from_utf8_lossy(body);
            (canonical, text.trim().chars().take(300).collect())
        }
    };
    Failure::Status {
        code: status.as_u16(),
        reason,
        message,
    }
}

/// Sorts a transport error by what it means for the run, from its chain of causes.
fn classify(error: &kube::Error) -> Failure {
    let message = chain(error);
    if let kube::Error::Auth(_) = error {
        return Failure::Credentials { message };
    }
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    let mut io_kind = None;
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        source = current.source();
    }
    let lower = message.to_ascii_lowercase();
    let kind = if ["certificate", "tls", "handshake", "x509"]
        .iter()
        .any(|w| lower.contains(w))
    {
        ConnectionKind::Tls
    } else if matches!(
        io_kind,
        Some(
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::TimedOut
        )
    ) || lower.contains("connection closed before message completed")
        || lower.contains("connection reset")
    {
        ConnectionKind::Reset
    } else {
        ConnectionKind::Unreachable
    };
    Failure::Connection { kind, message }
}

/// The error's causes, each once (wrappers often repeat their cause's text), without the
/// wrappers that say nothing to a user (kube's `ServiceError`, hyper's `client error
/// (Connect)`).
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = match error.source() {
        Some(cause) => Some(cause),
        None => Some(error),
    };
    while let Some(current) = source {
        let text = current.to_string();
        if !text.starts_with("client error (") && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = current.source();
    }
    if parts.is_empty() {
        return error.to_string();
    }
    parts.join(": ")
}

/// Percent-encodes a query value or path segment (everything but RFC 3986 unreserved
/// characters), as continue tokens are base64 with `+`, `/` and `=`.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_spaces_requests_at_qps() {
        let mut limiter = RateLimiter::new(20.0);
        let t0 = Instant::now();
        let slots: Vec<Duration> = (0..4).map(|_| limiter.reserve(t0) - t0).collect();
        assert_eq!(slots, [0, 50, 100, 150].map(Duration::from_millis).to_vec());
        // After a quiet spell the next request goes at once, with no banked burst.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.reserve(later), later);
        assert_eq!(limiter.reserve(later) - later, Duration::from_millis(50));
    }

    #[test]
    fn no_limit_without_a_positive_qps() {
        for qps in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let mut limiter = RateLimiter::new(qps);
            let t0 = Instant::now();
            assert_eq!(limiter.reserve(t0), t0);
            assert_eq!(limiter.reserve(t0), t0);
        }
    }

    #[test]
    fn backoff_doubles_up_to_a_minute_and_honours_retry_after() {
        let base = Duration::from_millis(500);
        let schedule: Vec<u64> = (0..9)
            .map(|a| retry_delay(base, a, None).as_millis() as u64)
            .collect();
        assert_eq!(
            schedule,
            [500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]
        );
        assert_eq!(
            retry_delay(base, 0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            retry_delay(base, 0, Some(Duration::from_secs(3600))),
            MAX_DELAY
        );
        assert_eq!(retry_delay(base, 200, None), MAX_DELAY);
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let status = |code| Failure::Status {
            code,
            reason: String::new(),
            message: String::new(),
        };
        assert!(status(429).retry());
        assert!(status(500).retry());
        assert!(status(503).retry());
        assert!(!status(403).retry());
        assert!(!status(404).retry());
        assert!(!status(401).retry());
        assert!(Failure::Timeout {
            after: Duration::from_secs(1)
        }
        .retry());
        let connection = |kind| Failure::Connection {
            kind,
            message: String::new(),
        };
        assert!(connection(ConnectionKind::Reset).retry());
        assert!(!connection(ConnectionKind::Tls).retry());
        assert!(!connection(ConnectionKind::Unreachable).retry());
    }

    #[test]
    fn status_failures_carry_the_servers_message() {
        let body = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"networkpolicies.networking.k8s.io is forbidden: User \"x\" cannot list resource","reason":"Forbidden","code":403}"#;
        let failure = status_failure(StatusCode::FORBIDDEN, body);
        assert_eq!(failure.code(), 403);
        assert_eq!(failure.reason(), "Forbidden");
        assert!(failure
            .message()
            .starts_with("networkpolicies.networking.k8s.io is forbidden"));
        let plain = status_failure(StatusCode::BAD_GATEWAY, b"upstream down");
        assert_eq!(plain.reason(), "BadGateway");
        assert_eq!(plain.message(), "upstream down");
    }

    #[test]
    fn encodes_continue_tokens() {
        assert_eq!(encode("eyJ2Ijo+/x=="), "eyJ2Ijo%2B%2Fx%3D%3D");
        assert_eq!(encode("kube-system"), "kube-system");
    }
}
