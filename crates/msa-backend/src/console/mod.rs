//! The agency console (issue 17): web pages for agency staff under `/console/`, served by any
//! backend instance (sessions, heartbeats and help calls live in the database).
//!
//! - `GET /console/login`, `POST /console/login`: own staff accounts (argon2id), locked after
//!   [`crate::config::ConsoleConfig::lockout_failures`] failures in a row.
//! - `GET /console/`: the kiosks of the staff member's agency (or caisse) at a glance and the
//!   open help calls; `GET /console/live` is the same tables alone, fetched by `console.js`.
//! - `GET /console/kiosks/{id}`: one kiosk's state and history of incidents.
//! - `POST /console/help-calls/{id}/close` (agents only), `POST /console/logout`.
//!
//! Session cookie `HttpOnly; SameSite=Strict; Path=/console`, `Secure` except for plain HTTP on
//! loopback; every POST carries the session's CSRF token (the login form a token of its own,
//! double-submitted in a cookie). Strict CSP: no inline script or style.

pub mod view;

use crate::secret::{constant_time_eq, Secret};
use crate::staff::{self, Login, Role, Staff};
use crate::AppState;
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use std::sync::Arc;

/// The session cookie.
pub const SESSION_COOKIE: &str = "msa_console_session";
/// The login form's CSRF cookie (double submit: the form carries the same value).
pub const LOGIN_COOKIE: &str = "msa_console_login";
/// History lines shown on a kiosk's page.
const HISTORY_LINES: i64 = 200;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const CSS: &str = include_str!("../../static/console/console.css");
const JS: &str = include_str!("../../static/console/console.js");

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/console", get(|| async { Redirect::to("/console/") }))
        .route("/console/", get(dashboard))
        .route("/console/live", get(live))
        .route("/console/login", get(login_form).post(login_submit))
        .route("/console/logout", post(logout))
        .route("/console/kiosks/{kiosk_id}", get(kiosk))
        .route("/console/help-calls/{call_id}/close", post(close_call))
        .route("/console/static/console.css", get(css))
        .route("/console/static/console.js", get(js))
        // A login form is well under a kilobyte.
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(middleware::from_fn(security_headers))
}

/// Headers on every console answer: the CSP, no sniffing, no framing, no referrer, and no
/// caching of pages (the static files may be cached briefly).
async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/console/static/");
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if is_static {
            "private, max-age=300"
        } else {
            "no-store"
        }),
    );
    response
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
        .into_response()
}

fn html(status: StatusCode, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn unavailable(e: &sqlx::Error) -> Response {
    tracing::warn!(error = %e, "console: database unavailable");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "La console est momentanément indisponible. Réessayez dans un instant.",
    )
        .into_response()
}

fn see_other(to: &str) -> Response {
    // 303: after a POST the browser asks the next page with GET.
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// The value of cookie `name` in the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for `name`: `max_age` 0 deletes it.
fn set_cookie(state: &AppState, name: &str, value: &str, path: &str, max_age: u64) -> HeaderValue {
    let secure = if state.config.console_secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The signed-in staff member and their session's CSRF token, if any.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Staff, Secret)>, sqlx::Error> {
    match cookie(headers, SESSION_COOKIE) {
        Some(token) => staff::session(&state.db, token).await,
        None => Ok(None),
    }
}

/// Read a urlencoded form (a refusal is `None`).
fn form<T: serde::de::DeserializeOwned>(body: &Bytes) -> Option<T> {
    serde_urlencoded::from_bytes(body).ok()
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

fn csrf_ok(expected: &Secret, given: &str) -> bool {
    constant_time_eq(expected.expose().as_bytes(), given.as_bytes())
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Action refusée : la page a expiré. Rechargez-la et recommencez.",
    )
        .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Page introuvable.",
    )
        .into_response()
}

#[derive(Deserialize)]
struct DashboardQuery {
    /// `closed`: say that the call was closed.
    done: Option<String>,
}

async fn dashboard(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let (staff, csrf) = match signed_in(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other("/console/login"),
        Err(e) => return unavailable(&e),
    };
    let c = &state.config.console;
    let view = match view::dashboard(
        &state.db,
        &staff,
        csrf.expose(),
        crate::db::now_unix(),
        c.silent_after,
        c.refresh_every,
    )
    .await
    {
        Ok(v) => v,
        Err(e) => return unavailable(&e),
    };
    let notice =
        (q.done.as_deref() == Some("closed")).then(|| "L'appel à l'aide est clos.".to_owned());
    html(
        StatusCode::OK,
        view::DashboardPage {
            staff: &staff,
            csrf: csrf.expose(),
            view: &view,
            notice,
        }
        .render(),
    )
}

/// The live tables alone; 401 when signed out (the script then goes to the login page).
async fn live(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let (staff, csrf) = match signed_in(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => return unavailable(&e),
    };
    let c = &state.config.console;
    match view::dashboard(
        &state.db,
        &staff,
        csrf.expose(),
        crate::db::now_unix(),
        c.silent_after,
        c.refresh_every,
    )
    .await
    {
        Ok(v) => html(StatusCode::OK, view::LiveFragment { view: &v }.render()),
        Err(e) => unavailable(&e),
    }
}

async fn kiosk(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(kiosk_id): Path<String>,
) -> Response {
    let (staff, csrf) = match signed_in(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other("/console/login"),
        Err(e) => return unavailable(&e),
    };
    let page = view::kiosk_page(
        &state.db,
        &staff,
        &kiosk_id,
        crate::db::now_unix(),
        state.config.console.silent_after,
        HISTORY_LINES,
    )
    .await;
    match page {
        Ok(Some((kiosk, incidents))) => html(
            StatusCode::OK,
            view::KioskPage {
                staff: &staff,
                csrf: csrf.expose(),
                title: format!("Borne {}", kiosk.id),
                kiosk: &kiosk,
                incidents: &incidents,
            }
            .render(),
        ),
        // Another agency's kiosk is not found, like one that does not exist.
        Ok(None) => not_found(),
        Err(e) => unavailable(&e),
    }
}

async fn close_call(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(call_id): Path<String>,
    body: Bytes,
) -> Response {
    let (staff, csrf) = match signed_in(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other("/console/login"),
        Err(e) => return unavailable(&e),
    };
    if !form::<CsrfForm>(&body).is_some_and(|f| csrf_ok(&csrf, &f.csrf)) {
        return forbidden();
    }
    if staff.role != Role::Agent {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Votre compte permet de consulter, pas de clore un appel.",
        )
            .into_response();
    }
    if uuid::Uuid::parse_str(&call_id).is_err() {
        return not_found();
    }
    let kiosk = match crate::helpcalls::kiosk_of(&state.db, &call_id).await {
        Ok(Some(k)) => k,
        Ok(None) => return not_found(),
        Err(e) => return unavailable(&e),
    };
    // The call's kiosk must be one this staff member sees.
    match view::in_scope(&state.db, &staff, &kiosk).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(e) => return unavailable(&e),
    }
    match crate::helpcalls::close(
        &state.db,
        &kiosk,
        &call_id,
        crate::helpcalls::Closer::Agent(staff.id),
    )
    .await
    {
        Ok(_) => {
            tracing::info!(kiosk = %kiosk, call = %call_id, staff = staff.id, "help call closed by an agent");
            see_other("/console/?done=closed")
        }
        Err(e) => unavailable(&e),
    }
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    login: &str,
    error: Option<String>,
) -> Response {
    let token = staff::new_token();
    let mut response = html(
        status,
        view::LoginPage {
            csrf: token.expose(),
            login,
            error,
        }
        .render(),
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_COOKIE, token.expose(), "/console/login", 3600),
    );
    response
}

async fn login_form(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(Some(_)) => see_other("/console/"),
        Ok(None) => login_page(&state, StatusCode::OK, "", None),
        Err(e) => unavailable(&e),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    csrf: String,
}

async fn login_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(f) = form::<LoginForm>(&body) else {
        return login_page(
            &state,
            StatusCode::BAD_REQUEST,
            "",
            Some("Indiquez votre identifiant et votre mot de passe.".into()),
        );
    };
    let password = Secret::from(f.password);
    // Shown back in the form: only what a login may hold, never more than 64 characters.
    let login_shown = staff::normalise_login(&f.login).unwrap_or_default();
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), f.csrf.as_bytes()) {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            &login_shown,
            Some("La page de connexion a expiré. Saisissez à nouveau votre mot de passe.".into()),
        );
    }
    let c = &state.config.console;
    let outcome = staff::login(
        &state.db,
        &f.login,
        &password,
        state.config.argon2,
        c.lockout_failures,
        c.lockout_duration,
        c.session_lifetime,
    )
    .await;
    match outcome {
        Ok(Login::Ok { token, .. }) => {
            let mut response = see_other("/console/");
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(
                    &state,
                    SESSION_COOKIE,
                    token.expose(),
                    "/console",
                    c.session_lifetime.as_secs(),
                ),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, LOGIN_COOKIE, "", "/console/login", 0),
            );
            response
        }
        Ok(Login::Refused) => login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &login_shown,
            Some("Identifiant ou mot de passe incorrect.".into()),
        ),
        Ok(Login::Locked { until }) => {
            let minutes = ((until - crate::db::now_unix()).max(60) + 59) / 60;
            login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                &login_shown,
                Some(format!(
                    "Compte bloqué après {} essais manqués. Réessayez dans {minutes} min, \
                     ou demandez à l'administrateur de la console de le débloquer.",
                    c.lockout_failures
                )),
            )
        }
        Err(e) => unavailable(&e),
    }
}

async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let token = cookie(&headers, SESSION_COOKIE).map(str::to_owned);
    if let Some(token) = &token {
        match staff::session(&state.db, token).await {
            Ok(Some((_, csrf))) => {
                if !form::<CsrfForm>(&body).is_some_and(|f| csrf_ok(&csrf, &f.csrf)) {
                    return forbidden();
                }
                if let Err(e) = staff::logout(&state.db, token).await {
                    return unavailable(&e);
                }
            }
            Ok(None) => {}
            Err(e) => return unavailable(&e),
        }
    }
    let mut response = see_other("/console/login");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", "/console", 0),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; msa_console_session=tok; b="),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&h, "b"), None);
        assert_eq!(cookie(&h, "c"), None);
    }
}
