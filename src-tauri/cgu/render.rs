//! The terms' Markdown (`cgu/fr.md`, `cgu/en.md`) turned into a few plain blocks at BUILD time:
//! headings, paragraphs and lists, each holding text only (CommonMark via `pulldown-cmark`).
//!
//! Shared by `src-tauri/build.rs` (which writes them into the app) and enrol-core's `ui_data`
//! test (which gives the same blocks to the UI tests' fake backend). The output is an allow
//! list, not sanitised HTML: only the tags below exist, inline markup becomes its text, raw
//! HTML and images are dropped. The UI builds the elements itself with `textContent`, so
//! nothing in a terms file can become markup or script.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// One block of the terms. `tag` is one of `h4`, `h5`, `h6`, `p`, `ul`, `ol`; `text` is
/// empty for a list, `items` empty for anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub tag: &'static str,
    pub text: String,
    pub items: Vec<String>,
}

/// The review screen puts the full text under an `h3` (« Texte complet… »): Markdown `#` becomes
/// `h4`, `##` `h5`, deeper `h6`, so the heading levels go down one at a time (WCAG 1.3.1).
fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h4",
        HeadingLevel::H2 => "h5",
        _ => "h6",
    }
}

/// Markdown → blocks. Never fails: anything not in the allow list is reduced to its text or
/// dropped. A nested list's items join the outer list (the terms have none; nothing is lost).
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut list: Option<Block> = None;
    let mut depth = 0usize;
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Start(Tag::List(first)) => {
                depth += 1;
                if list.is_none() {
                    let tag = if first.is_some() { "ol" } else { "ul" };
                    list = Some(Block {
                        tag,
                        text: String::new(),
                        items: Vec::new(),
                    });
                }
            }
            Event::End(TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.extend(list.take());
                }
            }
            Event::Start(Tag::Item) => flush_item(&mut list, &mut text),
            Event::End(TagEnd::Item) => flush_item(&mut list, &mut text),
            Event::End(TagEnd::Heading(level)) => push(&mut out, heading_tag(level), &mut text),
            Event::End(TagEnd::Paragraph) if list.is_none() => push(&mut out, "p", &mut text),
            Event::End(TagEnd::Paragraph) => text.push(' '),
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            // Raw HTML, images, rules, footnotes…: not shown.
            _ => {}
        }
    }
    out
}

fn tidy(text: &mut String) -> String {
    let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.clear();
    tidy
}

fn flush_item(list: &mut Option<Block>, text: &mut String) {
    let item = tidy(text);
    if let (Some(list), false) = (list.as_mut(), item.is_empty()) {
        list.items.push(item);
    }
}

fn push(out: &mut Vec<Block>, tag: &'static str, text: &mut String) {
    let text = tidy(text);
    if !text.is_empty() {
        out.push(Block {
            tag,
            text,
            items: Vec::new(),
        });
    }
}
