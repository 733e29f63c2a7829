import assert from "node:assert/strict";
import { ArithmeticError, evaluateArithmetic, formatNumber } from "../../../src/engine/tools/arithmetic.ts";
import { calculator } from "../../../src/engine/tools/calculator.ts";
import { toolContext } from "./helpers.ts";

Deno.test("evaluateArithmetic() follows precedence, associativity and unary minus", () => {
  const cases: Array<[string, number]> = [
    ["23 * 19", 437],
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 4 - 3", 3],
    ["2 ^ 3 ^ 2", 512],
    ["2 ** 10", 1024],
    ["-2 ^ 2", -4],
    ["2 ^ -1", 0.5],
    ["--3", 3],
    ["7 % 4", 3],
    ["1.5e3 / .5", 3000],
    ["12 × 3 ÷ 4", 9],
    ["sqrt(16) + abs(-2) + round(2.5)", 9],
    ["max(1, 5, 3) - min(4, 2)", 3],
    ["log(1000) + log(8, 2)", 6],
    ["2 * pi", 2 * Math.PI],
  ];
  for (const [expression, expected] of cases) {
    assert.ok(Math.abs(evaluateArithmetic(expression) - expected) < 1e-9, `${expression} = ${expected}`);
  }
});

Deno.test("evaluateArithmetic() names the position of syntax errors and division by zero", () => {
  const cases: Array<[string, RegExp, number]> = [
    ["7 / 0", /Division by zero at position 3/, 3],
    ["5 % (2 - 2)", /Modulo by zero at position 3/, 3],
    ["2 +", /ends too early.*position 4/, 4],
    ["(1 + 2", /Missing "\)" at position 7/, 7],
    ["2 $ 3", /Unexpected "\$".*position 3/, 3],
    ["foo(2)", /Unknown name "foo".*position 1/, 1],
    ["sqrt(1, 2)", /sqrt takes 1 argument, got 2/, 1],
    ["", /empty/, 1],
  ];
  for (const [expression, message, position] of cases) {
    assert.throws(() => evaluateArithmetic(expression), (error) => {
      assert.ok(error instanceof ArithmeticError, expression);
      assert.match(error.message, message);
      assert.equal(error.position, position, expression);
      return true;
    });
  }
  assert.throws(() => evaluateArithmetic("10 ^ 400"), /not a finite number/);
  assert.throws(() => evaluateArithmetic("-".repeat(300) + "1"), /nested too deeply/);
  assert.throws(() => evaluateArithmetic("(".repeat(300) + "1" + ")".repeat(300)), /nested too deeply/);
});

Deno.test("formatNumber() hides floating-point noise", () => {
  assert.equal(formatNumber(0.1 + 0.2), "0.3");
  assert.equal(formatNumber(437), "437");
  assert.equal(formatNumber(1 / 3), "0.333333333333");
});

Deno.test("calculator tool returns the value as text and rejects bad arguments clearly", async () => {
  const context = toolContext();
  assert.equal(await calculator.run({ expression: "23 * 19" }, context), "437");
  await assert.rejects(calculator.run({}, context), /needs a string "expression"/);
  await assert.rejects(calculator.run({ expression: "1 / 0" }, context), /Division by zero at position 3/);
});

Deno.test("calculator tool throws the abort reason when its signal is aborted", async () => {
  const controller = new AbortController();
  const reason = new Error("turn cancelled");
  controller.abort(reason);
  await assert.rejects(
    calculator.run({ expression: "1 + 1" }, toolContext({ signal: controller.signal })),
    (e) => e === reason,
  );
});
