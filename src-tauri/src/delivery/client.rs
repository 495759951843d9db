//! The MSA backend's client (contract: `docs/openapi.yaml`; what each answer means for the
//! enrolment: docs/contracts.md §3 « Who owns an enrolment »). HTTPS with rustls, enforced by the
//! HTTP client itself, plain HTTP only to a loopback address; redirects never followed (the body
//! carries a NIR, names and a secret); timeouts; the kiosk's token from the OS keyring. Only the
//! delivery worker calls it.

use std::time::Duration;

use enrol_core::wire::{AnswerBody, EnrolmentAnswer, EnrolmentRequest};
use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use url::Url;
use uuid::Uuid;

use crate::secrets::{Secret, SecretStore, StoreError, KIOSK_SERVICE};

/// The keyring entry holding the kiosk's bearer token for the backend.
pub const BACKEND_TOKEN_ENTRY: &str = "backend-token";

/// `Retry-After` is obeyed up to this; a larger value, or one that is not a number of seconds
/// (an HTTP date), counts as this (docs/contracts.md §3), so that no backend can park an
/// enrolment for ever.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(900);

/// The codes of failures that say the backend, or the way to it, is misconfigured (an answer
/// outside the contract, a redirect, a TLS failure) start with this: `msa-kiosk status` reports
/// « backend misconfigured » at once.
pub const MISCONFIGURED: &str = "misconfigured-";

/// A failure worth retrying later, with the code kept in the outbox (never a response body):
/// `timeout`, `unreachable`, `transport`, `http-401`, `http-429`, `http-503`, or
/// `misconfigured-…` (`misconfigured-http-404`, `misconfigured-redirect-307`,
/// `misconfigured-tls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transient {
    pub code: String,
    /// What the backend asked for with `Retry-After`, if anything, at most [`RETRY_AFTER_MAX`].
    pub retry_after: Option<Duration>,
}

impl Transient {
    /// Whether this failure says « backend misconfigured » rather than « backend down ».
    pub fn is_misconfigured(&self) -> bool {
        is_misconfigured(&self.code)
    }
}

/// Whether an outbox failure code says « backend misconfigured ».
pub fn is_misconfigured(code: &str) -> bool {
    code.starts_with(MISCONFIGURED)
}

pub struct BackendClient {
    http: reqwest::Client,
    /// The backend's base URL, ending with `/` (see [`enrolments_url`]).
    base: Url,
    enrolments_url: Url,
    token: Secret,
}

impl BackendClient {
    /// A client for the backend at `base` (`https://host/kiosk-api` or `…/kiosk-api/`: the
    /// path is kept either way). Refuses plain `http://` to anything but this machine.
    pub fn new(base: &Url, token: Secret, timeout: Duration) -> Result<BackendClient, String> {
        let plain_http_allowed =
            match base.scheme() {
                "https" => false,
                "http" if crate::config::is_loopback(base) => true,
                _ => return Err(
                    "backend URL: https:// only (http:// only to 127.0.0.1, [::1] or localhost)"
                        .to_owned(),
                ),
            };
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("msa-kiosk/", env!("CARGO_PKG_VERSION")))
            // A 3xx is an answer outside the contract, never a reason to send the enrolment
            // somewhere else (or over plain HTTP).
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!plain_http_allowed)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let enrolments_url = enrolments_url(base)?;
        let base = enrolments_url
            .join("../")
            .map_err(|e| format!("backend URL: {e}"))?;
        Ok(BackendClient {
            http,
            base,
            enrolments_url,
            token,
        })
    }

    /// A request to `base` + `path` (`v1/kiosks/…`) with the kiosk's bearer token: the
    /// heartbeat and the help calls of docs/contracts.md §4 (`ops::heartbeat`, `ops::help`).
    /// Same client, so the same rules: no redirect, HTTPS except to loopback, timeouts.
    pub fn kiosk_request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, Transient> {
        let url = self
            .base
            .join(path)
            .map_err(|_| transient(&format!("{MISCONFIGURED}path")))?;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", self.token.expose()))
            .map_err(|_| transient("token-malformed"))?;
        authorization.set_sensitive(true);
        Ok(self
            .http
            .request(method, url)
            .header(AUTHORIZATION, authorization))
    }

    /// The code of a failure before any answer (`timeout`, `unreachable`, `transport`,
    /// `misconfigured-tls`), for the callers of [`kiosk_request`](Self::kiosk_request).
    pub fn failure_code(error: &reqwest::Error) -> &'static str {
        transport_code(error)
    }

    /// The token from the keyring; `None` when the kiosk was never provisioned.
    pub fn load_token(store: &dyn SecretStore) -> Result<Option<Secret>, StoreError> {
        store.get(KIOSK_SERVICE, BACKEND_TOKEN_ENTRY)
    }

    /// Sends one enrolment. `Ok` is a final answer (verified, postal, already enrolled, invalid,
    /// key reused); `Err` is worth retrying with the same idempotency key.
    pub async fn send(
        &self,
        idempotency_key: Uuid,
        request: &EnrolmentRequest,
    ) -> Result<EnrolmentAnswer, Transient> {
        self.send_body(idempotency_key, request)
            .await
            .map(|body| body.answer)
    }

    /// [`send`](Self::send), with the whole final answer: for a refusal, whether the backend
    /// recorded a follow-up ([`AnswerBody::backend_owns_it`]). Only the contract's pairs of
    /// status and body are final; anything else is a [`Transient`], `misconfigured-…` when it
    /// is outside the contract.
    pub async fn send_body(
        &self,
        idempotency_key: Uuid,
        request: &EnrolmentRequest,
    ) -> Result<AnswerBody, Transient> {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", self.token.expose()))
            .map_err(|_| transient("token-malformed"))?;
        authorization.set_sensitive(true);
        let response = self
            .http
            .post(self.enrolments_url.clone())
            .header(AUTHORIZATION, authorization)
            .header("Idempotency-Key", idempotency_key.to_string())
            .json(request)
            .send()
            .await
            .map_err(|error| transient(transport_code(&error)))?;
        let status = response.status();
        if status.is_redirection() {
            // Not followed, and its Location is not even read.
            return Err(transient(&format!(
                "{MISCONFIGURED}redirect-{}",
                status.as_u16()
            )));
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .map(|v| retry_after(v.to_str().unwrap_or("")));
        let body = response
            .bytes()
            .await
            .map_err(|error| transient(transport_code(&error)))?;
        classify(status.as_u16(), &body, retry_after)
    }
}

/// `base` + `v1/enrolments`, keeping the path of `base` whether or not it ends with `/`
/// (`Url::join` alone drops a last segment without one: `https://host/kiosk-api` would send
/// every enrolment to `https://host/v1/enrolments`).
pub fn enrolments_url(base: &Url) -> Result<Url, String> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.set_query(None);
    base.set_fragment(None);
    base.join("v1/enrolments")
        .map_err(|e| format!("backend URL: {e}"))
}

/// A `Retry-After` value: whole seconds, at most [`RETRY_AFTER_MAX`]; anything else (an HTTP
/// date, garbage) counts as the maximum.
pub fn retry_after(value: &str) -> Duration {
    value
        .trim()
        .parse::<u64>()
        .map(Duration::from_secs)
        .unwrap_or(RETRY_AFTER_MAX)
        .min(RETRY_AFTER_MAX)
}

/// The contract's (status, body) pairs (docs/openapi.yaml); everything else is outside it.
fn classify(
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<AnswerBody, Transient> {
    let parsed: Option<AnswerBody> = serde_json::from_slice(body).ok();
    let retry = |code: &str| Transient {
        code: code.to_owned(),
        retry_after,
    };
    match (status, parsed) {
        (200, Some(b))
            if matches!(
                b.answer,
                EnrolmentAnswer::Verified { .. } | EnrolmentAnswer::Postal { .. }
            ) =>
        {
            Ok(b)
        }
        (409, Some(b)) if matches!(b.answer, EnrolmentAnswer::AlreadyEnrolled { .. }) => Ok(b),
        (422, Some(b))
            if matches!(
                b.answer,
                EnrolmentAnswer::Invalid { .. } | EnrolmentAnswer::IdempotencyKeyReused
            ) =>
        {
            Ok(b)
        }
        (401, Some(b)) if b.answer == EnrolmentAnswer::Unauthorized => Err(transient("http-401")),
        (429, Some(b)) if b.answer == EnrolmentAnswer::Throttled => Err(retry("http-429")),
        (503, Some(b)) if b.answer == EnrolmentAnswer::Unavailable => Err(retry("http-503")),
        // A proxy's HTML page, a 404 from a wrong path, a 413, an unknown outcome…
        (status, _) => Err(transient(&format!("{MISCONFIGURED}http-{status}"))),
    }
}

/// The code of a failure before any answer: a TLS failure is a misconfiguration (certificate,
/// name, protocol), the others say the backend cannot be reached now.
fn transport_code(error: &reqwest::Error) -> &'static str {
    if is_tls_failure(error) {
        "misconfigured-tls"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "unreachable"
    } else {
        "transport"
    }
}

/// Whether a rustls error is somewhere in the chain. `io::Error::source` skips the error it
/// wraps (and reqwest wraps rustls' error in two of them), so the walk goes through it.
fn is_tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        current = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    false
}

fn transient(code: &str) -> Transient {
    Transient {
        code: code.to_owned(),
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_base_path_is_kept_with_or_without_its_slash() {
        for base in [
            "https://msa.example.fr/kiosk-api",
            "https://msa.example.fr/kiosk-api/",
            "https://msa.example.fr/kiosk-api?x=1",
        ] {
            let url = enrolments_url(&Url::parse(base).unwrap()).unwrap();
            assert_eq!(
                url.as_str(),
                "https://msa.example.fr/kiosk-api/v1/enrolments",
                "{base}"
            );
        }
        let root = enrolments_url(&Url::parse("https://msa.example.fr").unwrap()).unwrap();
        assert_eq!(root.as_str(), "https://msa.example.fr/v1/enrolments");
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        let new = |u: &str| {
            BackendClient::new(
                &Url::parse(u).unwrap(),
                Secret::new("t"),
                Duration::from_secs(1),
            )
        };
        assert!(new("https://msa.example.fr/api").is_ok());
        assert!(new("http://127.0.0.1:8787").is_ok());
        assert!(new("http://localhost:8787/api").is_ok());
        for refused in ["http://msa.example.fr/api", "http://10.0.0.1/", "ftp://x/"] {
            assert!(new(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn retry_after_is_bounded() {
        assert_eq!(retry_after("30"), Duration::from_secs(30));
        assert_eq!(retry_after(" 900 "), RETRY_AFTER_MAX);
        assert_eq!(retry_after("9223372036854775807"), RETRY_AFTER_MAX);
        assert_eq!(
            retry_after("Wed, 21 Oct 2099 07:28:00 GMT"),
            RETRY_AFTER_MAX
        );
        assert_eq!(retry_after("-5"), RETRY_AFTER_MAX);
    }

    #[test]
    fn only_the_contract_pairs_are_final() {
        let body = |v: serde_json::Value| serde_json::to_vec(&v).unwrap();
        let postal = body(json!({"outcome": "postal", "reference": "R"}));
        assert!(classify(200, &postal, None).is_ok());
        let refused =
            body(json!({"outcome": "alreadyEnrolled", "reference": "R", "followUp": "recorded"}));
        assert!(classify(409, &refused, None).unwrap().backend_owns_it());
        // The right body with the wrong status, an HTML page, an unknown outcome: outside.
        for (status, b) in [
            (422, postal.clone()),
            (200, refused.clone()),
            (404, b"<html>Not Found</html>".to_vec()),
            (502, b"<html>Bad Gateway</html>".to_vec()),
            (503, b"<html>maintenance</html>".to_vec()),
            (413, Vec::new()),
            (200, body(json!({"outcome": "accepted", "reference": "R"}))),
        ] {
            let e = classify(status, &b, None).unwrap_err();
            assert_eq!(e.code, format!("misconfigured-http-{status}"));
            assert!(e.is_misconfigured());
        }
        // The contract's retryable answers keep their Retry-After.
        let e = classify(
            429,
            &body(json!({"outcome": "throttled"})),
            Some(Duration::from_secs(7)),
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.retry_after),
            ("http-429", Some(Duration::from_secs(7)))
        );
        assert!(!e.is_misconfigured());
        let e = classify(401, &body(json!({"outcome": "unauthorized"})), None).unwrap_err();
        assert_eq!(e.code, "http-401");
    }
}
