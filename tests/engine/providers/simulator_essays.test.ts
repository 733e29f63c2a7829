/**
 * Essays from the offline model simulator, on a sample of topics (including ones phrased in the first
 * person): long, on topic, and free of the grammar slips a template can make.
 */
import assert from "node:assert/strict";
import { createSimulator } from "../../../src/engine/providers/simulator.ts";
import { collect, user } from "./helpers.ts";

const simulator = createSimulator({ tokensPerSecond: 0 });

const SAMPLE: Array<{ prompt: string; instructions?: string; topic: RegExp }> = [
  {
    prompt: "Go ahead, write the essay.",
    instructions: "Write a very long essay about the history of computing.",
    topic: /Babbage/,
  },
  { prompt: "Please write a long essay about urban beekeeping.", topic: /urban beekeeping/ },
  { prompt: "Write an essay about my childhood in Porto.", topic: /your childhood in Porto/ },
  { prompt: "Write an essay on why I love cats.", topic: /why you love cats/ },
  { prompt: "I'd like a lengthy essay about the French Revolution, please.", topic: /the French Revolution/ },
  { prompt: "Write an essay about the internet.", topic: /ARPANET.*World Wide Web/s },
];

Deno.test("simulator essays are long, on topic and grammatical", async () => {
  for (const { prompt, instructions, topic } of SAMPLE) {
    const { text } = await collect(
      simulator,
      [user(prompt)],
      instructions === undefined ? {} : { instructions },
    );
    const words = text.split(/\s+/).length;
    assert.ok(words >= 1500, `${prompt}: ${words} words`);
    assert.ok(text.startsWith("The "), prompt);
    assert.match(text, topic, prompt);
    assert.doesNotMatch(text, /\b(?:about|of|on|to) I\b/, prompt);
    assert.doesNotMatch(text, /\bmy\b/i, `${prompt}: the essay speaks to the user, not as them`);
    const doubled = /\b(\w+)\s+\1\b/i.exec(text);
    assert.equal(doubled, null, `${prompt}: doubled word "${doubled?.[0]}"`);
    const lowerStart = /[.!?]\s+([a-z]\w*)/.exec(text);
    assert.equal(lowerStart, null, `${prompt}: sentence starts in lower case: "${lowerStart?.[0]}"`);
    assert.doesNotMatch(text, /\{topic\}|undefined/, prompt);
  }
});
