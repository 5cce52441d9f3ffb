//! `recoup lsp`: a language server over stdio, so that an editor underlines
//! mistakes as a coach types, shows a fact's doc and unit on hover, and
//! completes what may come next.
//!
//! It reuses the parser, checker and formatter as they are: every answer is
//! read from the same syntax tree and diagnostics that `recoup lint` and
//! `recoup fmt` use.
//!
//! - [`workspace`]: open documents, the files loaded with each, diagnostics.
//! - [`index`]: names declared and written in a file, and what they mean.
//! - [`features`]: hover, definition, references, code actions, formatting.
//! - [`completion`]: what may come next at the cursor.
//! - [`position`]: byte offsets to LSP positions, paths to URIs.
//!
//! DECISION: the shipped protocols live inside the binary. To let an editor
//! open them (go to definition of `since_session` lands in the prelude),
//! the server writes them once to a read-only folder under the system's
//! temporary directory, named for the version and a hash of their text, and
//! points there with ordinary `file:` URIs. Any editor opens those; a custom
//! URI scheme would need code in every editor's plugin.

pub mod completion;
pub mod features;
pub mod index;
pub mod position;
pub mod workspace;

use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, Formatting, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, CompletionResponse,
    GotoDefinitionResponse, HoverProviderCapability, OneOf, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};

pub use workspace::Workspace;

use crate::diagnostic::Diagnostic;
use crate::engine;

/// Serve one editor over stdin and stdout until it says `exit`.
///
/// Runs on a thread with a large stack, as `engine::compile` does: parsing
/// recurses once per nesting level.
pub fn run() -> Result<(), Diagnostic> {
    let failed = |e: String| {
        Diagnostic::error("recoup::io", format!("the language server stopped: {e}"))
            .help("the editor closed the connection or sent something that is not LSP")
    };
    let (connection, io_threads) = Connection::stdio();
    let served = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || serve(&connection).map_err(|e| e.to_string()))
        .map_err(|e| failed(e.to_string()))?
        .join()
        .map_err(|_| {
            Diagnostic::error("recoup::internal", "the language server stopped unexpectedly")
                .help("this is a bug in recoup; please report it with the rule files")
        })?;
    served.map_err(failed)?;
    io_threads.join().map_err(|e| failed(e.to_string()))
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into(), "[".into()]),
            ..Default::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn serve(connection: &Connection) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let init = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo { name: "recoup".into(), version: Some(env!("CARGO_PKG_VERSION").into()) },
    });
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(id, init)?;
    let shipped = write_shipped();
    let mut ws = Workspace::new(shipped.as_deref());
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                connection.sender.send(Message::Response(answer(&ws, request)))?;
            }
            Message::Notification(notification) => {
                for params in notice(&mut ws, notification) {
                    let n = Notification::new(PublishDiagnostics::METHOD.into(), params);
                    connection.sender.send(Message::Notification(n))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn respond<R: lsp_types::request::Request>(request: Request, f: impl FnOnce(R::Params) -> R::Result) -> Response {
    match serde_json::from_value::<R::Params>(request.params) {
        Ok(params) => Response::new_ok(request.id, f(params)),
        Err(e) => Response::new_err(request.id, ErrorCode::InvalidParams as i32, e.to_string()),
    }
}

/// The answer to one request.
pub fn answer(ws: &Workspace, request: Request) -> Response {
    match request.method.as_str() {
        HoverRequest::METHOD => respond::<HoverRequest>(request, |p| {
            let at = p.text_document_position_params;
            features::hover(ws, &at.text_document.uri, at.position)
        }),
        GotoDefinition::METHOD => respond::<GotoDefinition>(request, |p| {
            let at = p.text_document_position_params;
            features::definition(ws, &at.text_document.uri, at.position).map(GotoDefinitionResponse::Scalar)
        }),
        References::METHOD => respond::<References>(request, |p| {
            let at = p.text_document_position;
            Some(features::references(ws, &at.text_document.uri, at.position, p.context.include_declaration))
        }),
        Completion::METHOD => respond::<Completion>(request, |p| {
            let at = p.text_document_position;
            Some(CompletionResponse::Array(completion::complete(ws, &at.text_document.uri, at.position)))
        }),
        Formatting::METHOD => respond::<Formatting>(request, |p| features::format_document(ws, &p.text_document.uri)),
        CodeActionRequest::METHOD => {
            respond::<CodeActionRequest>(request, |p| Some(features::code_actions(ws, &p.text_document.uri, p.range)))
        }
        other => {
            let message = format!("recoup lsp does not answer `{other}`");
            Response::new_err(request.id, ErrorCode::MethodNotFound as i32, message)
        }
    }
}

fn params<N: lsp_types::notification::Notification>(n: Notification) -> Option<N::Params> {
    serde_json::from_value(n.params).ok()
}

/// Act on one notification; what comes back is the diagnostics to publish.
pub fn notice(ws: &mut Workspace, n: Notification) -> Vec<PublishDiagnosticsParams> {
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => match params::<DidOpenTextDocument>(n) {
            Some(p) => ws.open(&p.text_document.uri, &p.text_document.text),
            None => Vec::new(),
        },
        // Full sync: the last change holds the whole text.
        DidChangeTextDocument::METHOD => match params::<DidChangeTextDocument>(n) {
            Some(p) => match p.content_changes.last() {
                Some(change) => ws.change(&p.text_document.uri, &change.text),
                None => Vec::new(),
            },
            None => Vec::new(),
        },
        DidSaveTextDocument::METHOD => match params::<DidSaveTextDocument>(n) {
            Some(p) => ws.saved(&p.text_document.uri),
            None => Vec::new(),
        },
        DidCloseTextDocument::METHOD => match params::<DidCloseTextDocument>(n) {
            Some(p) => ws.close(&p.text_document.uri),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Write the shipped rule files to a read-only folder an editor can open,
/// once per version and text; `None` if that cannot be done here (the
/// server works on, without locations in the shipped files).
pub fn write_shipped() -> Option<PathBuf> {
    // FNV-1a over names and texts: a changed shipped file gets a new folder,
    // so an old server's copy is never taken for the new one's.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, text) in engine::shipped() {
        for b in name.bytes().chain(text.bytes()) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let dir = std::env::temp_dir().join(format!("recoup-{}-shipped-{hash:016x}", env!("CARGO_PKG_VERSION")));
    std::fs::create_dir_all(&dir).ok()?;
    for (name, text) in engine::shipped() {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|t| t == *text) {
            continue;
        }
        write_read_only(&path, text)?;
    }
    Some(dir)
}

fn write_read_only(path: &Path, text: &str) -> Option<()> {
    crate::format::write_atomically(path, text).ok()?;
    let mut permissions = std::fs::metadata(path).ok()?.permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(path, permissions).ok()
}

#[cfg(test)]
mod tests;
