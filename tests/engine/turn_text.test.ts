import assert from "node:assert/strict";
import { TurnText } from "../../src/engine/session/turn_text.ts";

Deno.test("TurnText keeps every delta in order across compactions and rounds", () => {
  const text = new TurnText("Paused: ");
  const expected: string[] = [];
  for (let i = 0; i < 200; i++) {
    text.push(`t${i} `);
    expected.push(`t${i} `);
  }
  assert.equal(text.round, expected.join(""));
  assert.equal(text.full, "Paused: " + expected.join(""));
  text.endRound();
  assert.equal(text.round, "");
  text.push("after tools");
  assert.equal(text.round, "after tools");
  assert.equal(text.full, "Paused: " + expected.join("") + "after tools");
});
