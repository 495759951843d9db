//! Routes: the enrolment contract, health, and the admin views used by the tests.

use crate::config::Fault;
use crate::db::{is_unavailable, rfc3339};
use crate::secret::{constant_time_eq, sha256_hex};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use enrol_core::wire::{AnswerBody, EnrolmentAnswer};
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The router of the backend.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/enrolments", post(post_enrolment))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/admin/mailouts", get(admin_mailouts))
        .route("/admin/enrolments", get(admin_enrolments))
        .route("/admin/followups", get(admin_followups))
        .route("/admin/fault", put(admin_fault))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .merge(crate::kiosk_api::router())
        .merge(crate::console::router())
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

/// One line per request: method, path (no query string), status, latency. Nothing else.
async fn access_log(req: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    tracing::info!(
        target: "msa_backend::access",
        %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// A flag shared with the connection: set it and the connection is closed without an
/// answer (fault injection `reset`). Present only on the plain-HTTP listener.
#[derive(Clone, Debug)]
pub struct ConnectionKill(pub Arc<AtomicBool>);

fn answer_response(answer: &EnrolmentAnswer, retry_after: Option<u64>) -> Response {
    body_response(&AnswerBody::plain(answer.clone()), retry_after)
}

fn body_response(body: &AnswerBody, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(body.answer.http_status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(secs) = retry_after {
        if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
            headers.insert(header::RETRY_AFTER, v);
        }
    }
    response
}

fn unavailable(state: &AppState) -> Response {
    answer_response(
        &EnrolmentAnswer::Unavailable,
        Some(state.config.retry_after_unavailable_secs),
    )
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Close the connection under the handler without answering.
fn kill_connection(
    kill: Option<Extension<axum::extract::ConnectInfo<ConnectionKill>>>,
) -> Response {
    match kill {
        Some(Extension(axum::extract::ConnectInfo(k))) => {
            k.0.store(true, Ordering::SeqCst);
            // Never written: the connection fails on its first write.
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        // TLS listener: no hook on the socket; break the answer's body instead.
        None => {
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault injection: reset",
                ))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(stream))
                .unwrap_or_else(|_| StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    }
}

async fn post_enrolment(
    State(state): State<Arc<AppState>>,
    kill: Option<Extension<axum::extract::ConnectInfo<ConnectionKill>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let fault = state.fault();
    match fault {
        Some(Fault::Unavailable) => {
            tracing::info!(
                outcome = "unavailable",
                fault = "unavailable",
                "enrolment refused"
            );
            return unavailable(&state);
        }
        Some(Fault::Slow(ms)) => tokio::time::sleep(std::time::Duration::from_millis(ms)).await,
        Some(Fault::Reset) => {
            tracing::info!(fault = "reset", "connection reset by fault injection");
            return kill_connection(kill);
        }
        Some(Fault::ResetAfter) | None => {}
    }

    let Some(token) = bearer(&headers) else {
        tracing::info!(outcome = "unauthorized", "enrolment without a kiosk token");
        return answer_response(&EnrolmentAnswer::Unauthorized, None);
    };
    let kiosk = match state.kiosk_for_token(token).await {
        Ok(Some(kiosk)) => kiosk,
        Ok(None) => {
            tracing::info!(
                outcome = "unauthorized",
                "enrolment with an unknown kiosk token"
            );
            return answer_response(&EnrolmentAnswer::Unauthorized, None);
        }
        Err(e) => {
            tracing::warn!(error = %e, "database unavailable (kiosk lookup)");
            return unavailable(&state);
        }
    };
    match state.limiter.check(&state.db, &kiosk).await {
        Ok(Ok(())) => {}
        Ok(Err(wait)) => {
            tracing::info!(kiosk = %kiosk, outcome = "throttled", "kiosk rate limit");
            return answer_response(
                &EnrolmentAnswer::Throttled,
                Some(wait.as_secs_f64().ceil() as u64),
            );
        }
        Err(e) => {
            tracing::warn!(error = %e, "database unavailable (kiosk rate limit)");
            return unavailable(&state);
        }
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| uuid::Uuid::parse_str(v.trim()).ok());
    let Some(key) = key else {
        tracing::info!(kiosk = %kiosk, outcome = "invalid", "missing or malformed Idempotency-Key");
        return answer_response(
            &EnrolmentAnswer::invalid(&[enrol_core::Invalid::general(
                enrol_core::code::SYSTEM_INTERNAL,
            )]),
            None,
        );
    };

    match crate::enrol::enrol(&state, &kiosk, key, &body).await {
        Ok(reply) => {
            let reference = match &reply.body.answer {
                EnrolmentAnswer::Verified { reference, .. }
                | EnrolmentAnswer::Postal { reference }
                | EnrolmentAnswer::AlreadyEnrolled { reference } => reference.as_str(),
                _ => "",
            };
            let outcome = reply.body.answer.outcome();
            let follow_up = match reply.body.follow_up {
                Some(_) => "recorded",
                None => "none",
            };
            tracing::info!(
                kiosk = %kiosk,
                reference = %reference,
                outcome = %outcome,
                detail = reply.detail,
                follow_up,
                latency_ms = started.elapsed().as_millis() as u64,
                "enrolment"
            );
            if fault == Some(Fault::ResetAfter) {
                tracing::info!(fault = "reset-after", reference = %reference, "answer dropped by fault injection");
                return kill_connection(kill);
            }
            let retry = matches!(reply.body.answer, EnrolmentAnswer::Unavailable)
                .then_some(state.config.retry_after_unavailable_secs);
            body_response(&reply.body, retry)
        }
        Err(e) => {
            if is_unavailable(&e) {
                tracing::warn!(kiosk = %kiosk, error = %e, "database unavailable");
            } else {
                tracing::error!(kiosk = %kiosk, error = %e, "enrolment failed");
            }
            unavailable(&state)
        }
    }
}

async fn health() -> Response {
    (
        StatusCode::OK,
        Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})),
    )
        .into_response()
}

async fn ready(State(state): State<Arc<AppState>>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database unreachable");
            let mut r = (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
                .into_response();
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(state.config.retry_after_unavailable_secs.max(1)),
            );
            r
        }
    }
}

/// `None` when the admin endpoints may be used; else the refusal.
fn admin_refusal(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let Some(expected) = &state.config.admin_token else {
        return Some((StatusCode::NOT_FOUND, Json(json!({"outcome": "notFound"}))).into_response());
    };
    let given = bearer(headers).map(sha256_hex).unwrap_or_default();
    if constant_time_eq(given.as_bytes(), sha256_hex(expected.expose()).as_bytes()) {
        None
    } else {
        Some(answer_response(&EnrolmentAnswer::Unauthorized, None))
    }
}

fn db_error(state: &AppState, e: sqlx::Error) -> Response {
    tracing::warn!(error = %e, "admin query failed");
    unavailable(state)
}

async fn admin_mailouts(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = admin_refusal(&state, &headers) {
        return refusal;
    }
    match crate::mailouts::list(&state.db).await {
        Ok(list) => {
            let mut r = Json(list).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => db_error(&state, e),
    }
}

#[derive(Deserialize)]
struct EnrolmentsQuery {
    reference: Option<String>,
}

async fn admin_followups(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<EnrolmentsQuery>,
) -> Response {
    if let Some(refusal) = admin_refusal(&state, &headers) {
        return refusal;
    }
    match crate::followups::list(&state.db, q.reference.as_deref()).await {
        Ok(list) => {
            let mut r = Json(list).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => db_error(&state, e),
    }
}

async fn admin_enrolments(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<EnrolmentsQuery>,
) -> Response {
    if let Some(refusal) = admin_refusal(&state, &headers) {
        return refusal;
    }
    let sql = "SELECT id, reference, kiosk_id, claimed_kiosk_id, nir, last_name, first_name, birth_date, \
               email, phone, verification_kind, vitale_card, department, cgu_version, outcome, detail, \
               received_at FROM enrolments";
    let rows = match &q.reference {
        Some(reference) => {
            sqlx::query(&format!("{sql} WHERE reference = $1 ORDER BY id"))
                .bind(reference.clone())
                .fetch_all(state.db.pool())
                .await
        }
        None => {
            sqlx::query(&format!("{sql} ORDER BY id"))
                .fetch_all(state.db.pool())
                .await
        }
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return db_error(&state, e),
    };
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        let item = (|| -> Result<serde_json::Value, sqlx::Error> {
            Ok(json!({
                "id": row.try_get::<i64, _>("id")?,
                "reference": row.try_get::<String, _>("reference")?,
                "kioskId": row.try_get::<String, _>("kiosk_id")?,
                "claimedKioskId": row.try_get::<String, _>("claimed_kiosk_id")?,
                "nir": row.try_get::<String, _>("nir")?,
                "lastName": row.try_get::<String, _>("last_name")?,
                "firstName": row.try_get::<String, _>("first_name")?,
                "birthDate": row.try_get::<String, _>("birth_date")?,
                "email": row.try_get::<Option<String>, _>("email")?,
                "phone": row.try_get::<Option<String>, _>("phone")?,
                "verificationKind": row.try_get::<String, _>("verification_kind")?,
                "vitaleCard": row.try_get::<Option<String>, _>("vitale_card")?,
                "department": row.try_get::<String, _>("department")?,
                "cguVersion": row.try_get::<String, _>("cgu_version")?,
                "outcome": row.try_get::<String, _>("outcome")?,
                "detail": row.try_get::<String, _>("detail")?,
                "receivedAt": rfc3339(row.try_get::<i64, _>("received_at")?),
            }))
        })();
        match item {
            Ok(v) => list.push(v),
            Err(e) => return db_error(&state, e),
        }
    }
    let mut r = Json(list).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Deserialize)]
struct FaultBody {
    fault: String,
}

/// `PUT /admin/fault {"fault": "unavailable"|"slow:<ms>"|"reset"|"reset-after"|"off"}`:
/// only when fault injection was enabled at start.
async fn admin_fault(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.config.fault_injection {
        return (StatusCode::NOT_FOUND, Json(json!({"outcome": "notFound"}))).into_response();
    }
    if let Some(refusal) = admin_refusal(&state, &headers) {
        return refusal;
    }
    let parsed = serde_json::from_slice::<FaultBody>(&body)
        .ok()
        .and_then(|b| crate::config::parse_fault(&b.fault).ok());
    match parsed {
        Some(fault) => {
            state.set_fault(fault);
            tracing::warn!(fault = %fault.map(|f| f.to_string()).unwrap_or_else(|| "off".into()), "fault injection changed");
            Json(json!({"fault": fault.map(|f| f.to_string()).unwrap_or_else(|| "off".into())}))
                .into_response()
        }
        None => (
            StatusCode::BAD_REQUEST,
            Json(json!({"outcome": "badRequest"})),
        )
            .into_response(),
    }
}
