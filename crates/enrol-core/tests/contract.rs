//! The codes and fields of docs/contracts.md « One error contract » are exactly those of
//! the crate: a change on one side without the other fails here.

use enrol_core::{Field, ALL_CODES};
use std::collections::BTreeSet;

fn contracts_md() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/contracts.md");
    std::fs::read_to_string(path).expect("docs/contracts.md")
}

/// The back-quoted words of the lines between `start` and the next `##`/`###` heading.
fn quoted_in_section(doc: &str, start: &str) -> BTreeSet<String> {
    let mut inside = false;
    let mut words = BTreeSet::new();
    for line in doc.lines() {
        if line.starts_with('#') {
            inside = line.trim() == start;
            continue;
        }
        if inside {
            for (i, part) in line.split('`').enumerate() {
                if i % 2 == 1 {
                    words.insert(part.to_owned());
                }
            }
        }
    }
    words
}

#[test]
fn codes_match_the_contract() {
    let documented = quoted_in_section(&contracts_md(), "### Codes");
    let ours: BTreeSet<String> = ALL_CODES.iter().map(|c| (*c).to_owned()).collect();
    assert_eq!(ours, documented);
}

#[test]
fn fields_match_the_contract() {
    let documented = quoted_in_section(&contracts_md(), "### Fields");
    let ours: BTreeSet<String> = Field::ALL.iter().map(|f| f.as_str().to_owned()).collect();
    assert_eq!(ours, documented);
}
