// Starts `recoup lsp` for .rules files; everything else (diagnostics, hover,
// completion, definitions, formatting, quick fixes) comes from the server.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate() {
  const command = vscode.workspace.getConfiguration('recoup').get('path') || 'recoup';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient(
    'recoup',
    'recoup',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'recoup' }] },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
