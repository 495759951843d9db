//! The agency console over plain HTTP (the browser test drives it in Chromium): sign-in,
//! cookies, CSRF, lockout, what each staff member may see and do, and two backend instances
//! on one database. On SQLite and on PostgreSQL.

mod common;
mod console_kit;

use common::*;
use console_kit::*;
use msa_backend::staff;
use std::time::Duration;

on_both_databases!(
    signed_out_requests_get_nothing,
    the_session_cookie_is_strict_and_every_page_has_the_csp,
    every_post_needs_its_csrf_token,
    five_wrong_passwords_lock_the_account,
    parallel_guesses_across_instances_get_five_tries,
    staff_see_their_agency_or_their_caisse_and_nothing_else,
    an_observer_cannot_close_a_call,
    two_instances_share_sessions_heartbeats_and_help_calls,
);

async fn start(kind: Kind) -> Option<Harness> {
    let h = Harness::start(kind).await?;
    setup(&h.server().state.db).await;
    Some(h)
}

async fn signed_out_requests_get_nothing(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, NANTES_1);
    kiosk.heartbeat(&heartbeat(Some(2))).await;
    let call = kiosk.raise(Some(2)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut c = ConsoleClient::new(&h.base);
    for path in ["/console/", &format!("/console/kiosks/{}", NANTES_1.0)] {
        let page = c.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location(), Some("/console/login"), "{path}");
        assert!(!page.body.contains(NANTES_1.0), "{path}");
    }
    assert_eq!(c.get("/console").await.location(), Some("/console/"));
    let live = c.get("/console/live").await;
    assert_eq!(live.status, 401);
    assert!(live.body.is_empty());
    let close = c
        .post(
            &format!("/console/help-calls/{call}/close"),
            &[("csrf", "x")],
        )
        .await;
    assert_eq!(close.status, 303);
    assert_eq!(kiosk.help(&call).await.body["state"], "open");
    // A forged or expired session cookie is no better.
    c.cookies
        .insert("msa_console_session".into(), "0".repeat(64));
    assert_eq!(c.get("/console/live").await.status, 401);
    h.finish().await;
}

async fn the_session_cookie_is_strict_and_every_page_has_the_csp(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let mut c = ConsoleClient::new(&h.base);
    let form = c.get("/console/login").await;
    let login_cookie = form.set_cookies().join("\n");
    assert!(login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Strict"));
    let page = c.login(AGENT_NANTES, PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let session = page
        .set_cookies()
        .into_iter()
        .find(|s| s.starts_with("msa_console_session="))
        .expect("a session cookie");
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/console",
        "Max-Age=43200",
    ] {
        assert!(session.contains(part), "{session}");
    }
    // Plain HTTP on loopback: a browser would not send a Secure cookie back.
    assert!(!session.contains("Secure"), "{session}");
    // Only the SHA-256 of the token is stored.
    let token = c.cookies["msa_console_session"].clone();
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM staff_sessions WHERE token_sha256 = '{}'",
            msa_backend::secret::sha256_hex(&token)
        ))
        .await,
        1
    );
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM staff_sessions WHERE token_sha256 = '{token}'"
        ))
        .await,
        0
    );
    for path in [
        "/console/login",
        "/console/",
        "/console/live",
        &format!("/console/kiosks/{}", NANTES_1.0),
        "/console/static/console.css",
        "/console/static/console.js",
    ] {
        let p = c.get(path).await;
        assert_eq!(
            p.status,
            if path == "/console/login" { 303 } else { 200 },
            "{path}"
        );
        let csp = p.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe"), "{path}");
        assert_eq!(p.headers["x-frame-options"], "DENY");
        assert_eq!(p.headers["x-content-type-options"], "nosniff");
        if !path.contains("/static/") {
            assert_eq!(p.headers["cache-control"], "no-store", "{path}");
            // No inline script or style for the CSP to refuse.
            assert!(
                !p.body.contains("<script>") && !p.body.contains("style="),
                "{path}"
            );
        }
    }
    // Logging out ends the session for good.
    let dashboard = c.get("/console/").await;
    let out = c
        .post("/console/logout", &[("csrf", &dashboard.csrf())])
        .await;
    assert_eq!(out.location(), Some("/console/login"));
    let mut replay = ConsoleClient::new(&h.base);
    replay.cookies.insert("msa_console_session".into(), token);
    assert_eq!(replay.get("/console/live").await.status, 401);
    h.finish().await;

    // Behind a TLS proxy on loopback, Secure can be asked for.
    let Some(h) = Harness::start_with(kind, |c| c.console.secure_cookies = Some(true)).await else {
        return;
    };
    setup(&h.server().state.db).await;
    let mut c = ConsoleClient::new(&h.base);
    let page = c.login(AGENT_NANTES, PASSWORD).await;
    assert!(page.set_cookies().iter().all(|s| s.contains("; Secure")));
    h.finish().await;
}

async fn every_post_needs_its_csrf_token(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, NANTES_1);
    let call = kiosk.raise(Some(4)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The login form's token must match its cookie.
    let mut c = ConsoleClient::new(&h.base);
    c.get("/console/login").await;
    let page = c
        .post(
            "/console/login",
            &[
                ("login", AGENT_NANTES),
                ("password", PASSWORD),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("La page de connexion a expiré"));
    assert!(!c.cookies.contains_key("msa_console_session"));
    let mut no_cookie = ConsoleClient::new(&h.base);
    let form = no_cookie.get("/console/login").await;
    no_cookie.cookies.clear();
    let page = no_cookie
        .post(
            "/console/login",
            &[
                ("login", AGENT_NANTES),
                ("password", PASSWORD),
                ("csrf", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(page.status, 403);

    // Signed in: closing a call and logging out need the session's token.
    let mut c = ConsoleClient::signed_in(&h.base, AGENT_NANTES).await;
    for fields in [vec![], vec![("csrf", "forged")]] {
        let p = c
            .post(&format!("/console/help-calls/{call}/close"), &fields)
            .await;
        assert_eq!(p.status, 403);
        assert_eq!(kiosk.help(&call).await.body["state"], "open");
        assert_eq!(c.post("/console/logout", &fields).await.status, 403);
        assert_eq!(c.get("/console/live").await.status, 200, "still signed in");
    }
    // Another session's token does not do either.
    let other = ConsoleClient::signed_in(&h.base, AGENT_NANTES).await;
    let mut other = other;
    let other_csrf = other.get("/console/").await.csrf();
    let p = c
        .post(
            &format!("/console/help-calls/{call}/close"),
            &[("csrf", &other_csrf)],
        )
        .await;
    assert_eq!(p.status, 403);
    // With its own: closed.
    let p = c.close_call(&call).await;
    assert_eq!(
        (p.status, p.location()),
        (303, Some("/console/?done=closed"))
    );
    let closed = kiosk.help(&call).await;
    assert_eq!(closed.body["state"], "closed");
    assert_eq!(closed.body["closedBy"], "agent");
    h.finish().await;
}

async fn five_wrong_passwords_lock_the_account(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let mut c = ConsoleClient::new(&h.base);
    for i in 1..=5 {
        let p = c.login(AGENT_NANTES, "wrong password!").await;
        assert_eq!(p.status, 401, "try {i}");
        assert!(p.body.contains("<title>Erreur : Connexion"), "try {i}");
        if i < 5 {
            assert!(
                p.body.contains("Identifiant ou mot de passe incorrect."),
                "try {i}"
            );
        } else {
            assert!(
                p.body.contains("Compte bloqué après 5 essais manqués"),
                "{}",
                p.body
            );
        }
    }
    // The right password no longer opens it.
    let p = c.login(AGENT_NANTES, PASSWORD).await;
    assert_eq!(p.status, 401);
    assert!(p.body.contains("Compte bloqué"));
    assert!(!c.cookies.contains_key("msa_console_session"));
    // An unknown login is never said to be locked, and gets the same refusal as a wrong
    // password.
    for _ in 0..6 {
        let p = c.login("nobody.here", "wrong password!").await;
        assert!(p.body.contains("Identifiant ou mot de passe incorrect."));
    }
    // Other accounts are not affected; the administrator unlocks.
    ConsoleClient::signed_in(&h.base, AGENT_ANGERS).await;
    assert!(staff::unlock(&h.server().state.db, AGENT_NANTES)
        .await
        .unwrap());
    ConsoleClient::signed_in(&h.base, AGENT_NANTES).await;
    // A success resets the count: four failures after it do not lock.
    for _ in 0..4 {
        c.login(AGENT_NANTES, "wrong password!").await;
    }
    ConsoleClient::signed_in(&h.base, AGENT_NANTES).await;
    h.finish().await;

    // A lockout that ran out lets the right password in again.
    let Some(h) = Harness::start_with(kind, |c| {
        c.console.lockout_duration = Duration::from_secs(1)
    })
    .await
    else {
        return;
    };
    setup(&h.server().state.db).await;
    let mut c = ConsoleClient::new(&h.base);
    for _ in 0..5 {
        c.login(AGENT_NANTES, "wrong password!").await;
    }
    assert!(c
        .login(AGENT_NANTES, PASSWORD)
        .await
        .body
        .contains("Compte bloqué"));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    ConsoleClient::signed_in(&h.base, AGENT_NANTES).await;
    h.finish().await;
}

/// 20 wrong passwords sent at once to two instances on one database: exactly 5 are checked
/// (the count is taken before the check, in one statement).
async fn parallel_guesses_across_instances_get_five_tries(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let second = msa_backend::spawn(msa_backend::Config::for_tests(h.database_url.clone()))
        .await
        .unwrap();
    let bases = [h.base.clone(), second.base_url.clone()];
    let tries = futures_util::future::join_all((0..20).map(|i| {
        let base = bases[i % 2].clone();
        async move {
            let mut c = ConsoleClient::new(&base);
            c.login(AGENT_NANTES, "wrong password!").await.body
        }
    }))
    .await;
    let refused = tries
        .iter()
        .filter(|b| b.contains("Identifiant ou mot de passe incorrect."))
        .count();
    let locked = tries.iter().filter(|b| b.contains("Compte bloqué")).count();
    assert_eq!(refused + locked, 20);
    assert!(
        refused <= 4,
        "at most 4 plain refusals before the lock: {refused}"
    );
    assert_eq!(
        h.count("SELECT failed_logins FROM staff WHERE login = 'agent.nantes'")
            .await,
        5,
        "five attempts counted, no more"
    );
    second.stop().await.unwrap();
    h.finish().await;
}

async fn staff_see_their_agency_or_their_caisse_and_nothing_else(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    for k in [NANTES_1, NANTES_2, ROCHE_1, ANGERS_1] {
        let kiosk = KioskClient::new(&h.base, k);
        assert_eq!(kiosk.heartbeat(&heartbeat(Some(1))).await.status, 200);
    }
    let nantes_call = KioskClient::new(&h.base, NANTES_2).raise(Some(6)).await;
    let nantes_call = nantes_call.body["id"].as_str().unwrap().to_owned();
    let angers_call = KioskClient::new(&h.base, ANGERS_1).raise(Some(2)).await;
    let angers_call = angers_call.body["id"].as_str().unwrap().to_owned();

    let mut nantes = ConsoleClient::signed_in(&h.base, AGENT_NANTES).await;
    let mut angers = ConsoleClient::signed_in(&h.base, AGENT_ANGERS).await;
    let mut caisse = ConsoleClient::signed_in(&h.base, OBSERVER_CAISSE).await;
    let sees = |body: &str, kiosk: &str| body.contains(&format!("data-kiosk-row=\"{kiosk}\""));
    for path in ["/console/", "/console/live"] {
        let n = nantes.get(path).await.body;
        assert!(sees(&n, NANTES_1.0) && sees(&n, NANTES_2.0), "{path}");
        assert!(!n.contains(ANGERS_1.0) && !n.contains(ROCHE_1.0), "{path}");
        assert!(
            n.contains(&nantes_call) && !n.contains(&angers_call),
            "{path}"
        );
        let a = angers.get(path).await.body;
        assert!(sees(&a, ANGERS_1.0), "{path}");
        assert!(
            !a.contains(NANTES_1.0) && !a.contains(NANTES_2.0) && !a.contains(ROCHE_1.0),
            "{path}"
        );
        assert!(
            a.contains(&angers_call) && !a.contains(&nantes_call),
            "{path}"
        );
        let c = caisse.get(path).await.body;
        assert!(
            sees(&c, NANTES_1.0) && sees(&c, NANTES_2.0) && sees(&c, ROCHE_1.0),
            "{path}"
        );
        assert!(
            !c.contains(ANGERS_1.0) && !c.contains(&angers_call),
            "{path}"
        );
        assert!(
            c.contains("La Roche-sur-Yon"),
            "a caisse sees the agency column"
        );
    }
    assert!(nantes
        .get("/console/")
        .await
        .body
        .contains("<h1>Bornes de l&#39;agence Nantes</h1>"));
    assert!(caisse
        .get("/console/")
        .await
        .body
        .contains("<h1>Bornes de la caisse msa-44-85</h1>"));
    // Another agency's kiosk page and call are not found, like things that do not exist.
    let p = angers.get(&format!("/console/kiosks/{}", NANTES_1.0)).await;
    assert_eq!(p.status, 404);
    assert_eq!(
        angers.get("/console/kiosks/no-such-kiosk").await.status,
        404
    );
    assert_eq!(angers.close_call(&nantes_call).await.status, 404);
    assert_eq!(
        KioskClient::new(&h.base, NANTES_2)
            .help(&nantes_call)
            .await
            .body["state"],
        "open"
    );
    let p = nantes.get(&format!("/console/kiosks/{}", NANTES_2.0)).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Historique des incidents"));
    assert!(
        p.body
            .contains("Appel à l&#39;aide, étape 6 · Récapitulatif"),
        "{}",
        p.body
    );
    h.finish().await;
}

async fn an_observer_cannot_close_a_call(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, ROCHE_1);
    let call = kiosk.raise(Some(3)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut observer = ConsoleClient::signed_in(&h.base, OBSERVER_CAISSE).await;
    let page = observer.get("/console/").await;
    assert!(page.body.contains(&call), "the observer sees the call");
    assert!(
        !page.body.contains(">Clore<"),
        "but has no « Clore » button"
    );
    let p = observer.close_call(&call).await;
    assert_eq!(p.status, 403);
    assert_eq!(kiosk.help(&call).await.body["state"], "open");
    h.finish().await;
}

/// What the console shows does not depend on which instance answers: a heartbeat and a call
/// sent to one, a session opened on the other, a call closed on the first.
async fn two_instances_share_sessions_heartbeats_and_help_calls(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let second = msa_backend::spawn(msa_backend::Config::for_tests(h.database_url.clone()))
        .await
        .unwrap();
    let kiosk_on_a = KioskClient::new(&h.base, NANTES_1);
    let kiosk_on_b = KioskClient::new(&second.base_url, NANTES_1);
    assert_eq!(kiosk_on_a.heartbeat(&heartbeat(Some(5))).await.status, 200);
    let call = kiosk_on_a.raise(Some(5)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut on_b = ConsoleClient::signed_in(&second.base_url, AGENT_NANTES).await;
    let live = on_b.get("/console/live").await.body;
    assert!(
        live.contains(&call) && live.contains("5 · Département"),
        "{live}"
    );
    // The session opened on B works on A.
    let mut on_a = ConsoleClient::new(&h.base);
    on_a.cookies = on_b.cookies.clone();
    let p = on_a.close_call(&call).await;
    assert_eq!(p.status, 303);
    let seen = kiosk_on_b.help(&call).await;
    assert_eq!(
        (seen.body["state"].as_str(), seen.body["closedBy"].as_str()),
        (Some("closed"), Some("agent"))
    );
    assert!(!on_b.get("/console/live").await.body.contains(&call));
    second.stop().await.unwrap();
    h.finish().await;
}
