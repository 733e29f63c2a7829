/**
 * Documents the embedded engine loads so `knowledge_search` tools have something to find: the engine's
 * sample documents, which the standalone `deno task engine` loads too.
 */
import { SAMPLE_KNOWLEDGE_DOCUMENTS } from "../../src/engine/tools/sample_knowledge.ts";

/** The sample documents, as `startEngine({ knowledgeDocuments })` takes them. */
export const knowledgeDocuments: { title: string; text: string }[] = SAMPLE_KNOWLEDGE_DOCUMENTS.map((
  doc,
) => ({
  ...doc,
}));
