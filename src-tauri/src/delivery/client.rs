//! The MSA backend's client (contract: `docs/openapi.yaml`). HTTPS with rustls, or plain HTTP on
//! loopback only (checked when the configuration is read), with timeouts, and the kiosk's token
//! from the OS keyring. Only the delivery worker calls it.

use std::time::Duration;

use enrol_core::wire::{EnrolmentAnswer, EnrolmentRequest};
use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use url::Url;
use uuid::Uuid;

use crate::secrets::{Secret, SecretStore, StoreError, KIOSK_SERVICE};

/// The keyring entry holding the kiosk's bearer token for the backend.
pub const BACKEND_TOKEN_ENTRY: &str = "backend-token";

/// A failure worth retrying later, with the code kept in the outbox (never a response body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transient {
    pub code: String,
    /// What the backend asked for with `Retry-After`, if anything.
    pub retry_after: Option<Duration>,
}

pub struct BackendClient {
    http: reqwest::Client,
    enrolments_url: Url,
    token: Secret,
}

impl BackendClient {
    pub fn new(base: &Url, token: Secret, timeout: Duration) -> Result<BackendClient, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("msa-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let enrolments_url = base
            .join("v1/enrolments")
            .map_err(|e| format!("backend URL: {e}"))?;
        Ok(BackendClient {
            http,
            enrolments_url,
            token,
        })
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
            .map_err(|error| {
                transient(if error.is_timeout() {
                    "timeout"
                } else if error.is_connect() {
                    "unreachable"
                } else {
                    "transport"
                })
            })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.bytes().await.map_err(|error| {
            transient(if error.is_timeout() {
                "timeout"
            } else {
                "transport"
            })
        })?;
        let answer: Option<EnrolmentAnswer> = serde_json::from_slice(&body).ok();
        match (status, answer) {
            (200 | 409 | 422, Some(answer)) if !answer.is_retryable() => Ok(answer),
            (_, _) => Err(Transient {
                code: format!("http-{status}"),
                retry_after,
            }),
        }
    }
}

fn transient(code: &str) -> Transient {
    Transient {
        code: code.to_owned(),
        retry_after: None,
    }
}
