// Parses Mermaid texts with Mermaid itself (what GitHub's renderer and mmdc run): a JSON list of
// texts on stdin, a JSON list of {"type"} or {"error"} on stdout. A separate process because
// Mermaid is an ES module that wants a DOM, which happy-dom stands in for.
import { Window } from 'happy-dom';

globalThis.window = new Window();
globalThis.document = globalThis.window.document;
const { default: mermaid } = await import('mermaid');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    results.push({ type: (await mermaid.parse(text)).diagramType });
  } catch (e) {
    results.push({ error: e.message.split('\n')[0] });
  }
}
process.stdout.write(JSON.stringify(results));
