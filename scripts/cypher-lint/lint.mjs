// Lint .cypher files with Neo4j's own Cypher parser.
//
// Usage: node lint.mjs FILE.cypher [...]
// Prints {"<path>": [{message, severity, line, character}, ...], ...} as JSON.
// Severity is LSP's: 1 error, 2 warning, 3 information, 4 hint. Lines and characters
// are 0-based. Always exits 0: the caller (a Python test) decides what counts as a
// failure; a file that cannot be read is reported as an error diagnostic.
// "Parameter $x is not defined." is dropped: every query here is parameterised and
// the linter is given no parameters.
import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const UNDEFINED_PARAMETER = /^Parameter \$\w+ is not defined\.?$/;

const result = {};
for (const path of process.argv.slice(2)) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const message = `cannot read file: ${err.message}`;
    result[path] = [{ message, severity: 1, line: 0, character: 0 }];
    continue;
  }
  const { diagnostics } = lintCypherQuery(text, {});
  result[path] = diagnostics
    .filter((d) => !UNDEFINED_PARAMETER.test(d.message))
    .map((d) => ({
      message: d.message,
      severity: d.severity,
      line: d.range.start.line,
      character: d.range.start.character,
    }));
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
