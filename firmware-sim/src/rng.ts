/**
 * Seeded randomness (mulberry32) so a fleet run with the same `--seed` makes the same choices:
 * jitter, ramp order, which artworks get reactions. Not for secrets.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A child stream per player, so adding a player does not shift every other player's choices. */
export function childRandom(parent: Random): Random {
  return seededRandom(Math.floor(parent() * 4_294_967_296));
}
