import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);

async function copyTree(from: URL, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = new URL(entry.name + (entry.isDirectory ? "/" : ""), from);
    if (entry.isDirectory) await copyTree(source, `${to}/${entry.name}`);
    else await Deno.copyFile(source, `${to}/${entry.name}`);
  }
}

/** A scratch copy of what the generator reads and writes, so the test never touches the checkout. */
async function scratchProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "vs-generate-" });
  for (const name of ["deno.json", "deno.lock"]) await Deno.copyFile(new URL(name, root), `${dir}/${name}`);
  for (const name of ["schema", "scripts", "src/generated"]) {
    await copyTree(new URL(`${name}/`, root), `${dir}/${name}`);
  }
  return dir;
}

async function runCheck(dir: string): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-run",
      "scripts/generate.ts",
      "--check",
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

Deno.test("the generate check passes on committed output and names the stale files after a schema edit", async () => {
  const dir = await scratchProject();
  try {
    const clean = await runCheck(dir);
    assert.equal(clean.code, 0, clean.output);

    const schemaPath = `${dir}/schema/protocol.schema.json`;
    const schema = await Deno.readTextFile(schemaPath);
    const edited = schema.replace("One-line reasoning summary.", "A one-line summary of the reasoning.");
    assert.notEqual(edited, schema, "the test's anchor description is missing from the schema");
    await Deno.writeTextFile(schemaPath, edited);

    const stale = await runCheck(dir);
    assert.equal(stale.code, 1, stale.output);
    assert.match(stale.output, /src\/generated\/protocol\.ts/);
    assert.match(stale.output, /schema\/asyncapi\.json/, "the AsyncAPI document is covered by the check");
    assert.match(stale.output, /deno task generate/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
