//! enrol-core's modules import one another in one direction only (issue 11: « enrol-core
//! without circles »): field/error → leaf types (nir, name, email, phone, department, terms)
//! → date → verification → rules → wire → identity/steps/enrolment.
//!
//! Reads `src/*.rs` as text, takes every `crate::…` path of the code before its
//! `#[cfg(test)]` module (tests may use anything; comments are skipped), resolves names
//! re-exported by `lib.rs` to their module, and fails on a cycle, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module declared by `pub mod NAME;` lines, and the module each re-exported name
/// (`pub use module::{A, B};`) comes from.
fn modules_and_reexports(lib: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut modules = BTreeSet::new();
    let mut names = BTreeMap::new();
    let code = code_only(lib);
    for line in code.lines() {
        if let Some(name) = line
            .trim()
            .strip_prefix("pub mod ")
            .and_then(|r| r.strip_suffix(';'))
        {
            modules.insert(name.trim().to_owned());
        }
    }
    // `pub use` statements may span lines: split the code on ';'.
    for statement in code.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let (module, rest) = path.split_once("::").expect("pub use module::…");
        let rest = rest.trim().trim_start_matches('{').trim_end_matches('}');
        for item in rest.split(',') {
            let name = item.trim().rsplit("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                names.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    (modules, names)
}

/// The text before the test module, without `//` comments (doc links are not imports).
fn code_only(source: &str) -> String {
    let before_tests = source.split("#[cfg(test)]").next().unwrap_or("");
    before_tests
        .lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first path segment of each item of a `crate::{…}` group (nested braces kept whole).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    heads.push(current);
    heads
        .into_iter()
        .map(|item| item.split("::").next().unwrap_or("").trim().to_owned())
        .filter(|head| !head.is_empty())
        .collect()
}

/// The modules `code` refers to through `crate::`.
fn references(
    code: &str,
    modules: &BTreeSet<String>,
    names: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let resolve = |head: &str| -> Option<String> {
        if modules.contains(head) {
            Some(head.to_owned())
        } else {
            names.get(head).cloned()
        }
    };
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let heads = if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(j, _)| j);
            group_heads(&group[..end])
        } else {
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            vec![head]
        };
        found.extend(heads.iter().filter_map(|h| resolve(h)));
    }
    found
}

/// One cycle of `graph`, as the list of modules around it, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Open);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

fn import_graph(src: &Path) -> Graph {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let (modules, names) = modules_and_reexports(&lib);
    assert!(modules.len() >= 10, "modules found in lib.rs: {modules:?}");
    modules
        .iter()
        .map(|module| {
            let file = src.join(format!("{module}.rs"));
            let source = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let mut uses = references(&code_only(&source), &modules, &names);
            uses.remove(module);
            (module.clone(), uses)
        })
        .collect()
}

#[test]
fn enrol_core_modules_have_no_import_circle() {
    let graph = import_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import circle between enrol-core's modules: {}\nwhole graph: {graph:#?}",
            cycle.join(" → ")
        );
    }
    // The edges the layering is about are seen at all (the parser is not blind).
    assert!(graph["enrolment"].contains("rules"), "{graph:#?}");
    assert!(graph["rules"].contains("date"), "{graph:#?}");
    assert!(graph["wire"].contains("verification"), "{graph:#?}");
}

#[test]
fn the_checker_finds_cycles_and_resolves_reexports() {
    let modules: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    let names: BTreeMap<String, String> = [("Thing".to_owned(), "c".to_owned())].into();
    let code = "use crate::a::X;\nuse crate::{b::{Y, Z}, Thing};\nfn f() { crate::a::g() }";
    assert_eq!(
        references(code, &modules, &names),
        ["a", "b", "c"].map(String::from).into()
    );
    assert!(references("// use crate::a::X;", &modules, &names).len() == 1);
    assert!(references(&code_only("// use crate::a::X;"), &modules, &names).is_empty());

    let edge = |from: &str, to: &[&str]| {
        (
            from.to_owned(),
            to.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>(),
        )
    };
    let acyclic: Graph = [edge("a", &["b", "c"]), edge("b", &["c"]), edge("c", &[])].into();
    assert_eq!(find_cycle(&acyclic), None);
    let circle: Graph = [edge("a", &["b"]), edge("b", &["c"]), edge("c", &["a"])].into();
    assert_eq!(
        find_cycle(&circle),
        Some(["a", "b", "c", "a"].map(String::from).to_vec())
    );
}
