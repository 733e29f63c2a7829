/**
 * `deno task example [name]`: runs one of the documented examples.
 *
 * The examples are not built yet (issue: "Every documented example as runnable TypeScript").
 */
console.error(
  "deno task example: the examples are not built yet. Until they land, run `deno task test` " +
    "to exercise the SDK and engine.",
);
Deno.exit(1);
