//! Every feature at every position of every shipped file, whole and cut
//! short as if being typed: answers, and never a panic.

use std::str::FromStr;

use lsp_types::{Position, Uri};

use super::{completion, features, Workspace};
use crate::engine;

fn positions(text: &str, step: usize) -> Vec<Position> {
    let mut out = Vec::new();
    for (line, content) in text.split('\n').enumerate() {
        let units = content.encode_utf16().count();
        for character in (0..=units + 1).step_by(step) {
            out.push(Position::new(u32::try_from(line).unwrap_or(0), u32::try_from(character).unwrap_or(0)));
        }
    }
    out
}

#[test]
fn every_position_of_the_shipped_files_gets_an_answer() {
    let mut ws = Workspace::new(None);
    let mut hovers = 0;
    let mut definitions = 0;
    for (name, text) in engine::shipped() {
        let uri = Uri::from_str(&format!("untitled:{name}")).unwrap_or_else(|_| panic!("uri for {name}"));
        let published = ws.open(&uri, text);
        assert!(published.iter().all(|p| p.diagnostics.is_empty()), "{name}: {published:?}");
        for (i, at) in positions(text, 5).into_iter().enumerate() {
            hovers += usize::from(features::hover(&ws, &uri, at).is_some());
            definitions += usize::from(features::definition(&ws, &uri, at).is_some());
            let _ = completion::complete(&ws, &uri, at);
            if i % 10 == 0 {
                let _ = features::references(&ws, &uri, at, true);
            }
        }
        // Cut short anywhere, as while typing: diagnostics, not panics.
        for cut in (0..text.len()).step_by(1499).filter(|&c| text.is_char_boundary(c)) {
            let partial = text.get(..cut).unwrap_or("");
            ws.change(&uri, partial);
            let _ = features::hover(&ws, &uri, Position::new(u32::MAX, 0));
            let _ =
                completion::complete(&ws, &uri, Position::new(u32::try_from(partial.lines().count()).unwrap_or(0), 0));
            let _ = features::code_actions(&ws, &uri, lsp_types::Range::default());
            let _ = features::format_document(&ws, &uri);
        }
        ws.close(&uri);
    }
    assert!(hovers > 500, "{hovers} hovers");
    assert!(definitions > 300, "{definitions} definitions");
}
