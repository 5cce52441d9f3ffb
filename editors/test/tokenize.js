// Tokenizes every shipped protocol with editors/recoup.tmLanguage.json (the
// same TextMate engine VS Code uses) and checks, character by character,
// that comments, strings, interpolations, keywords, numbers and units get
// their scopes. What is expected is found from the text itself by a small
// scanner here, not from the grammar, so the two check each other.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..', '..');
const grammarPath = path.join(root, 'editors', 'recoup.tmLanguage.json');
const protocols = path.join(root, 'protocols');

const CLAUSES = ['source', 'when', 'unless', 'advise', 'because', 'priority', 'timing', 'category', 'for', 'against', 'suppresses'];
const DECLARATIONS = ['facts', 'enum', 'define', 'protocol', 'rule'];
const OPERATOR_WORDS = ['and', 'or', 'not', 'in', 'between', 'is', 'contains'];
const CONSTANTS = ['known', 'missing', 'never', 'true', 'false'];
const UNITS = ['s', 'min', 'h', 'd', 'w', 'm', 'km', 'mi', 'kg', 'g', 'mg', 'lb', 'L', 'ml', 'mL', 'bpm', 'ms', 'C', 'F', '°C', '°F', '%'];

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.recoup' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  return registry.loadGrammar('source.recoup');
}

// What each character of a line is, read from the text: 'code', 'comment',
// 'string', 'hole' (inside `{...}` in a string), 'brace' (the `{` opening a
// hole), 'holestring' (text in double quotes inside a hole). Strings here
// never span lines.
function classify(line) {
  const kinds = [];
  let inString = false;
  let inHoleString = false;
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (!inString && depth === 0) {
      if (c === '#') {
        for (let j = i; j < line.length; j++) kinds.push('comment');
        return kinds;
      }
      if (c === '"') inString = true;
      kinds.push(c === '"' ? 'string' : 'code');
    } else if (depth > 0 && inHoleString) {
      // Text inside a hole (`{if x then "words" else "other"}`) is a string
      // again, not code: its words are not keywords.
      if (c === '\\') {
        kinds.push('holestring', 'holestring');
        i++;
        continue;
      }
      if (c === '"') inHoleString = false;
      kinds.push('holestring');
    } else if (depth > 0) {
      if (c === '"') inHoleString = true;
      if (c === '}') depth--;
      kinds.push(c === '}' ? 'brace' : c === '"' ? 'holestring' : 'hole');
    } else if (c === '\\') {
      kinds.push('string', 'string');
      i++;
    } else if (c === '{') {
      depth = 1;
      kinds.push('brace');
    } else {
      if (c === '"') inString = false;
      kinds.push('string');
    }
  }
  return kinds;
}

let passed = 0;
let failed = 0;
const failures = [];
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    if (failures.length < 40) failures.push(what);
  }
}

function has(scopes, name) {
  return scopes.some((s) => s === name || s.startsWith(name + '.'));
}

async function main() {
  const grammar = await loadGrammar();
  const files = fs.readdirSync(protocols).filter((f) => f.endsWith('.rules')).sort();
  check(files.length > 0, 'shipped protocols found');
  const seen = { clause: 0, declaration: 0, operator: 0, constant: 0, quantity: 0, number: 0, comment: 0, string: 0, hole: 0 };
  for (const file of files) {
    const lines = fs.readFileSync(path.join(protocols, file), 'utf8').split('\n');
    let stack = vsctm.INITIAL;
    lines.forEach((line, n) => {
      const where = `${file}:${n + 1}`;
      const result = grammar.tokenizeLine(line, stack);
      check(!result.stoppedEarly, `${where}: tokenizing stopped early`);
      stack = result.ruleStack;
      const at = [];
      for (const t of result.tokens) for (let i = t.startIndex; i < t.endIndex; i++) at[i] = t.scopes;
      const kinds = classify(line);

      // Comments, strings, interpolations: character by character.
      for (let i = 0; i < line.length; i++) {
        const scopes = at[i] || [];
        const kind = kinds[i];
        if (kind === 'comment') {
          seen.comment++;
          check(has(scopes, 'comment.line.number-sign.recoup'), `${where}:${i + 1}: comment`);
        } else if (kind === 'string') {
          seen.string++;
          check(has(scopes, 'string.quoted.double.recoup'), `${where}:${i + 1}: string`);
        } else if (kind === 'holestring') {
          seen.string++;
          check(has(scopes, 'string.quoted.double.recoup'), `${where}:${i + 1}: text inside a hole`);
          check(has(scopes, 'meta.interpolation.recoup'), `${where}:${i + 1}: text inside a hole is inside it`);
        } else if (kind === 'brace' && line[i] === '{') {
          check(has(scopes, 'punctuation.section.interpolation.begin.recoup'), `${where}:${i + 1}: hole opens`);
        } else if (kind === 'hole') {
          seen.hole++;
          check(has(scopes, 'meta.interpolation.recoup'), `${where}:${i + 1}: inside a hole`);
          check(!has(scopes, 'comment'), `${where}:${i + 1}: a hole is not a comment`);
        }
      }

      // Words and numbers in code and in holes.
      const code = (i) => kinds[i] === 'code' || kinds[i] === 'hole';
      const word = /[A-Za-z_][\w.]*/g;
      let m;
      while ((m = word.exec(line))) {
        const i = m.index;
        if (!code(i) || (i > 0 && /[\d°]/.test(line[i - 1]))) continue;
        const scopes = at[i] || [];
        const w = m[0];
        const want = (kind, scope) => {
          seen[kind]++;
          check(has(scopes, scope), `${where}:${i + 1}: \`${w}\` should be ${scope}, is ${scopes.join(' ')}`);
        };
        if (DECLARATIONS.includes(w) && !(w === 'enum' && line[i + w.length] === '(')) want('declaration', 'storage.type');
        else if (CLAUSES.includes(w)) want('clause', 'keyword.other.clause.recoup');
        else if (OPERATOR_WORDS.includes(w)) want('operator', 'keyword.operator.word.recoup');
        else if (CONSTANTS.includes(w)) want('constant', 'constant.language.recoup');
      }
      const quantity = /(?<![\w.:])(\d+(?:\.\d+)?)( ?)(°?[A-Za-z]+|%)(?![\w])/g;
      while ((m = quantity.exec(line))) {
        const i = m.index;
        if (!code(i)) continue;
        const unitAt = i + m[1].length + m[2].length;
        const unit = m[3];
        if (!UNITS.includes(unit)) continue;
        seen.quantity++;
        check(has(at[i] || [], 'constant.numeric.recoup'), `${where}:${i + 1}: the number of \`${m[0]}\``);
        check(has(at[unitAt] || [], 'keyword.other.unit.recoup'), `${where}:${unitAt + 1}: the unit of \`${m[0]}\``);
      }
      const bare = /(?<![\w.:])(\d+(?:\.\d+)?)(?![\w.%:°]| ?°?[A-Za-z%])/g;
      while ((m = bare.exec(line))) {
        if (!code(m.index)) continue;
        seen.number++;
        check(has(at[m.index] || [], 'constant.numeric.recoup'), `${where}:${m.index + 1}: number \`${m[0]}\``);
      }
    });
  }
  // Each kind of token occurs in the shipped protocols, so none of the
  // checks above passed by finding nothing to check.
  for (const [kind, count] of Object.entries(seen)) check(count > 0, `no ${kind} found in the shipped protocols`);

  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`checked ${files.length} files: ${JSON.stringify(seen)}`);
  console.log(`grammar: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
