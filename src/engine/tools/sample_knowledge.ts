/**
 * The sample knowledge documents: what the examples' `knowledge_search` tools search (Apollo missions,
 * a refund policy). The examples' embedded engine and the standalone `deno task engine` both load
 * them, so an example gives the same answer against either; organisations add their own documents
 * with `POST /v1/knowledge/documents`.
 *
 * @module
 */
import type { KnowledgeDocumentInput } from "../options.ts";

/** The sample documents, in the order they are loaded. */
export const SAMPLE_KNOWLEDGE_DOCUMENTS: readonly KnowledgeDocumentInput[] = [
  {
    title: "Apollo 11 mission summary",
    text: "Apollo 11 launched on 16 July 1969. Neil Armstrong and Buzz Aldrin landed the lunar module " +
      "Eagle in the Sea of Tranquility on 20 July 1969, while Michael Collins orbited in Columbia. " +
      "The crew returned to Earth on 24 July 1969 with 21.5 kg of lunar samples.",
  },
  {
    title: "Apollo 17 mission summary",
    text: "Apollo 17, launched in December 1972, was the last crewed Moon landing. Eugene Cernan and " +
      "Harrison Schmitt explored the Taurus-Littrow valley for three days using the lunar rover.",
  },
  {
    title: "Refund policy",
    text: "Customers can request a refund within 30 days of purchase. Refunds are issued to the " +
      "original payment method within 5 business days once the return is received.",
  },
];
