/**
 * Unit conversions for the offline model simulator ("how many feet are in a mile?", "convert 5 km to
 * miles", "what is 30 °C in Fahrenheit?"): a small table of units with their factor to one base unit
 * per dimension, so every answer is computed, never looked up.
 *
 * @module
 */
interface Unit {
  /** Singular and plural display names. */
  one: string;
  many: string;
  dimension: "length" | "mass" | "volume" | "time" | "temperature" | "speed" | "data";
  /** Base units per unit (for temperature: see {@link toKelvin}). */
  factor: number;
}

const u = (one: string, many: string, dimension: Unit["dimension"], factor: number): Unit => ({
  one,
  many,
  dimension,
  factor,
});

/** Spellings (lower-case) → unit. */
const UNITS: ReadonlyMap<string, Unit> = (() => {
  const table: Array<[string[], Unit]> = [
    [
      ["mm", "millimetre", "millimetres", "millimeter", "millimeters"],
      u("millimetre", "millimetres", "length", 0.001),
    ],
    [
      ["cm", "centimetre", "centimetres", "centimeter", "centimeters"],
      u("centimetre", "centimetres", "length", 0.01),
    ],
    [["m", "metre", "metres", "meter", "meters"], u("metre", "metres", "length", 1)],
    [
      ["km", "kilometre", "kilometres", "kilometer", "kilometers"],
      u("kilometre", "kilometres", "length", 1000),
    ],
    [["in", "inch", "inches"], u("inch", "inches", "length", 0.0254)],
    [["ft", "foot", "feet"], u("foot", "feet", "length", 0.3048)],
    [["yd", "yard", "yards"], u("yard", "yards", "length", 0.9144)],
    [["mi", "mile", "miles"], u("mile", "miles", "length", 1609.344)],
    [["g", "gram", "grams"], u("gram", "grams", "mass", 0.001)],
    [["kg", "kilogram", "kilograms", "kilo", "kilos"], u("kilogram", "kilograms", "mass", 1)],
    [["lb", "lbs", "pound", "pounds"], u("pound", "pounds", "mass", 0.45359237)],
    [["oz", "ounce", "ounces"], u("ounce", "ounces", "mass", 0.028349523125)],
    [["tonne", "tonnes", "t"], u("tonne", "tonnes", "mass", 1000)],
    [
      ["ml", "millilitre", "millilitres", "milliliter", "milliliters"],
      u("millilitre", "millilitres", "volume", 0.001),
    ],
    [["l", "litre", "litres", "liter", "liters"], u("litre", "litres", "volume", 1)],
    [["gallon", "gallons", "gal"], u("US gallon", "US gallons", "volume", 3.785411784)],
    [["cup", "cups"], u("US cup", "US cups", "volume", 0.2365882365)],
    [["s", "sec", "second", "seconds"], u("second", "seconds", "time", 1)],
    [["min", "minute", "minutes"], u("minute", "minutes", "time", 60)],
    [["h", "hr", "hour", "hours"], u("hour", "hours", "time", 3600)],
    [["day", "days"], u("day", "days", "time", 86400)],
    [["week", "weeks"], u("week", "weeks", "time", 604800)],
    [["c", "°c", "celsius", "centigrade"], u("degree Celsius", "degrees Celsius", "temperature", 1)],
    [["f", "°f", "fahrenheit"], u("degree Fahrenheit", "degrees Fahrenheit", "temperature", 1)],
    [["k", "kelvin", "kelvins"], u("kelvin", "kelvins", "temperature", 1)],
    [["km/h", "kph", "kmh"], u("kilometre per hour", "kilometres per hour", "speed", 1 / 3.6)],
    [["mph"], u("mile per hour", "miles per hour", "speed", 0.44704)],
    [["m/s"], u("metre per second", "metres per second", "speed", 1)],
    [["kb", "kilobyte", "kilobytes"], u("kilobyte", "kilobytes", "data", 1000)],
    [["mb", "megabyte", "megabytes"], u("megabyte", "megabytes", "data", 1e6)],
    [["gb", "gigabyte", "gigabytes"], u("gigabyte", "gigabytes", "data", 1e9)],
    [["byte", "bytes"], u("byte", "bytes", "data", 1)],
  ];
  return new Map(table.flatMap(([names, unit]) => names.map((name) => [name, unit] as const)));
})();

const UNIT = String.raw`(°?[a-z]+(?:/[a-z]+)?)`;
const NUMBER = String.raw`(-?\d+(?:[.,]\d+)?)`;
const HOW_MANY = new RegExp(
  String.raw`how many ${UNIT} (?:are )?(?:there )?(?:in|per) (?:a|an|one|1) ${UNIT}`,
  "i",
);
const CONVERT = new RegExp(
  String
    .raw`${NUMBER}\s*(?:degrees?\s+)?${UNIT}\s+(?:is|are|equals?|in|to|into|as)\s+(?:how many\s+)?(?:degrees?\s+)?${UNIT}`,
  "i",
);

function toKelvin(value: number, unit: Unit): number {
  if (unit.one.includes("Celsius")) return value + 273.15;
  if (unit.one.includes("Fahrenheit")) return (value - 32) * 5 / 9 + 273.15;
  return value;
}

function fromKelvin(kelvin: number, unit: Unit): number {
  if (unit.one.includes("Celsius")) return kelvin - 273.15;
  if (unit.one.includes("Fahrenheit")) return (kelvin - 273.15) * 9 / 5 + 32;
  return kelvin;
}

const FORMAT_SMALL = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });
const FORMAT_LARGE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A value as people write it: "5,280", "3.107", "0.3937"; no float noise. */
function shown(value: number): string {
  return (Math.abs(value) >= 1000 ? FORMAT_LARGE : FORMAT_SMALL).format(value);
}

function name(value: number, unit: Unit): string {
  return `${shown(value)} ${Math.abs(value) === 1 ? unit.one : unit.many}`;
}

function convert(value: number, from: Unit, to: Unit): number {
  if (from.dimension === "temperature") return fromKelvin(toKelvin(value, from), to);
  return value * from.factor / to.factor;
}

/**
 * Answers a unit conversion in the text, or undefined when there is none (or the units do not
 * measure the same thing, which it says).
 */
export function convertUnits(text: string): string | undefined {
  const howMany = HOW_MANY.exec(text);
  const direct = howMany ? undefined : CONVERT.exec(text);
  const [value, fromName, toName] = howMany
    ? [1, howMany[2] ?? "", howMany[1] ?? ""]
    : direct
    ? [Number((direct[1] ?? "").replace(",", ".")), direct[2] ?? "", direct[3] ?? ""]
    : [Number.NaN, "", ""];
  const from = UNITS.get(fromName.toLowerCase());
  const to = UNITS.get(toName.toLowerCase());
  if (!Number.isFinite(value) || from === undefined || to === undefined) return undefined;
  if (from.dimension !== to.dimension) {
    return `I can't convert ${from.many} to ${to.many}: one measures ${from.dimension} and the other ${to.dimension}.`;
  }
  const result = convert(value, from, to);
  const article = /^(?:[aeiou]|hour)/.test(from.one) ? "an" : "a";
  if (howMany) return `There are ${name(result, to)} in ${article} ${from.one}.`;
  return `${name(value, from)} is ${name(result, to)}.`.replace(/^./, (ch) => ch.toUpperCase());
}
