/** The middle value (the upper of the two middles for an even count); what every benchmark here reports. */
export function median(numbers: readonly number[]): number {
  return numbers.toSorted((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
}
