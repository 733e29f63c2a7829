/**
 * A small recursive-descent evaluator for arithmetic expressions, so the calculator tool never needs
 * `eval` or `Function`. Supports `+ - * / % ^` (also `**`, `×`, `÷`), parentheses, unary minus,
 * decimals and exponents (`1.5e3`), the constants `pi` and `e`, and the functions `sqrt abs round
 * floor ceil ln log exp sin cos tan min max pow`.
 *
 * @module
 */

const FUNCTIONS: Readonly<Record<string, { arity: [number, number]; fn: (...args: number[]) => number }>> = {
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  abs: { arity: [1, 1], fn: Math.abs },
  round: { arity: [1, 1], fn: Math.round },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  ln: { arity: [1, 1], fn: Math.log },
  log: { arity: [1, 2], fn: (x, base) => base === undefined ? Math.log10(x) : Math.log(x) / Math.log(base) },
  exp: { arity: [1, 1], fn: Math.exp },
  sin: { arity: [1, 1], fn: Math.sin },
  cos: { arity: [1, 1], fn: Math.cos },
  tan: { arity: [1, 1], fn: Math.tan },
  min: { arity: [1, 64], fn: Math.min },
  max: { arity: [1, 64], fn: Math.max },
  pow: { arity: [2, 2], fn: Math.pow },
};
const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

/** Longest accepted expression; keeps a hostile input from costing real time. */
const MAX_LENGTH = 1000;
/** Deepest accepted nesting; keeps recursion far from the stack limit. */
const MAX_DEPTH = 100;

/** An expression that could not be evaluated; the message names the position (1-based). */
export class ArithmeticError extends Error {
  /** Character position (1-based) where the problem is. */
  readonly position: number;
  /**
   * Creates the error.
   *
   * @param message What was wrong, naming the position.
   * @param position Character position (1-based).
   */
  constructor(message: string, position: number) {
    super(message);
    this.name = "ArithmeticError";
    this.position = position;
  }
}

class Parser {
  #text: string;
  #pos = 0;
  #depth = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): number {
    const value = this.#expression();
    this.#skipSpace();
    if (this.#pos < this.#text.length) {
      this.#fail(`Unexpected "${this.#text[this.#pos]}"; expected an operator`);
    }
    return value;
  }

  #fail(message: string, at = this.#pos): never {
    throw new ArithmeticError(`${message} at position ${at + 1} of "${this.#text}".`, at + 1);
  }

  #skipSpace(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos] ?? "")) this.#pos++;
  }

  /** Consumes one of the given operators (longest first) and returns it. */
  #take(...ops: string[]): string | undefined {
    this.#skipSpace();
    for (const op of ops) {
      if (this.#text.startsWith(op, this.#pos)) {
        this.#pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  #expression(): number {
    if (++this.#depth > MAX_DEPTH) this.#fail("The expression is nested too deeply");
    let value = this.#term();
    for (let op = this.#take("+", "-"); op !== undefined; op = this.#take("+", "-")) {
      const right = this.#term();
      value = op === "+" ? value + right : value - right;
    }
    this.#depth--;
    return value;
  }

  #term(): number {
    let value = this.#unary();
    while (true) {
      this.#skipSpace();
      // "**" is a power, not a multiplication followed by something odd.
      if (this.#text.startsWith("**", this.#pos)) return value;
      const at = this.#pos;
      const op = this.#take("*", "×", "/", "÷", "%");
      if (op === undefined) return value;
      const right = this.#unary();
      if (op === "*" || op === "×") value *= right;
      else if (right === 0) this.#fail(op === "%" ? "Modulo by zero" : "Division by zero", at);
      else value = op === "%" ? value % right : value / right;
    }
  }

  #unary(): number {
    const op = this.#take("-", "+", "−");
    if (op === undefined) return this.#power();
    if (++this.#depth > MAX_DEPTH) this.#fail("The expression is nested too deeply");
    const value = this.#unary();
    this.#depth--;
    return op === "+" ? value : -value;
  }

  #power(): number {
    const base = this.#primary();
    if (this.#take("^", "**") === undefined) return base;
    // Right-associative, and binds tighter than unary minus on its left: -2^2 = -4, 2^-1 = 0.5.
    return base ** this.#unary();
  }

  #primary(): number {
    this.#skipSpace();
    const start = this.#pos;
    const number = this.#text.slice(start).match(/^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/);
    if (number) {
      this.#pos += number[0].length;
      return Number(number[0]);
    }
    if (this.#take("(") !== undefined) {
      const value = this.#expression();
      if (this.#take(")") === undefined) this.#fail('Missing ")"');
      return value;
    }
    const name = this.#text.slice(start).match(/^[a-zA-Z_]\w*/)?.[0];
    if (name === undefined) {
      if (start >= this.#text.length) this.#fail("The expression ends too early; expected a number");
      this.#fail(`Unexpected "${this.#text[start]}"; expected a number, "(" or a function`);
    }
    this.#pos += name.length;
    const lower = name.toLowerCase();
    const constant = CONSTANTS[lower];
    if (constant !== undefined) return constant;
    const fn = FUNCTIONS[lower];
    if (fn === undefined) {
      const known = [...Object.keys(FUNCTIONS), ...Object.keys(CONSTANTS)].join(", ");
      this.#fail(`Unknown name "${name}" (known: ${known})`, start);
    }
    if (this.#take("(") === undefined) this.#fail(`Expected "(" after ${name}`);
    const args = [this.#expression()];
    while (this.#take(",") !== undefined) args.push(this.#expression());
    if (this.#take(")") === undefined) this.#fail(`Missing ")" after the arguments of ${name}`);
    const [least, most] = fn.arity;
    if (args.length < least || args.length > most) {
      const want = least === most ? `${least}` : `${least} to ${most}`;
      this.#fail(`${name} takes ${want} argument${most === 1 ? "" : "s"}, got ${args.length}`, start);
    }
    return fn.fn(...args);
  }
}

/**
 * Evaluates an arithmetic expression.
 *
 * @param expression Such as `"23 * 19"` or `"(1 + 2) ^ 3 / sqrt(9)"`.
 * @returns The value.
 * @throws {ArithmeticError} On bad syntax, division by zero, unknown names or a non-finite result;
 * the message names the position.
 * @example Evaluate
 * ```ts
 * import { evaluateArithmetic } from "./arithmetic.ts";
 * console.log(evaluateArithmetic("23 * 19")); // 437
 * ```
 */
export function evaluateArithmetic(expression: string): number {
  if (expression.trim() === "") {
    throw new ArithmeticError('The expression is empty; pass something like "2 + 2".', 1);
  }
  if (expression.length > MAX_LENGTH) {
    throw new ArithmeticError(`The expression is longer than ${MAX_LENGTH} characters.`, MAX_LENGTH + 1);
  }
  const value = new Parser(expression).parse();
  if (!Number.isFinite(value)) {
    throw new ArithmeticError(`The result of "${expression}" is not a finite number (${value}).`, 1);
  }
  return value;
}

/** Formats a result without floating-point noise (0.1 + 0.2 → "0.3"). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER) return String(value);
  return String(Number(value.toPrecision(12)));
}
