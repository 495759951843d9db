//! The kiosk's side of the console (docs/openapi.yaml, tags `health` and `help`): heartbeats
//! and help calls, authenticated with the kiosk's bearer token. A kiosk speaks only for itself:
//! a path naming another kiosk is `403 forbidden`.

use crate::heartbeat::Heartbeat;
use crate::helpcalls::{self, Closer, HelpCall};
use crate::http::bearer;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

/// Heartbeats and help-call requests are a few hundred bytes.
const BODY_LIMIT: usize = 4 * 1024;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/kiosks/{kiosk_id}/heartbeat", put(put_heartbeat))
        .route("/v1/kiosks/{kiosk_id}/help-calls", post(post_help_call))
        .route(
            "/v1/kiosks/{kiosk_id}/help-calls/{call_id}",
            get(get_help_call),
        )
        .route(
            "/v1/kiosks/{kiosk_id}/help-calls/{call_id}/close",
            post(close_help_call),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

fn answer(status: StatusCode, body: Value) -> Response {
    let mut r = (status, Json(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn outcome(status: StatusCode, outcome: &str) -> Response {
    answer(status, json!({ "outcome": outcome }))
}

fn with_retry_after(mut r: Response, secs: u64) -> Response {
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    r
}

fn unavailable(state: &AppState, e: &sqlx::Error) -> Response {
    tracing::warn!(error = %e, "kiosk API: database unavailable");
    with_retry_after(
        outcome(StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        state.config.retry_after_unavailable_secs,
    )
}

/// The kiosk behind the bearer token, if it is the one the path names.
async fn authorise(
    state: &AppState,
    headers: &HeaderMap,
    path_kiosk: &str,
) -> Result<String, Response> {
    let Some(token) = bearer(headers) else {
        return Err(outcome(StatusCode::UNAUTHORIZED, "unauthorized"));
    };
    let kiosk = match state.kiosk_for_token(token).await {
        Ok(Some(kiosk)) => kiosk,
        Ok(None) => return Err(outcome(StatusCode::UNAUTHORIZED, "unauthorized")),
        Err(e) => return Err(unavailable(state, &e)),
    };
    if kiosk != path_kiosk {
        tracing::info!(kiosk = %kiosk, "kiosk API: a kiosk asked for another kiosk's path");
        return Err(outcome(StatusCode::FORBIDDEN, "forbidden"));
    }
    match state.limiter.check(&state.db, &kiosk).await {
        Ok(Ok(())) => Ok(kiosk),
        Ok(Err(wait)) => Err(with_retry_after(
            outcome(StatusCode::TOO_MANY_REQUESTS, "throttled"),
            wait.as_secs_f64().ceil() as u64,
        )),
        Err(e) => Err(unavailable(state, &e)),
    }
}

fn help_call(status: StatusCode, call: &HelpCall) -> Response {
    answer(status, serde_json::to_value(call).unwrap_or(Value::Null))
}

/// `PUT /v1/kiosks/{kioskId}/heartbeat`: record the kiosk's health; the answer carries its open
/// help call (so a kiosk that restarted learns of it).
async fn put_heartbeat(
    State(state): State<Arc<AppState>>,
    Path(kiosk_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let kiosk = match authorise(&state, &headers, &kiosk_id).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let hb = match Heartbeat::parse(&body) {
        Ok(hb) => hb,
        Err(refused) => {
            tracing::info!(kiosk = %kiosk, field = refused.field.unwrap_or("-"), "heartbeat refused");
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "outcome": "invalid", "field": refused.field }),
            );
        }
    };
    let console = &state.config.console;
    if let Err(e) = crate::heartbeat::record(
        &state.db,
        &kiosk,
        &hb,
        console.silent_after,
        console.queue_attention_after,
    )
    .await
    {
        return unavailable(&state, &e);
    }
    match helpcalls::open_call(&state.db, &kiosk).await {
        Ok(call) => answer(
            StatusCode::OK,
            json!({ "outcome": "recorded", "helpCall": call }),
        ),
        Err(e) => unavailable(&state, &e),
    }
}

/// The body of `POST …/help-calls`: `{"step": 1–7 | null}` and nothing else.
fn help_step(body: &[u8]) -> Result<Option<i64>, Option<&'static str>> {
    let value: Value = serde_json::from_slice(body).map_err(|_| None)?;
    let obj = value.as_object().ok_or(None)?;
    if obj.keys().any(|k| k != "step") {
        return Err(None);
    }
    match obj.get("step") {
        Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .filter(|n| (1..=7).contains(n))
            .map(Some)
            .ok_or(Some("step")),
        None => Err(Some("step")),
    }
}

/// `POST /v1/kiosks/{kioskId}/help-calls`: 201 with the new call, or 200 with the one already
/// open.
async fn post_help_call(
    State(state): State<Arc<AppState>>,
    Path(kiosk_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let kiosk = match authorise(&state, &headers, &kiosk_id).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let step = match help_step(&body) {
        Ok(step) => step,
        Err(field) => {
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "outcome": "invalid", "field": field }),
            )
        }
    };
    match helpcalls::open(&state.db, &kiosk, step).await {
        Ok((call, new)) => {
            if new {
                tracing::info!(kiosk = %kiosk, call = %call.id, "help call opened");
            }
            help_call(
                if new {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                },
                &call,
            )
        }
        Err(e) => unavailable(&state, &e),
    }
}

fn is_uuid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok()
}

/// `GET /v1/kiosks/{kioskId}/help-calls/{callId}`: the call's state (an agent may have closed
/// it).
async fn get_help_call(
    State(state): State<Arc<AppState>>,
    Path((kiosk_id, call_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let kiosk = match authorise(&state, &headers, &kiosk_id).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    if !is_uuid(&call_id) {
        return outcome(StatusCode::NOT_FOUND, "notFound");
    }
    match helpcalls::get(&state.db, &kiosk, &call_id).await {
        Ok(Some(call)) => help_call(StatusCode::OK, &call),
        Ok(None) => outcome(StatusCode::NOT_FOUND, "notFound"),
        Err(e) => unavailable(&state, &e),
    }
}

/// `POST /v1/kiosks/{kioskId}/help-calls/{callId}/close`: the person (or the end of the
/// session) closes the call; closing a closed call changes nothing.
async fn close_help_call(
    State(state): State<Arc<AppState>>,
    Path((kiosk_id, call_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let kiosk = match authorise(&state, &headers, &kiosk_id).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    if !is_uuid(&call_id) {
        return outcome(StatusCode::NOT_FOUND, "notFound");
    }
    match helpcalls::close(&state.db, &kiosk, &call_id, Closer::Kiosk).await {
        Ok(Some(call)) => {
            tracing::info!(kiosk = %kiosk, call = %call.id, "help call closed at the kiosk");
            help_call(StatusCode::OK, &call)
        }
        Ok(None) => outcome(StatusCode::NOT_FOUND, "notFound"),
        Err(e) => unavailable(&state, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_bodies() {
        assert_eq!(help_step(br#"{"step":3}"#), Ok(Some(3)));
        assert_eq!(help_step(br#"{"step":null}"#), Ok(None));
        assert_eq!(help_step(br#"{"step":8}"#), Err(Some("step")));
        assert_eq!(help_step(br#"{}"#), Err(Some("step")));
        assert_eq!(help_step(br#"{"step":3,"nir":"1"}"#), Err(None));
        assert_eq!(help_step(b"3"), Err(None));
    }
}
