//! Contract tests of the kiosk's health and help endpoints (issue 17): heartbeats, help calls,
//! the history of incidents, on the real server, on SQLite and on PostgreSQL. Every answer is
//! checked against docs/openapi.yaml.

mod common;
mod console_kit;

use common::*;
use console_kit::*;
use serde_json::{json, Value};
use std::time::Duration;

on_both_databases!(
    a_heartbeat_is_recorded_as_sent,
    the_server_refuses_exactly_what_the_schema_refuses,
    a_kiosk_speaks_only_for_itself,
    incidents_follow_the_changes_of_state,
    a_silence_is_recorded_when_the_kiosk_comes_back,
    a_help_call_opens_once_and_closes_at_the_kiosk,
    parallel_help_requests_open_one_call,
);

async fn start(kind: Kind) -> Option<Harness> {
    start_with(kind, |_| {}).await
}

async fn start_with(kind: Kind, tweak: impl FnOnce(&mut msa_backend::Config)) -> Option<Harness> {
    let h = Harness::start_with(kind, tweak).await?;
    setup(&h.server().state.db).await;
    Some(h)
}

/// The kiosk's latest heartbeat row, as JSON-ish text values.
async fn latest(h: &Harness, kiosk: &str) -> Option<Value> {
    use sqlx::Row;
    let row = sqlx::query(
        "SELECT version, queue_size, queue_oldest_age_seconds, needs_attention, last_delivery_at, \
         updater_result, crashes_recovered, printer, availability, availability_reason, step, \
         conditions FROM kiosk_heartbeats WHERE kiosk_id = $1",
    )
    .bind(kiosk)
    .fetch_optional(h.server().state.db.pool())
    .await
    .unwrap()?;
    Some(json!({
        "version": row.try_get::<String, _>("version").unwrap(),
        "queueSize": row.try_get::<i64, _>("queue_size").unwrap(),
        "queueOldestAgeSeconds": row.try_get::<Option<i64>, _>("queue_oldest_age_seconds").unwrap(),
        "needsAttention": row.try_get::<i64, _>("needs_attention").unwrap(),
        "lastDeliveryAt": row.try_get::<Option<i64>, _>("last_delivery_at").unwrap(),
        "updaterResult": row.try_get::<Option<String>, _>("updater_result").unwrap(),
        "crashesRecovered": row.try_get::<i64, _>("crashes_recovered").unwrap(),
        "printer": row.try_get::<String, _>("printer").unwrap(),
        "availability": row.try_get::<String, _>("availability").unwrap(),
        "availabilityReason": row.try_get::<Option<String>, _>("availability_reason").unwrap(),
        "step": row.try_get::<Option<i64>, _>("step").unwrap(),
        "conditions": row.try_get::<String, _>("conditions").unwrap(),
    }))
}

/// `(phase, code, detail)` of the kiosk's history, oldest first.
async fn incidents(h: &Harness, kiosk: &str) -> Vec<(String, String, Option<String>)> {
    use sqlx::Row;
    sqlx::query(
        "SELECT phase, code, detail FROM kiosk_incidents WHERE kiosk_id = $1 ORDER BY at, id",
    )
    .bind(kiosk)
    .fetch_all(h.server().state.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.try_get("phase").unwrap(),
            r.try_get("code").unwrap(),
            r.try_get("detail").unwrap(),
        )
    })
    .collect()
}

fn inc(phase: &str, code: &str, detail: Option<&str>) -> (String, String, Option<String>) {
    (phase.into(), code.into(), detail.map(str::to_owned))
}

async fn a_heartbeat_is_recorded_as_sent(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, NANTES_1);
    let mut body = heartbeat(Some(4));
    body["queueSize"] = json!(3);
    body["queueOldestAgeSeconds"] = json!(125);
    body["needsAttention"] = json!(1);
    body["updaterResult"] = json!("refused.signature");
    body["crashesRecovered"] = json!(2);
    body["printer"] = json!("paperLow");
    body["availability"] = json!("unavailable");
    body["availabilityReason"] = json!("backendMisconfigured");
    // The request itself is what the contract describes.
    let schema = &spec().doc["components"]["schemas"]["Heartbeat"];
    assert!(spec().validator(schema).is_valid(&body));
    let example = &spec().doc["paths"]["/v1/kiosks/{kioskId}/heartbeat"]["put"]["requestBody"]
        ["content"]["application/json"]["example"];
    assert!(
        spec().validator(schema).is_valid(example),
        "the documented example is valid"
    );

    let a = kiosk.heartbeat(&body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body, json!({"outcome": "recorded", "helpCall": null}));
    assert_eq!(a.headers.get("cache-control").unwrap(), "no-store");
    let row = latest(&h, NANTES_1.0).await.expect("a row");
    assert_eq!(row["version"], "0.1.0");
    assert_eq!(row["queueSize"], 3);
    assert_eq!(row["queueOldestAgeSeconds"], 125);
    assert_eq!(row["needsAttention"], 1);
    assert_eq!(row["lastDeliveryAt"], 1_795_689_667_i64);
    assert_eq!(row["updaterResult"], "refused.signature");
    assert_eq!(row["crashesRecovered"], 2);
    assert_eq!(row["printer"], "paperLow");
    assert_eq!(row["availability"], "unavailable");
    assert_eq!(row["availabilityReason"], "backendMisconfigured");
    assert_eq!(row["step"], 4);
    assert_eq!(
        row["conditions"],
        "needsAttention printer.paperLow unavailable.backendMisconfigured updater.refused.signature"
    );
    // The other kiosks have nothing yet.
    assert!(latest(&h, NANTES_2.0).await.is_none());
    h.finish().await;
}

/// Bodies around the contract: the server takes a body if and only if the schema does, and a
/// refused body changes nothing. Several carry a canary (a NIR, a name, an e-mail address, a
/// birth date) where a careless kiosk might put one.
async fn the_server_refuses_exactly_what_the_schema_refuses(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, NANTES_1);
    let validator = spec().validator(&spec().doc["components"]["schemas"]["Heartbeat"]);
    let base = heartbeat(Some(2));
    assert_eq!(kiosk.heartbeat(&base).await.status, 200);
    const NIR: &str = "1841276451089";
    let mut cases: Vec<(&str, Value)> = vec![
        ("extra property", json!({"nir": NIR})),
        ("extra property: name", json!({"lastName": "Dupont"})),
        ("version with a NIR", json!({"version": NIR})),
        ("version with a name", json!({"version": "0.1.0-dupont"})),
        (
            "version with an e-mail",
            json!({"version": "0.1.0-jean.dupont@example.fr"}),
        ),
        ("version rc", json!({"version": "1.2.0-rc.3"})),
        ("version dev", json!({"version": "0.1.0-dev"})),
        (
            "updater code",
            json!({"updaterResult": "refused.downgrade"}),
        ),
        ("updater null", json!({"updaterResult": null})),
        (
            "updater digits",
            json!({"updaterResult": format!("refused.n{NIR}")}),
        ),
        ("updater name", json!({"updaterResult": "Dupont Jean"})),
        ("updater three parts", json!({"updaterResult": "a.b.c"})),
        (
            "reason e-mail",
            json!({"availability": "unavailable", "availabilityReason": "jean.dupont@example.fr"}),
        ),
        (
            "reason birth date",
            json!({"availability": "notConfigured", "availabilityReason": "1984-12-03"}),
        ),
        (
            "reason code",
            json!({"availability": "notConfigured", "availabilityReason": "noBackendToken"}),
        ),
        (
            "reason missing",
            json!({"availability": "unavailable", "availabilityReason": null}),
        ),
        (
            "reason while ready",
            json!({"availabilityReason": "backendMisconfigured"}),
        ),
        ("availability unknown", json!({"availability": "broken"})),
        ("printer unknown", json!({"printer": "jammed"})),
        ("printer out", json!({"printer": "paperOut"})),
        ("step 0", json!({"step": 0})),
        ("step 8", json!({"step": 8})),
        ("step 7", json!({"step": 7})),
        ("step null", json!({"step": null})),
        ("step as text", json!({"step": "3"})),
        ("negative queue", json!({"queueSize": -1})),
        ("fractional queue", json!({"queueSize": 1.5})),
        ("huge queue", json!({"queueSize": 1_000_001})),
        ("age null", json!({"queueOldestAgeSeconds": null})),
        ("age", json!({"queueOldestAgeSeconds": 3600})),
        ("delivery a date", json!({"lastDeliveryAt": "1984-12-03"})),
        ("delivery null", json!({"lastDeliveryAt": null})),
        (
            "delivery offset",
            json!({"lastDeliveryAt": "2026-11-26T11:41:07+01:00"}),
        ),
        ("crashes text", json!({"crashesRecovered": "2"})),
    ];
    for field in [
        "version",
        "queueSize",
        "queueOldestAgeSeconds",
        "needsAttention",
        "lastDeliveryAt",
        "updaterResult",
        "crashesRecovered",
        "printer",
        "availability",
        "availabilityReason",
        "step",
    ] {
        cases.push((field, json!({ "-remove": field })));
    }
    let mut refused = 0;
    for (what, change) in cases {
        let mut body = base.clone();
        for (k, v) in change.as_object().unwrap() {
            if k == "-remove" {
                body.as_object_mut().unwrap().remove(v.as_str().unwrap());
            } else {
                body[k] = v.clone();
            }
        }
        let before = latest(&h, NANTES_1.0).await;
        let a = kiosk.heartbeat(&body).await;
        let schema_takes = validator.is_valid(&body);
        assert_eq!(
            a.status == 200,
            schema_takes,
            "{what}: server {} vs schema {schema_takes}: {}",
            a.status,
            a.body
        );
        if a.status != 200 {
            refused += 1;
            assert_eq!(a.status, 422, "{what}");
            assert_eq!(a.body["outcome"], "invalid");
            assert!(
                !a.body.to_string().contains(NIR),
                "{what}: the value is not echoed"
            );
            assert!(!a.body.to_string().contains("Dupont"), "{what}");
            assert_eq!(
                latest(&h, NANTES_1.0).await,
                before,
                "{what}: a refused body changes nothing"
            );
        } else {
            // Back to the base state for the next case.
            assert_eq!(kiosk.heartbeat(&base).await.status, 200);
        }
    }
    assert!(refused >= 20, "most cases are refusals ({refused})");
    // Nothing of the canaries reached a table.
    let dump = table_text(
        h.server().state.db.pool(),
        &["kiosk_heartbeats", "kiosk_incidents"],
    )
    .await;
    assert!(
        dump.contains("printer=none") && dump.contains("code=firstHeartbeat"),
        "{dump}"
    );
    for canary in [
        NIR,
        "Dupont",
        "dupont",
        "jean.dupont@example.fr",
        "1984-12-03",
    ] {
        assert!(!dump.contains(canary), "{canary} in a table");
    }
    // Not JSON, not an object.
    for raw in ["", "[]", "null", "{"] {
        let r = kiosk
            .client
            .put(format!("{}/v1/kiosks/{}/heartbeat", h.base, NANTES_1.0))
            .bearer_auth(NANTES_1.1)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422, "{raw:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body, json!({"outcome": "invalid", "field": null}));
    }
    h.finish().await;
}

async fn a_kiosk_speaks_only_for_itself(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let body = heartbeat(Some(1));
    let path = format!("/v1/kiosks/{}/heartbeat", NANTES_1.0);
    for token in [None, Some("not-a-kiosk-token")] {
        let mut req = h.client.put(format!("{}{path}", h.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let b: Value = r.json().await.unwrap();
        spec().check(
            "/v1/kiosks/{kioskId}/heartbeat",
            "put",
            status,
            &headers,
            &b,
        );
        assert_eq!((status, b["outcome"].as_str()), (401, Some("unauthorized")));
    }
    // Another kiosk's token on this kiosk's paths: forbidden, and nothing recorded.
    let impostor = KioskClient {
        id: NANTES_1.0.to_owned(),
        ..KioskClient::new(&h.base, ANGERS_1)
    };
    let a = impostor.heartbeat(&body).await;
    assert_eq!(
        (a.status, a.body["outcome"].as_str()),
        (403, Some("forbidden"))
    );
    assert!(latest(&h, NANTES_1.0).await.is_none());
    assert_eq!(impostor.raise(Some(2)).await.status, 403);

    // A call of Nantes cannot be read or closed by Angers, even through its own path.
    let nantes = KioskClient::new(&h.base, NANTES_1);
    let call = nantes.raise(Some(2)).await;
    let id = call.body["id"].as_str().unwrap().to_owned();
    assert_eq!(impostor.help(&id).await.status, 403);
    let angers = KioskClient::new(&h.base, ANGERS_1);
    assert_eq!(angers.help(&id).await.status, 404);
    assert_eq!(angers.close(&id).await.status, 404);
    assert_eq!(nantes.help(&id).await.body["state"], "open");
    assert_eq!(angers.help("not-a-uuid").await.status, 404);
    h.finish().await;
}

async fn incidents_follow_the_changes_of_state(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, NANTES_1);
    let well = heartbeat(Some(1));
    assert_eq!(kiosk.heartbeat(&well).await.status, 200);
    assert_eq!(kiosk.heartbeat(&well).await.status, 200);
    let mut down = well.clone();
    down["availability"] = json!("unavailable");
    down["availabilityReason"] = json!("backendMisconfigured");
    down["printer"] = json!("paperOut");
    assert_eq!(kiosk.heartbeat(&down).await.status, 200);
    assert_eq!(
        kiosk.heartbeat(&down).await.status,
        200,
        "the same state again: no new line"
    );
    let mut printer_only = well.clone();
    printer_only["printer"] = json!("paperOut");
    printer_only["version"] = json!("0.2.0");
    printer_only["crashesRecovered"] = json!(1);
    assert_eq!(kiosk.heartbeat(&printer_only).await.status, 200);
    let mut old_queue = printer_only.clone();
    old_queue["printer"] = json!("ready");
    old_queue["queueSize"] = json!(4);
    old_queue["queueOldestAgeSeconds"] = json!(31 * 60);
    assert_eq!(kiosk.heartbeat(&old_queue).await.status, 200);
    assert_eq!(
        incidents(&h, NANTES_1.0).await,
        vec![
            inc("event", "firstHeartbeat", Some("0.1.0")),
            inc("start", "printer.paperOut", None),
            inc("start", "unavailable.backendMisconfigured", None),
            inc("event", "version", Some("0.2.0")),
            inc("event", "crashRecovered", Some("1")),
            inc("end", "unavailable.backendMisconfigured", None),
            inc("end", "printer.paperOut", None),
            inc("start", "queueOld", None),
        ]
    );
    // A kiosk whose first heartbeat already says something is wrong.
    let other = KioskClient::new(&h.base, NANTES_2);
    assert_eq!(other.heartbeat(&down).await.status, 200);
    assert_eq!(
        incidents(&h, NANTES_2.0).await,
        vec![
            inc("event", "firstHeartbeat", Some("0.1.0")),
            inc("start", "printer.paperOut", None),
            inc("start", "unavailable.backendMisconfigured", None),
        ]
    );
    h.finish().await;
}

async fn a_silence_is_recorded_when_the_kiosk_comes_back(kind: Kind) {
    let Some(h) = start_with(kind, |c| c.console.silent_after = Duration::from_secs(1)).await
    else {
        return;
    };
    let kiosk = KioskClient::new(&h.base, NANTES_2);
    assert_eq!(kiosk.heartbeat(&heartbeat(Some(1))).await.status, 200);
    // Times are whole seconds: 2.2 s later the gap is at least 2 s, above the 1 s silence.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(kiosk.heartbeat(&heartbeat(Some(1))).await.status, 200);
    let lines = incidents(&h, NANTES_2.0).await;
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[1], inc("start", "silent", None));
    assert_eq!(
        (lines[2].0.as_str(), lines[2].1.as_str()),
        ("end", "silent")
    );
    let gap: i64 = lines[2].2.as_deref().unwrap().parse().unwrap();
    assert!((2..=4).contains(&gap), "{gap}");
    h.finish().await;
}

async fn a_help_call_opens_once_and_closes_at_the_kiosk(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, NANTES_1);
    let first = kiosk.raise(Some(3)).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["state"], "open");
    assert_eq!(first.body["step"], 3);
    assert_eq!(first.body["closedBy"], Value::Null);
    let id = first.body["id"].as_str().unwrap().to_owned();
    // A second touch, or a retry: the same call, unchanged.
    let again = kiosk.raise(Some(5)).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body);
    // The heartbeat's answer carries it.
    let hb = kiosk.heartbeat(&heartbeat(Some(3))).await;
    assert_eq!(hb.body["helpCall"], first.body);
    assert_eq!(kiosk.help(&id).await.body, first.body);
    // Closed at the kiosk.
    let closed = kiosk.close(&id).await;
    assert_eq!(closed.status, 200);
    assert_eq!(closed.body["state"], "closed");
    assert_eq!(closed.body["closedBy"], "kiosk");
    assert!(closed.body["closedAt"].is_string());
    assert_eq!(kiosk.help(&id).await.body, closed.body);
    assert_eq!(
        kiosk.close(&id).await.body,
        closed.body,
        "closing twice changes nothing"
    );
    assert_eq!(
        kiosk.heartbeat(&heartbeat(Some(1))).await.body["helpCall"],
        Value::Null
    );
    // A new touch opens a new call.
    let second = kiosk.raise(None).await;
    assert_eq!(second.status, 201);
    assert_ne!(second.body["id"], first.body["id"]);
    assert_eq!(second.body["step"], Value::Null);
    assert_eq!(kiosk.help(&new_key()).await.status, 404);
    // Bodies outside the contract.
    for bad in [
        json!({}),
        json!({"step": 9}),
        json!({"step": 2, "nir": "1841276451089"}),
        json!([2]),
    ] {
        let a = kiosk
            .call(
                reqwest::Method::POST,
                "/v1/kiosks/{kioskId}/help-calls",
                &format!("/v1/kiosks/{}/help-calls", NANTES_1.0),
                Some(&bad),
            )
            .await;
        assert_eq!(a.status, 422, "{bad}");
    }
    let lines = incidents(&h, NANTES_1.0).await;
    assert!(
        lines.contains(&inc("start", "helpCall", Some("3"))),
        "{lines:?}"
    );
    assert!(
        lines.contains(&inc("end", "helpCall", Some("kiosk"))),
        "{lines:?}"
    );
    assert!(lines.contains(&inc("start", "helpCall", None)), "{lines:?}");
    h.finish().await;
}

async fn parallel_help_requests_open_one_call(kind: Kind) {
    let Some(h) = start(kind).await else { return };
    let kiosk = KioskClient::new(&h.base, NANTES_2);
    let answers = futures_util::future::join_all((0..10).map(|_| {
        let k = kiosk.clone();
        async move { k.raise(Some(2)).await }
    }))
    .await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|a| {
            a.body["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{}", a.body))
                .to_owned()
        })
        .collect();
    assert_eq!(
        created,
        1,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(ids.len(), 1);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM help_calls WHERE closed_at IS NULL")
            .await,
        1
    );
    h.finish().await;
}
