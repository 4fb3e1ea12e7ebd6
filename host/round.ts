/** Round half to even, the project's one rounding rule (contracts.md §2), for host-side JavaScript. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
