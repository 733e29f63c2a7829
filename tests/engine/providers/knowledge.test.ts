import assert from "node:assert/strict";
import { KnowledgeIndex, searchTerms } from "../../../src/engine/tools/knowledge_index.ts";
import { knowledgeSearch } from "../../../src/engine/tools/knowledge_search.ts";
import { toolContext } from "./helpers.ts";

function sampleIndex(): KnowledgeIndex {
  let n = 0;
  const index = new KnowledgeIndex({ newId: () => `doc_${++n}` });
  index.add({
    title: "Refund policy",
    text: "Customers may return items within 30 days. Refunds are paid to the original card within 14 days " +
      "of receiving the return. Gift cards are not refundable.",
  });
  index.add({
    title: "Shipping",
    text: "Orders ship within two business days. Express shipping is available in most countries.",
  });
  index.add({
    title: "Company history",
    text: "The company was founded in 2009. It started as a small shop selling refurbished laptops.",
  });
  return index;
}

Deno.test("KnowledgeIndex.add() returns id, title and length", () => {
  const index = new KnowledgeIndex();
  const doc = index.add({ title: "Hello", text: "Hello world" });
  assert.match(doc.id, /^doc_[0-9a-f]{16}$/);
  assert.deepEqual({ title: doc.title, chars: doc.chars }, { title: "Hello", chars: 11 });
  assert.equal(index.size, 1);
  assert.deepEqual(index.list(), [doc]);
});

Deno.test("KnowledgeIndex.search() ranks by relevance and returns a snippet around the match", () => {
  const index = sampleIndex();
  const hits = index.search("how long do refunds take?", 5);
  assert.equal(hits[0]?.title, "Refund policy");
  assert.equal(hits[0]?.document_id, "doc_1");
  assert.match(hits[0]?.snippet ?? "", /Refunds are paid to the original card within 14 days/);
  assert.ok(hits.every((hit, i) => i === 0 || (hits[i - 1]?.score ?? 0) >= hit.score));
  assert.equal(index.search("express shipping", 5)[0]?.title, "Shipping");
  assert.deepEqual(index.search("quantum chromodynamics", 5), []);
  assert.deepEqual(index.search("the and of", 5), [], "stopwords alone match nothing");
  assert.equal(index.search("days", 1).length, 1, "limit is honoured");
});

Deno.test("KnowledgeIndex.remove() forgets a document", () => {
  const index = sampleIndex();
  assert.equal(index.remove("doc_1"), true);
  assert.equal(index.remove("doc_1"), false);
  assert.equal(index.search("refunds", 5).length, 0);
  assert.equal(index.size, 2);
});

Deno.test("KnowledgeIndex clips long passages around the first matching term", () => {
  const index = new KnowledgeIndex();
  const filler = "lorem ipsum dolor sit amet ".repeat(30);
  index.add({ title: "Long", text: `${filler}the warranty lasts five years ${filler}` });
  const [hit] = index.search("warranty", 1);
  assert.ok(hit);
  assert.ok(hit.snippet.length <= 245, `snippet is ${hit.snippet.length} chars`);
  assert.match(hit.snippet, /^….*warranty lasts five years.*…$/);
});

Deno.test("searchTerms() folds case and plurals and drops stopwords", () => {
  assert.deepEqual(searchTerms("The Policies of Refunds"), ["policy", "refund"]);
});

Deno.test("knowledge_search tool emits search_result and summarises titles and snippets", async () => {
  const index = sampleIndex();
  const context = toolContext();
  context.searchKnowledge = (query, limit) => index.search(query, limit);
  const text = await knowledgeSearch.run({ query: "refund", limit: 2 }, context);
  assert.match(text, /^Found 1 document for "refund":\n1\. Refund policy — /);
  assert.equal(context.emitted.length, 1);
  assert.equal(context.emitted[0]?.query, "refund");
  assert.equal(context.emitted[0]?.results[0]?.title, "Refund policy");
});

Deno.test("knowledge_search tool says when nothing matched and rejects bad arguments", async () => {
  const context = toolContext({ hits: [] });
  assert.equal(await knowledgeSearch.run({ query: "zebras" }, context), 'No documents matched "zebras".');
  assert.equal(context.emitted.length, 1, "an empty result is still emitted");
  await assert.rejects(knowledgeSearch.run({}, context), /non-empty string "query"/);
  await assert.rejects(knowledgeSearch.run({ query: "x", limit: 0 }, context), /"limit".*1 to 20/);
  const aborted = new AbortController();
  aborted.abort(new Error("cancelled"));
  await assert.rejects(
    knowledgeSearch.run({ query: "x" }, toolContext({ signal: aborted.signal })),
    /cancelled/,
  );
});
