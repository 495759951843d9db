//! The data of the UI tests' fake backend (`tests/ui/fake-tauri.js`), rendered from enrol-core
//! so that the fake cannot drift from the rules of record (issue 11).
//!
//! The fake holds no rule of its own: for every input the UI tests type (listed in
//! `tests/ui/rule-cases.json`) it looks up the answer enrol-core gave here, and it lists the
//! départements, caisses, error codes and CGU versions given here. This test renders that data
//! as an ES module and fails when the committed `tests/ui/generated/enrol-data.js` differs;
//! `UPDATE_UI_DATA=1 cargo test -p enrol-core --test ui_data` rewrites it.
//!
//! Only the crate's public entry points are used (one call per step), so a change of the
//! rules changes the answers here, not this file.

use enrol_core::{
    parse_identity, parse_verification, BirthDate, CguVersion, DateParts, Department, Email,
    IdentityForm, Invalid, Nir, VerificationForm, ALL_CODES,
};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use time::{Date, Month};

/// The terms' Markdown → blocks, the same code the kiosk's build script runs.
#[path = "../../../src-tauri/cgu/render.rs"]
mod cgu_render;

const GENERATED: &str = "tests/ui/generated/enrol-data.js";
const CASES: &str = "tests/ui/rule-cases.json";
/// The CGU texts the kiosk bundles (src-tauri/src/cgu.rs), one version per language.
const CGU_LANGUAGES: [&str; 2] = ["fr", "en"];
/// Overseas and malformed département codes the screen must explain (SPEC §2 step 5).
const EXTRA_DEPARTMENT_INPUTS: &[&str] = &["", "971", "972", "973", "974", "976", "977", "978"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    let full = repo_root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()))
}

/// `"2025-06-15"` → a date (the cases' `today`).
fn iso_date(s: &str) -> Date {
    let parts: Vec<i32> = s.split('-').filter_map(|p| p.parse().ok()).collect();
    let [y, m, d] = parts[..] else {
        panic!("not an ISO date: {s}")
    };
    let month = Month::try_from(u8::try_from(m).expect("month")).expect("month");
    Date::from_calendar_date(y, month, u8::try_from(d).expect("day")).expect("date")
}

fn strings(value: &Value) -> Vec<String> {
    let items = value.as_array().expect("an array of strings");
    items
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

/// The JS key of an answer: the inputs as sent, JSON-encoded (`JSON.stringify([...])`).
fn key(parts: &[String]) -> String {
    serde_json::to_string(parts).expect("strings encode")
}

fn errors(list: &[Invalid]) -> Value {
    json!({ "errors": list })
}

fn department(d: Department) -> Value {
    json!({ "code": d.code(), "name": d.name(), "caisse": d.caisse().name })
}

fn render() -> String {
    let cases: Value = serde_json::from_str(&read(CASES)).expect("rule-cases.json is JSON");
    let today_iso = cases["today"].as_str().expect("today");
    let today = iso_date(today_iso);

    let mut nir = Map::new();
    for input in strings(&cases["nir"]) {
        let answer = match Nir::parse(&input) {
            Ok(n) => json!({ "ok": { "nir": n.as_str(), "display": n.grouped() } }),
            Err(e) => errors(&[e]),
        };
        nir.insert(input, answer);
    }

    // [nir, lastName, firstName, birthDay, birthMonth, birthYear, email, phone]
    let mut identity = Map::new();
    for case in cases["identity"].as_array().expect("identity cases") {
        let s = strings(case);
        let n = Nir::parse(&s[0]).expect("an identity case starts with a valid NIR");
        let form = IdentityForm {
            last_name: s[1].clone(),
            first_name: s[2].clone(),
            birth_day: s[3].clone(),
            birth_month: s[4].clone(),
            birth_year: s[5].clone(),
            email: s[6].clone(),
            // An optional 9th column "noEmail": « Je n'ai pas d'adresse e-mail » ticked.
            no_email: s.get(8).is_some_and(|c| c == "noEmail"),
            phone: Some(s[7].clone()),
        };
        let answer = match parse_identity(&form, &n, today) {
            Ok(id) => json!({ "ok": {
                "lastName": id.last_name.as_str(),
                "firstName": id.first_name.as_str(),
                "birthDate": enrol_core::date::iso(id.birth_date.date()),
                "email": id.email.as_ref().map(|e| e.as_str()),
                "maskedEmail": id.email.as_ref().map(|e| e.masked()),
                "suggestion": id.email.as_ref().and_then(|e| e.suggestion()),
                "phone": id.phone.as_ref().map(|p| p.e164()),
                // What the kiosk shows back (step 3, review): the national form (issue 12).
                "phoneNational": id.phone.as_ref().map(|p| p.national()),
            }}),
            Err(list) => errors(&list),
        };
        let mut k = s.clone();
        k[0] = n.as_str().to_owned();
        identity.insert(key(&k), answer);
    }

    // [birthDate (ISO), kind, value, day, month, year]
    let mut verification = Map::new();
    for case in cases["verification"]
        .as_array()
        .expect("verification cases")
    {
        let s = strings(case);
        let birth_parts: Vec<&str> = s[0].split('-').collect();
        let [year, month, day] = birth_parts[..] else {
            panic!("birth date of a verification case: {}", s[0])
        };
        let birth = BirthDate::parse(DateParts { day, month, year }, today)
            .expect("a verification case starts with a valid birth date");
        let opt = |v: &String| Some(v.clone()).filter(|v| !v.is_empty());
        let form = VerificationForm {
            kind: s[1].clone(),
            value: opt(&s[2]),
            day: opt(&s[3]),
            month: opt(&s[4]),
            year: opt(&s[5]),
        };
        let answer = match parse_verification(&form, &birth, today) {
            Ok(item) => json!({ "ok": { "masked": item.masked() } }),
            Err(list) => errors(&list),
        };
        verification.insert(key(&s), answer);
    }

    let all: Vec<Department> = Department::all().collect();
    let mut department_answers = Map::new();
    let inputs = all
        .iter()
        .map(|d| d.code().to_owned())
        .chain(EXTRA_DEPARTMENT_INPUTS.iter().map(|s| (*s).to_owned()))
        .chain(strings(&cases["department"]));
    for input in inputs {
        let answer = match Department::parse(&input) {
            Ok(d) => json!({ "ok": department(d) }),
            Err(e) => errors(&[e]),
        };
        department_answers.insert(input, answer);
    }

    let mut cgu = Map::new();
    for lang in CGU_LANGUAGES {
        let text = read(&format!("src-tauri/cgu/{lang}.md"));
        let version = CguVersion::of(&text);
        cgu.insert(
            lang.to_owned(),
            json!({
                "version": version.as_str(),
                "language": lang,
                "text": text,
                "blocks": cgu_render::blocks(&text).into_iter().map(|b| {
                    let mut block = json!({ "tag": b.tag });
                    if !b.text.is_empty() { block["text"] = json!(b.text); }
                    if !b.items.is_empty() { block["items"] = json!(b.items); }
                    block
                }).collect::<Vec<_>>(),
            }),
        );
    }

    // The printable ASCII characters an address may hold, in its local part or its domain
    // (the on-screen keyboard must reach each one; non-ASCII is never accepted).
    let email_characters: String = (0x21u8..0x7f)
        .map(char::from)
        .filter(|c| {
            Email::parse(&format!("a{c}b@exemple.fr")).is_ok()
                || Email::parse(&format!("ab@a{c}b.fr")).is_ok()
        })
        .collect();

    let data = json!({
        "today": today_iso,
        "emailCharacters": email_characters,
        "errorCodes": ALL_CODES,
        "departments": all.into_iter().map(department).collect::<Vec<_>>(),
        "cgu": cgu,
        "answers": {
            "nir": nir,
            "identity": identity,
            "verification": verification,
            "department": department_answers,
        },
    });
    let body = serde_json::to_string_pretty(&data).expect("JSON");
    format!(
        "// Generated by crates/enrol-core/tests/ui_data.rs from enrol-core and {CASES}.\n\
         // Do not edit: add inputs to {CASES}, then run\n\
         // UPDATE_UI_DATA=1 cargo test -p enrol-core --test ui_data\n\
         export default Object.freeze({body});\n"
    )
}

#[test]
fn fake_backend_data_matches_enrol_core() {
    let rendered = render();
    let path = repo_root().join(GENERATED);
    if std::env::var_os("UPDATE_UI_DATA").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create tests/ui/generated");
        }
        std::fs::write(&path, &rendered).expect("write the generated module");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        let first_difference = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "a missing or extra line at the end".to_owned(),
                |i| format!("line {}", i + 1),
            );
        panic!(
            "{GENERATED} is out of date with enrol-core ({first_difference}): run \
             `UPDATE_UI_DATA=1 cargo test -p enrol-core --test ui_data` and commit it"
        );
    }
}
